/**
 * A file's pass of an import round, as the run driver takes it: the records of the file planned
 * against the state one by one, what needs no request settled on the way, in the ledger (the
 * deletes of `--delete-missing` follow every file's pass: delete-passes.ts).
 */

import { copyOf, type PassName, type PivotalCopy, type SourceRecord } from "../model/records.js";
import { bodyUnder, resourceOf } from "../model/resources.js";
import { type KnownFromCheck, SourceFileError, type SourceOptions } from "../source/index.js";
import { StateMap } from "./checkpoint/state-map.js";
import type { RecordApplier } from "./execute/apply-record.js";
import type { Ledger } from "./execute/ledger.js";
import { notInPivotalNote } from "./execute/sync-notes.js";
import { isKeptUsable, keptEntries } from "./kept-source.js";
import type { KeptEntry } from "./plan/kept-records.js";
import { knownRecordBatches, passStateOf } from "./plan/legacy-keys.js";
import { type ParentView, type PlanOptions, planRecord } from "./plan/planner.js";
import { hasCopyIn, isRecreatedIn, quickUnchanged } from "./plan/quick-unchanged.js";
import type { RunBooks, RunPass, RunScope } from "./run-job.js";

/** A record the plan says needs a request. */
interface Planned {
	readonly record: Parameters<RecordApplier["apply"]>[0];
	readonly op: Parameters<RecordApplier["apply"]>[1];
	readonly parentCopy: Parameters<RecordApplier["apply"]>[2];
}

export type RecordPassOptions = PlanOptions & {
	readonly source?: SourceOptions | undefined;
	/** What validation learnt of the file, while it is as checked (see `KnownFromCheck`). */
	readonly known?: KnownFromCheck | undefined;
};

/** One file's pass: its records planned as they stream, those that need a request applied by `applier`. */
export function recordPass(
	scope: RunScope,
	books: RunBooks,
	applier: RecordApplier,
	pass: PassName,
	file: string,
	options: RecordPassOptions,
): RunPass<Planned> {
	return {
		pass,
		announce: "fresh",
		operations: planned(scope, books, pass, file, options),
		apply: ({ record, op, parentCopy }) => applier.apply(record, op, parentCopy),
	};
}

/** How the stop sentence of a run whose file changed under it ends: a saved plan of it is stale. */
export const CHANGED_FILE_STOP = "The records before that point were sent; the state is saved.";

/**
 * The records of a pass that need a request; the others are settled here, in the ledger. A file
 * that changed under the run (or can no longer be read) stops it, resumable: the rows before the
 * change were sent as checked, none after it. The records come from the copy the plan's read
 * kept when it can be used (kept-source.ts), else from the file, a block of records at a time:
 * the only await per record is the driver's.
 */
async function* planned(
	scope: RunScope,
	books: RunBooks,
	pass: PassName,
	file: string,
	options: RecordPassOptions,
): AsyncGenerator<Planned> {
	// Records settled unchanged change nothing in the state: counted, when no listener needs to
	// hear of each, and told in one event before the next request or at the block's end.
	const unchanged: Unchanged | undefined = scope.isUnchangedCounted() ? { count: 0 } : undefined;
	const tell = () => {
		if (unchanged === undefined || unchanged.count === 0) return;
		scope.emit({ type: "records-unchanged", at: scope.now(), pass, count: unchanged.count });
		unchanged.count = 0;
	};
	try {
		// A new run's copy gives them counted too, their keys not read.
		const isCounted = books.isFresh === true && unchanged !== undefined;
		for await (const batch of entryBatches(books, pass, file, options, isCounted)) {
			for (const entry of batch) {
				if (scope.isOver()) break;
				if (entry.kind === "counted") {
					books.ledger.count("unchanged", pass, entry.count);
					unchanged!.count += entry.count;
					continue;
				}
				const one =
					entry.kind === "quick"
						? settleQuick(scope, books, pass, entry, unchanged)
						: plannedRecord(scope, books, pass, entry.record, options, unchanged);
				if (one === STOP) return;
				if (one === undefined) continue;
				tell();
				yield one;
			}
			tell();
			if (scope.isOver()) return;
		}
	} catch (error) {
		if (!(error instanceof SourceFileError)) throw error;
		scope.trip("interrupted", `${error.message} ${CHANGED_FILE_STOP}`);
	} finally {
		tell();
	}
}

/** Records settled unchanged and not yet told (`records-unchanged`). */
interface Unchanged {
	count: number;
}

async function* entryBatches(
	{ ledger }: RunBooks,
	pass: PassName,
	file: string,
	options: RecordPassOptions,
	isCounted: boolean,
): AsyncGenerator<readonly KeptEntry[]> {
	const { store } = ledger;
	const kept = options.known?.kept;
	const bytes = options.known?.bytes;
	if (
		kept !== undefined &&
		bytes !== undefined &&
		isKeptUsable(kept, (key) => isQuickParent(ledger, pass, key))
	) {
		yield* keptEntries(kept, file, bytes, isCounted);
		return;
	}
	const known = passStateOf(store, pass);
	for await (const batch of knownRecordBatches(file, pass, options.source, known, options.known))
		yield batch.map((record) => ({ kind: "record", record }) as const);
}

