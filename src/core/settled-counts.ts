/**
 * The `record-done` events a progress store has not folded into its snapshot yet. A refresh
 * settles a million unchanged records, each with its event; reduced one by one, each made a new
 * snapshot that nobody read (screens read it ten times a second). Counted here instead, and
 * folded in with one copy when the snapshot is read or another event comes: the same snapshot
 * as `reduceProgress` over the same events, since a `record-done` of a record not in flight only
 * adds to counts and moves `lastEventAt`. One in flight is left to the reducer (it leaves the
 * in-flight list).
 */

import type { PassName } from "../model/records.js";
import type { ImportEvent, RecordOutcome } from "./events.js";
import type { ProgressSnapshot } from "./progress.js";

type RecordDone = Extract<ImportEvent, { type: "record-done" }>;

export class SettledCounts {
	// By pass, then outcome: how many records to add.
	#counts = new Map<PassName, Map<RecordOutcome, number>>();
	#total = 0;
	#lastAt = 0;

	get isEmpty(): boolean {
		return this.#total === 0;
	}

	/** Counts `event` when it can wait to be folded into `snapshot` (its record is not in flight); else false. */
	add(snapshot: ProgressSnapshot, event: RecordDone): boolean {
		if (snapshot.inFlight.size > 0 && snapshot.inFlight.has(`${event.pass}:${event.key}`)) return false;
		let byOutcome = this.#counts.get(event.pass);
		if (byOutcome === undefined) {
			byOutcome = new Map();
			this.#counts.set(event.pass, byOutcome);
		}
		byOutcome.set(event.outcome, (byOutcome.get(event.outcome) ?? 0) + 1);
		this.#total += 1;
		this.#lastAt = event.at;
		return true;
	}

	/** `snapshot` with the counted records in, as `reduceProgress` would leave it; the counts start again. */
	foldInto(snapshot: ProgressSnapshot): ProgressSnapshot {
		const passes = { ...snapshot.passes };
		for (const [pass, byOutcome] of this.#counts) {
			const counts = { ...passes[pass] };
			for (const [outcome, n] of byOutcome) counts[outcome] += n;
			passes[pass] = counts;
		}
		const folded = {
			...snapshot,
			lastEventAt: this.#lastAt,
			passes,
			recordsFinishedThisRun: snapshot.recordsFinishedThisRun + this.#total,
		};
		this.#counts = new Map();
		this.#total = 0;
		return folded;
	}
}
