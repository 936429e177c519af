import { PASSES, type PassName } from "../model/records.js";
import { isUnansweredCreate, unansweredCreatesIn } from "./checkpoint/state-map.js";
import { emptyPassTally, type RunOutcome } from "./events.js";
import { DELETED_IN_PIVOTAL, type Ledger } from "./execute/ledger.js";
import type { FailureDetail, ImportSummary, PassSummary } from "./run-types.js";
import type { StateStore } from "./state/state-store.js";

export interface SummaryInput {
	readonly outcome: RunOutcome;
	readonly message?: string | undefined;
	/** Undefined when the run ended before its state was open. */
	readonly ledger: Ledger | undefined;
	readonly totals: Readonly<Record<PassName, number>>;
	/** Of the totals, the deletes `--delete-missing` planned. */
	readonly deletes?: Readonly<Record<PassName, number>> | undefined;
	readonly checkpointPath: string;
	readonly elapsedMs: number;
	readonly run: number;
}

/** What a run did, per pass, from the ledger's tallies and the state. */
export function buildSummary(input: SummaryInput): ImportSummary {
	const { ledger } = input;
	const failures = ledger?.failures() ?? [];
	const passes = Object.fromEntries(
		PASSES.map((pass): [PassName, PassSummary] => {
			const total = input.totals[pass];
			const t = ledger?.tally(pass) ?? emptyPassTally();
			const written = t.created + t.existed + t.updated + t.unchanged;
			const final = written + t.deleted + t.restored + t.failed + t.blocked + t.skipped;
			// With the rows `--only` left out whose records the state holds: in the files too (finding X5).
			const inFiles = written + (ledger?.skippedHeld(pass) ?? 0);
			const counts = ledger?.store.count(pass);
			const done = counts?.done ?? 0;
			// A failed update's record is in Pivotal all the same: the state keeps its copy (finding Z6).
			const checkpointDone = done + failedInPivotal(ledger?.store, pass);
			const pending = Math.max(0, total - final);
			// Once every row is settled, a record left sent with no answer is not in the files (or
			// was left out by --only): nothing this run did resolves it (finding N6).
			const records = ledger?.store.records?.(pass);
			const unanswered =
				input.outcome === "completed" && ledger && records
					? Math.max(
							0,
							unansweredCreatesIn(records) -
								ledger.skippedInDoubt(pass) -
								failedInDoubt(ledger, failures, pass),
						)
					: 0;
			return [
				pass,
				{
					total,
					...(input.deletes?.[pass] ? { deletes: input.deletes[pass] } : {}),
					...t,
					gone: failures.filter((f) => f.pass === pass && f.code === DELETED_IN_PIVOTAL).length,
					pending,
					inDoubt: Math.min(pending, counts?.inDoubt ?? 0),
					checkpointDone,
					notInFiles: input.outcome === "completed" ? Math.max(0, done - inFiles) : 0,
					...(unanswered > 0 ? { unansweredNotInFiles: unanswered } : {}),
				},
			];
		}),
	) as Record<PassName, PassSummary>;
	const failuresByCode: Record<string, number> = {};
	for (const failure of failures) failuresByCode[failure.code] = (failuresByCode[failure.code] ?? 0) + 1;
	const counters = ledger?.store.counters();
	return {
		outcome: input.outcome,
		message: input.message,
		runId: ledger?.store.header.runId ?? "",
		run: input.run,
		checkpointPath: ledger?.store.path ?? input.checkpointPath,
		passes,
		failuresByCode,
		requests: counters?.requests ?? 0,
		rateLimited: counters?.rateLimited ?? 0,
		retries: counters?.retries ?? 0,
		elapsedMs: input.elapsedMs,
	};
}

/**
 * Records of rows in the files (a line of this run) whose create got no answer and that failed
 * this run, still in doubt (a server still working on the key answered 409 in use): their rows are
 * there, so they are no unanswered creates gone from the files (adversarial finding Q14).
 */
function failedInDoubt(ledger: Ledger, failures: readonly FailureDetail[], pass: PassName): number {
	let count = 0;
	for (const failure of failures)
		if (failure.pass === pass && failure.line > 0 && isUnansweredCreate(ledger.store.get(pass, failure.key)))
			count += 1;
	return count;
}

/** Failed records the state holds as in Pivotal (a failed update keeps the copy it started from). */
function failedInPivotal(store: StateStore | undefined, pass: PassName): number {
	let count = 0;
	for (const [, state] of store?.failing?.(pass) ?? []) if (state.s === "failed" && state.was) count += 1;
	return count;
}
