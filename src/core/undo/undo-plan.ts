/**
 * What taking an import back means, decided from its state alone (pure): records a run created
 * are deleted, children first; fields a run's updates changed are put back to the values they
 * had before. Records found in Pivotal and adopted are never deleted.
 */

import {
	copyOf,
	type FieldValues,
	PASSES,
	type PassName,
	type PivotalCopy,
	type RecordState,
} from "../../model/records.js";
import {
	isNumbered,
	isWorkspaceMatched,
	parentKeyOf,
	resourceOf,
	UNDO_ORDER,
} from "../../model/resources.js";
import { withValues } from "../plan/field-diff.js";

export type UndoOperation =
	| { readonly kind: "delete"; readonly pass: PassName; readonly key: string; readonly copy: PivotalCopy }
	| {
			readonly kind: "restore";
			readonly pass: PassName;
			readonly key: string;
			readonly copy: PivotalCopy;
			/** The values to put back. */
			readonly before: FieldValues;
			/** What the runs wrote: a field whose Pivotal value is no longer this was edited since, and is kept. */
			readonly after: FieldValues;
			/** The runs whose revisions this takes back. */
			readonly runs: readonly number[];
	  }
	/**
	 * Deleted by a sync's `--delete-missing`: Pivotal has no undelete, so it is created again, under
	 * a new id and a new idempotency generation, with the values the import last wrote. Parents first.
	 */
	| {
			readonly kind: "recreate";
			readonly pass: PassName;
			readonly key: string;
			/** The copy as it was before the delete. */
			readonly copy: PivotalCopy;
			readonly generation: number;
			/** The customer's key of a contact or onboarding. */
			readonly parentKey?: string;
			/** The DELETE was out when its run was killed: read it first, re-created only if gone. */
			readonly isInDoubt?: boolean;
	  };

/** Children first: a customer goes last, once nothing of this import hangs under it. */
export { UNDO_ORDER };

export interface UndoPlan {
	/** The runs taken back, oldest first. */
	readonly runs: readonly number[];
	readonly operations: Readonly<Record<PassName, readonly UndoOperation[]>>;
	readonly counts: Readonly<
		Record<PassName, { readonly delete: number; readonly restore: number; readonly recreate?: number }>
	>;
	/**
	 * Records a taken-back run created that stay: records the import found in Pivotal (adopted, not
	 * its own) are under them, and a deleted customer takes what is under it out of Pivotal's lists
	 * (adversarial finding AG2; `--delete-missing` keeps them alike). The first few keys, and how many.
	 */
	readonly kept?: { readonly pass: PassName; readonly keys: readonly string[]; readonly count: number };
	/**
	 * List pages read before re-creating, at least: a record Pivotal holds again under another id
	 * is looked for first (a walk of the workspace's customers, a list of each customer's contacts).
	 */
	readonly listPages?: number;
}

/**
 * `last`: the most recent run with something left to take back. Right after an undo finished a
 * run, that is the run before it: `previous` must say so (`--previous`), or "the same command"
 * that resumes an undo would take a second run back when retried (adversarial finding Q1).
 */
export type UndoScope = { readonly kind: "last"; readonly previous?: boolean } | { readonly kind: "all" };

/** The state's counters for the run the last undo took back, and the import's runs then. */
export const UNDONE_RUN = "undoneRun";
export const UNDONE_AT_RUNS = "undoneAtRuns";

/**
 * The run a finished undo took back, when `runs` (the plan's) reach past it: the undo the same
 * command would now make is of the run before. Runs of the import since that changed nothing do
 * not reopen it (a nightly sync with nothing to send, then the same `undo` again: adversarial
 * finding R3); a run since that changed something is the plan's run itself, after the undone one.
 * `runsSince`: the import's runs since that undo.
 */
export function runTakenBackAlready(
	counters: Readonly<Record<string, number>>,
	runsNow: number,
	runs: readonly number[],
): { readonly undone: number; readonly runsSince: number } | undefined {
	const undone = counters[UNDONE_RUN];
	if (undone === undefined || undone === 0) return undefined;
	const target = runs[runs.length - 1];
	if (target === undefined || target >= undone) return undefined;
	return { undone, runsSince: Math.max(0, runsNow - (counters[UNDONE_AT_RUNS] ?? runsNow)) };
}

/** Page size of the list walks (the API's largest). */
const WALK_PAGE = 100;

/**
 * The list pages an undo reads to look for the records of `pass` it re-creates (recreate-record.ts):
 * the workspace's customers, of which there are at least `known`; each customer's contacts, a
 * page at least; onboardings are not looked for (a name is no identity).
 */
function pagesBeforeRecreating(pass: PassName, list: readonly UndoOperation[], known: number): number {
	if (isWorkspaceMatched(pass)) return Math.ceil(known / WALK_PAGE);
	if (isNumbered(pass)) return 0;
	const parents = new Set<string>();
	for (const op of list) if (op.kind === "recreate" && op.parentKey !== undefined) parents.add(op.parentKey);
	return parents.size;
}