/** May a child of this customer be settled by the quick comparison (its customer in Pivotal, not made anew)? */
function isQuickParent(ledger: Ledger, pass: PassName, key: string): boolean {
	const parentPass = resourceOf(pass).parent?.resource as PassName | undefined;
	const parentRecords = parentPass === undefined ? undefined : ledger.store.records?.(parentPass);
	return parentRecords !== undefined && hasCopyIn(parentRecords, key) && !isRecreatedIn(parentRecords, key);
}

/** A record the plan's quick comparison settled unchanged, against this very state. */
function settleQuick(
	scope: RunScope,
	{ ledger, run, isFresh }: RunBooks,
	pass: PassName,
	entry: Extract<KeptEntry, { kind: "quick" }>,
	unchanged: Unchanged | undefined,
): undefined | typeof STOP {
	// Its values are the row's, compared by the plan: only the small fields are read.
	const records = ledger.store.records?.(pass);
	const freshId = !isFresh
		? undefined
		: entry.id !== ""
			? entry.id
			: records instanceof StateMap
				? records.doneId(entry.key)
				: undefined;
	if (freshId !== undefined) {
		// A new run wrote none of its records yet: the state is as the plan read it, an earlier run's.
		ledger.count("unchanged", pass);
		if (unchanged !== undefined) {
			unchanged.count += 1;
			return undefined;
		}
		const at = scope.now();
		scope.emit({
			type: "record-done",
			at,
			pass,
			key: entry.key,
			outcome: "unchanged",
			id: freshId,
			attempts: 0,
		});
		return undefined;
	}
	const slim =
		records instanceof StateMap ? records.quickCopy(entry.key, entry.valuesLength, run) : undefined;
	const copy = slim ?? copyOf(ledger.store.get(pass, entry.key));
	if (copy === undefined) {
		scope.trip(
			"interrupted",
			`The state of ${pass} ${entry.key} changed since the plan; run the command again.`,
		);
		return STOP;
	}
	settleUnchanged(scope, ledger, run, pass, entry.key, copy, unchanged);
	return undefined;
}

/** The ledger could not write: the pass ends. */
const STOP = Symbol("stop");

/** What `record` needs: a request (its planned operation), nothing (settled here), or `STOP`. */
function plannedRecord(
	scope: RunScope,
	{ ledger, run }: RunBooks,
	pass: PassName,
	record: SourceRecord,
	options: RecordPassOptions,
	unchanged: Unchanged | undefined,
): Planned | undefined | typeof STOP {
	const { store } = ledger;
	const records = store.records?.(pass);
	const parentPass = resourceOf(pass).parent?.resource as PassName | undefined;
	// Most rows of a refresh: done with the row's values, read without parsing them.
	const quick =
		parentPass !== undefined && !isQuickParent(ledger, pass, record.parentKey ?? "")
			? undefined
			: quickUnchanged(record, records);
	if (quick !== undefined) {
		settleUnchanged(scope, ledger, run, pass, record.key, quick.copy, unchanged);
		return undefined;
	}
	const state = store.get(pass, record.key);
	const parentCopy =
		record.parentKey === undefined || parentPass === undefined
			? undefined
			: copyOf(store.get(parentPass, record.parentKey));
	const parent: ParentView | undefined =
		parentPass === undefined
			? undefined
			: parentCopy
				? { kind: "ready", copy: parentCopy }
				: { kind: "missing" };
	if (state?.s === "failed" || state?.s === "removed") {
		const body = parentCopy ? bodyUnder(resourceOf(pass), parentCopy.id, record.body) : record.body;
		ledger.describeEarlierFailure(pass, record, JSON.stringify(body));
	}
	const op = planRecord(record, state, parent, options);
	switch (op.kind) {
		case "unchanged": {
			// Failed or blocked since, and back at what Pivotal was last known to hold: done again.
			if (state?.s !== "done" && !ledger.settle(pass, record.key, op.copy)) return STOP;
			settleUnchanged(scope, ledger, run, pass, record.key, op.copy, unchanged);
			return undefined;
		}
		case "kept":
			ledger.keptFailure(pass, record);
			return undefined;
		case "skipped":
			ledger.skipped(pass, record, op.reason === "not_in_pivotal" ? notInPivotalNote(pass) : undefined);
			return undefined;
		case "blocked":
			if (!ledger.blocked(pass, record, op.parentKey, state)) return STOP;
			return undefined;
		default:
			return { record, op, parentCopy };
	}
}

/**
 * Counts and reports a record that needs no request, done as the state has it: one unchanged
 * is told counted when `unchanged` is given.
 */
function settleUnchanged(
	scope: RunScope,
	ledger: Ledger,
	run: number,
	pass: PassName,
	key: string,
	copy: PivotalCopy,
	unchanged: Unchanged | undefined,
): void {
	// Done by an earlier session of this very run: counted as what that session did.
	const did = copy.r === run && copy.did ? copy.did : "unchanged";
	ledger.count(did, pass);
	if (did === "unchanged" && unchanged !== undefined) {
		unchanged.count += 1;
		return;
	}
	scope.emit({ type: "record-done", at: scope.now(), pass, key, outcome: did, id: copy.id, attempts: 0 });
}
