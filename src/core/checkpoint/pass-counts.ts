import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import type { CheckpointData } from "./checkpoint-format.js";

/** Records of one pass by checkpoint state. `done` = `created` + `existed`; `inDoubt` = sent, no answer. */
export interface PassCounts {
	readonly done: number;
	readonly created: number;
	readonly existed: number;
	readonly failed: number;
	readonly blocked: number;
	readonly inDoubt: number;
	/** Deleted by undo, or found deleted in Pivotal. */
	readonly removed: number;
	readonly total: number;
}

/** The tally a state counts toward. */
export type Bucket = "created" | "existed" | "failed" | "blocked" | "inDoubt" | "removed";

export function bucketOf(state: RecordState): Bucket {
	switch (state.s) {
		case "sent":
			return "inDoubt";
		case "done":
			return state.outcome;
		case "failed":
			return "failed";
		case "blocked":
			return "blocked";
		case "removed":
			return "removed";
		default:
			return unreachable(state);
	}
}

function unreachable(value: never): never {
	throw new Error(`Unexpected record state ${JSON.stringify(value)}`);
}

export type Tally = Record<Bucket, number>;

export function emptyTally(): Tally {
	return { created: 0, existed: 0, failed: 0, blocked: 0, inDoubt: 0, removed: 0 };
}

export function tallyOf(states: Iterable<RecordState>): Tally {
	const tally = emptyTally();
	for (const state of states) tally[bucketOf(state)]++;
	return tally;
}

export function countsOf(tally: Tally, total: number): PassCounts {
	return { done: tally.created + tally.existed, ...tally, total };
}

/** Per-pass counts of a loaded checkpoint, for the resume screen and the headless plan. */
export function summarizeCheckpoint(data: CheckpointData): Readonly<Record<PassName, PassCounts>> {
	const summary = {} as Record<PassName, PassCounts>;
	for (const pass of PASSES) {
		const records = data.records[pass];
		// A loaded state keeps its tally: no record is read.
		const tally =
			"tally" in records && typeof records.tally === "function"
				? (records.tally() as Tally)
				: tallyOf(records.values());
		summary[pass] = countsOf(tally, records.size);
	}
	return summary;
}