/** The runs with something left to take back. */
export function undoableRuns(entries: (pass: PassName) => Iterable<[string, RecordState]>): number[] {
	const runs = new Set<number>();
	for (const pass of PASSES) {
		for (const [, state] of entries(pass)) {
			if (state.s === "removed" && state.why === "deleted" && state.was && state.run !== undefined)
				runs.add(state.run);
			if (state.s === "sent" && state.del !== undefined && state.was) runs.add(state.del);
			const copy = copyOf(state);
			if (!copy) continue;
			if (copy.outcome === "created") runs.add(copy.c ?? 1);
			for (const revision of copy.ch ?? []) runs.add(revision.run);
		}
	}
	return [...runs].sort((a, b) => a - b);
}

/**
 * `interrupted`: the number of the run that started last when it did not finish. "The last run"
 * is then that one, whatever it changed: an undo meant for a half-done sync must never reach
 * back to the import before it.
 */
export function planUndo(
	entries: (pass: PassName) => Iterable<[string, RecordState]>,
	scope: UndoScope,
	interrupted?: number,
): UndoPlan {
	const available = undoableRuns(entries);
	const last = interrupted ?? available[available.length - 1];
	const runs = scope.kind === "all" ? available : last === undefined ? [] : [last];
	const targets = new Set(runs);
	const operations = {} as Record<PassName, UndoOperation[]>;
	const counts = {} as Record<PassName, { delete: number; restore: number; recreate?: number }>;
	let listPages = 0;
	const holding = holdersOfAdopted(entries, targets);
	const kept: { readonly pass: PassName; readonly key: string }[] = [];
	for (const pass of PASSES) {
		const list: UndoOperation[] = [];
		let held = 0;
		for (const [key, state] of entries(pass)) {
			if (copyOf(state) !== undefined) held += 1;
			if (state.s === "removed" && state.why === "deleted" && state.was && targets.has(state.run ?? -1)) {
				// Its creation is taken back too (`--all`): gone already, which is where undo would leave it.
				if (state.was.outcome === "created" && targets.has(state.was.c ?? 1)) continue;
				list.push({
					kind: "recreate",
					pass,
					key,
					copy: state.was,
					generation: state.g,
					...(state.p === undefined ? {} : { parentKey: state.p }),
				});
				continue;
			}
			// A DELETE of a taken-back run that was out when it was killed: it may have landed.
			if (
				state.s === "sent" &&
				state.del !== undefined &&
				state.was &&
				targets.has(state.del) &&
				!(state.was.outcome === "created" && targets.has(state.was.c ?? 1))
			) {
				const parentKey = parentKeyOf(pass, key);
				list.push({
					kind: "recreate",
					pass,
					key,
					copy: state.was,
					generation: (state.was.g ?? 0) + 1,
					...(parentKey === undefined ? {} : { parentKey }),
					isInDoubt: true,
				});
				continue;
			}
			const copy = copyOf(state);
			if (!copy) continue;
			if (copy.outcome === "created" && targets.has(copy.c ?? 1)) {
				if (holding.get(pass)?.has(key)) kept.push({ pass, key });
				else list.push({ kind: "delete", pass, key, copy });
				continue;
			}
			const taken = (copy.ch ?? []).filter((revision) => targets.has(revision.run));
			if (taken.length === 0) continue;
			// Oldest first: the earliest `before` of a field wins, the latest `after` is what Pivotal should hold.
			let before: FieldValues = {};
			let after: FieldValues = {};
			for (const revision of taken) {
				before = withValues(revision.before, before);
				after = withValues(after, revision.after);
			}
			list.push({ kind: "restore", pass, key, copy, before, after, runs: taken.map((r) => r.run) });
		}
		operations[pass] = list;
		counts[pass] = {
			delete: list.filter((op) => op.kind === "delete").length,
			restore: list.filter((op) => op.kind === "restore").length,
		};
		// Only a sync's --delete-missing leaves records to re-create: the count is there when it has.
		const recreates = list.filter((op) => op.kind === "recreate").length;
		if (recreates > 0) counts[pass].recreate = recreates;
		if (recreates > 0) listPages += pagesBeforeRecreating(pass, list, held + recreates);
	}
	return {
		runs,
		operations,
		counts,
		...(kept[0] === undefined
			? {}
			: {
					kept: {
						pass: kept[0].pass,
						keys: kept.slice(0, KEPT_SHOWN).map((k) => k.key),
						count: kept.length,
					},
				}),
		...(listPages > 0 ? { listPages } : {}),
	};
}

/** How many of the kept records' keys the plan names. */
const KEPT_SHOWN = 5;

/**
 * Per parent pass, the keys of records with a record under them that stays in Pivotal after the
 * undo of `targets`: one found there and adopted, or made by a run not taken back.
 */
function holdersOfAdopted(
	entries: (pass: PassName) => Iterable<[string, RecordState]>,
	targets: ReadonlySet<number>,
): Map<PassName, Set<string>> {
	const holding = new Map<PassName, Set<string>>();
	for (const pass of PASSES) {
		const parent = resourceOf(pass).parent?.resource as PassName | undefined;
		if (parent === undefined) continue;
		for (const [key, state] of entries(pass)) {
			const copy = copyOf(state);
			if (copy === undefined || (copy.outcome === "created" && targets.has(copy.c ?? 1))) continue;
			const parentKey = parentKeyOf(pass, key);
			if (parentKey === undefined) continue;
			const keys = holding.get(parent) ?? new Set<string>();
			holding.set(parent, keys.add(parentKey));
		}
	}
	return holding;
}
