/**
 * A customer create refused `409 slug_taken` while another row of the same file gives that slug
 * up: its update, in the same sync, takes another (adversarial finding W12). The create is sent
 * again once that update has landed, where it failed for good before.
 */

import { copyOf, type RecordState, type SourceRecord } from "../../model/records.js";
import { sleep } from "../sleep.js";

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
