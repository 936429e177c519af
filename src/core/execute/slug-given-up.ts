/**
 * A customer create refused `409 slug_taken` while another row of the same file gives that slug
 * up: its update, in the same sync, takes another (adversarial finding W12). The create is sent
 * again once that update has landed, where it failed for good before.
 */

import { copyOf, type PassName, type RecordState, type SourceRecord } from "../../model/records.js";
import { StateMap } from "../checkpoint/state-map.js";
import { sleep } from "../sleep.js";
import type { StateStore } from "../state/state-store.js";

/** How long a refused create waits for the holder's write in flight, and how often it looks. */
const WAIT_MS = 10_000;
const POLL_MS = 25;

/**
 * Did the customer `holderKey` of this import (the one a walk of the list saw holding `slug`)
 * give the slug up in this run? Waits out its write while one is in flight (bounded), then reads
 * the slug the state says the import last wrote for it.
 */
export async function isSlugGivenUp(
	record: SourceRecord,
	slug: string | undefined,
	holderKey: string | undefined,
	stateOf: (key: string) => RecordState | undefined,
	isOver: () => boolean,
): Promise<boolean> {
	if (slug === undefined || holderKey === undefined || holderKey === record.key) return false;
	const until = Date.now() + WAIT_MS;
	while (stateOf(holderKey)?.s === "sent" && Date.now() < until && !isOver()) await sleep(POLL_MS);
	const written = copyOf(stateOf(holderKey))?.v?.slug;
	return typeof written === "string" && written !== slug;
}

/**
 * The record of `pass` other than `except` whose state says the import last wrote `slug` for it;
 * undefined for none. The state's texts are searched for the slug before any is read.
 */
export function writerOfSlug(
	store: Pick<StateStore, "records" | "entries">,
	pass: PassName,
	slug: string,
	except: string,
): string | undefined {
	const needle = `"slug":${JSON.stringify(slug)}`;
	const records = store.records?.(pass);
	if (records instanceof StateMap) {
		for (const [key, text] of records.texts())
			if (key !== except && text.includes(needle) && copyOf(records.get(key))?.v?.slug === slug) return key;
		return undefined;
	}
	for (const [key, state] of store.entries(pass))
		if (key !== except && copyOf(state)?.v?.slug === slug) return key;
	return undefined;
}
