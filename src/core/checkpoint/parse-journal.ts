/**
 * Reads a checkpoint's journal, the lines after its snapshot (checkpoint-format.ts), applying
 * each to the records and counters in order. In a version-3 state every line must carry its link
 * and fit the chain from the snapshot's seed (journal-chain.ts); an older state's lines carry none.
 */

import type { PassName } from "../../model/records.js";
import { isCounterDelta, isObject, isRecordState, PASS_SET } from "./checkpoint-format.js";
import { nextLink, splitLink } from "./journal-chain.js";
import type { StateMap } from "./state-map.js";

/**
 * How the reasons of a broken chain begin: the load advises restoring or starting over for them,
 * where a line that merely does not parse may be repaired or removed on its own.
 */
export const CHAIN_BROKEN = "this journal line";

export interface JournalRead {
	/** Lines read, blank ones included. */
	readonly lines: number;
	/** The time of the last line that has one (`t`), else `lastTime` as given. */
	readonly lastTime: number;
	/** The link of the last line (the seed when there is none); undefined for an unchained state. */
	readonly link: string | undefined;
}

/**
 * Applies the journal lines `next()` returns (complete lines only: a torn last one was left out)
 * to `maps` and `sums`. `seed` is the snapshot's chain seed in a version-3 state, undefined in an
 * older one. A damaged line is `fail`ed with its reason, while `next()` last returned it.
 */
export function readJournal(
	next: () => string | undefined,
	maps: Record<PassName, StateMap>,
	sums: Record<string, number>,
	lastTime: number,
	seed: string | undefined,
	fail: (reason: string) => never,
): JournalRead {
	let lines = 0;
	let link = seed;
	let time = lastTime;
	for (let raw = next(); raw !== undefined; raw = next()) {
		lines++;
		if (raw.trim() === "") continue;
		if (link !== undefined) {
			const split = splitLink(raw);
			if (split === undefined)
				fail(
					isJson(raw)
						? `${CHAIN_BROKEN} carries no link to the line before it, which every journal line of its version holds`
						: `${CHAIN_BROKEN} is not valid JSON`,
				);
			link = nextLink(link, split.body);
			if (link !== split.link)
				fail(
					`${CHAIN_BROKEN} does not follow from the lines before it: it, or a line before it, was edited, removed, reordered or copied from another state`,
				);
		}
		let entry: unknown;
		try {
			entry = JSON.parse(raw);
		} catch {
			fail("a journal line is not valid JSON");
		}
		if (!isObject(entry)) fail("a journal line is not an object");
		// A link in an older state's journal: a newer state's lines under a header made to read older.
		if (seed === undefined && entry.h !== undefined)
			fail("a journal line carries a link, which no journal of the snapshot's version holds");
		if (entry.p !== undefined) {
			if (typeof entry.p !== "string" || !PASS_SET.has(entry.p)) fail("unknown pass");
			if (typeof entry.k !== "string") fail("the record key is missing");
			if (!isRecordState(entry.v)) fail("the record state is malformed");
			maps[entry.p as PassName].set(entry.k, entry.v);
		} else if (entry.c === undefined) {
			fail("a journal line holds neither a record nor counters");
		}
		if (entry.c !== undefined) {
			if (!isCounterDelta(entry.c)) fail("the counters are not numbers");
			for (const [name, delta] of Object.entries(entry.c)) sums[name] = (sums[name] ?? 0) + delta;
		}
		if (typeof entry.t === "number") time = entry.t;
	}
	return { lines, lastTime: time, link };
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}
