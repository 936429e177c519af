/**
 * The plan as a value, before anything is sent: every record of the files planned against the
 * state as it is on disk (read only), tallied per pass with the first few field changes and the
 * onboardings that would enter `launch` or `completed` (Pivotal fires automations then).
 */

import { copyOf, PASSES, type PassName, type SourceRecord } from "../../model/records.js";
import type { SourceOptions } from "../../source/index.js";
import type { CheckpointData } from "../checkpoint/index.js";
import { heldIn } from "../checkpoint/state-map.js";
import type { SourceFiles } from "../run-types.js";
import { type FieldChange, hasUnknownBefore, touchesMetadata } from "./field-diff.js";
import { knownRecords } from "./legacy-keys.js";
import { DELETE_ORDER, deleteRefusal, missingRecords, type PlannedDelete } from "./missing-records.js";
import { type Operation, type OperationKind, type ParentView, planRecord } from "./planner.js";
import { emptiedFields, type SyncRules } from "./sync-rules.js";

export interface PlannedChange {
	readonly key: string;
	readonly line: number;
	readonly changes: readonly FieldChange[];
}

export interface PassPlan {
	readonly rows: number;
	readonly ops: Readonly<Record<OperationKind, number>>;
	/** How many records change each field. */
	readonly fields: Readonly<Record<string, number>>;
	/** The first few updates, with before → after. */
	readonly examples: readonly PlannedChange[];
	/** Onboardings that a create or an update puts into `launch` or `completed`. */
	readonly automations: readonly { readonly key: string; readonly line: number; readonly phase: string }[];
	readonly automationCount: number;
	/** Customers to create with a slug derived from their name (the row gives none): the first few, and how many. */
	readonly slugs?: readonly { readonly key: string; readonly line: number; readonly slug: string }[];
	readonly slugCount?: number;
	/** Records the state holds as in Pivotal that the file no longer has (reported, never deleted). */
	readonly notInFiles: number;
	/** Of the kept records, those deleted in Pivotal since the last sync (`--recreate` creates them). */
	readonly gone: number;
	/** `--only update`: rows with no record in Pivotal, not created. */
	readonly notInPivotal?: number;
	/** `--only create`: records whose changes are left as Pivotal has them. */
	readonly updatesLeft?: number;
	/** `--empty clear`: fields emptied in the file that the API cannot empty, with how many records. */
	readonly stuck?: Readonly<Record<string, number>>;
	/** Records with a cell emptied since the last sync that `--empty clear` clears (counted under either rule). */
	readonly emptied?: number;
	/** Records `--delete-missing` would delete (counted when planned with it, or with `preview`). */
	readonly deletable?: number;
	/** `--keep-pivotal-edits`: reads before the updates (one per record to update). */
	readonly reads?: number;
	/** `--delete-missing`: what would be deleted (the first few), and how many. */
	readonly deletes?: readonly PlannedDelete[];
	readonly deleteCount?: number;
	/** `--delete-missing`: gone from the file but adopted (or a customer of adopted records): kept. */
	readonly deleteKept?: number;
}

export interface SyncPlan {
	readonly passes: Readonly<Record<PassName, PassPlan>>;
	/** Requests the operations cost, list walks for matching not counted. */
	readonly requests: number;
	readonly isFirstSync: boolean;
	/** The sync rules the plan was made under. */
	readonly rules?: SyncRules | undefined;
	/** Why the run is refused before anything is sent (too many deletes), if it is. */
	readonly refusal?: string | undefined;
}

export interface MakePlanOptions {
	readonly files: SourceFiles;
	/** How the files are read (map, encoding, delimiter). */
	readonly source?: SourceOptions | undefined;
	readonly state: CheckpointData | undefined;
	readonly retryFailed: boolean;
	readonly recreate: boolean;
	/** `--only`, `--empty`, `--keep-pivotal-edits`, `--delete-missing`. @default no rules */
	readonly rules?: SyncRules | undefined;
	/** Called for every record's operation, in file order (NDJSON lines). */
	readonly onOperation?: (record: SourceRecord, op: Operation) => void;
	/**
	 * Count what each sync rule would change even when it is off (`emptied`, `deletable`), for a
	 * screen that offers the rules as toggles. Reads every key of the files into memory.
	 * @default false
	 */
	readonly preview?: boolean;
	/** Called for every record `--delete-missing` would delete, children first (NDJSON lines). */
	readonly onDelete?: (planned: PlannedDelete) => void;
	/** @default 5 */
	readonly examples?: number;
}

const AUTOMATION_PHASES = new Set(["launch", "completed"]);

export async function makePlan(options: MakePlanOptions): Promise<SyncPlan> {
	const { state } = options;
	const isFirstSync = (state?.counters.runsFinished ?? 0) === 0;
	const rules = options.rules ?? {};
	const planOptions = { retryFailed: options.retryFailed, recreate: options.recreate, isFirstSync, rules };
	// The keys each file holds, to tell which records are gone from it (only with --delete-missing).
	const keysInFiles: Partial<Record<PassName, Set<string>>> = {};
	const shown = options.examples ?? 5;
	const passes = {} as Record<PassName, PassPlan>;
	// Customers this plan leaves out of Pivotal (kept as failed or deleted there): their children are blocked.
	const missing = new Set<string>();
	// With invalid customer rows left out (--skip-invalid), a child whose customer is neither in
	// the state nor in the plan is blocked: the customers the plan sends are remembered for that.
	const isSkipping = (options.source?.skipLines?.customers?.length ?? 0) > 0;
	const planned = isSkipping ? new Set<string>() : undefined;
	let requests = 0;
	for (const pass of PASSES) {
		const file = options.files[pass];
		const ops: Record<OperationKind, number> = {
			create: 0,
			match: 0,
			update: 0,
			unchanged: 0,
			blocked: 0,
			kept: 0,
			skipped: 0,
		};
		const stuck: Record<string, number> = {};
		let notInPivotal = 0;
		let updatesLeft = 0;
		const keys = (rules.deleteMissing || options.preview) && file ? new Set<string>() : undefined;
		let emptied = 0;
		if (keys) keysInFiles[pass] = keys;
		const fields: Record<string, number> = {};
		const examples: PlannedChange[] = [];
		const automations: { key: string; line: number; phase: string }[] = [];
		let automationCount = 0;
		const slugs: { key: string; line: number; slug: string }[] = [];
		let slugCount = 0;
		let rows = 0;
		let inPivotal = 0;
		let gone = 0;
		const records = state?.records[pass];
		if (file) {
			for await (const record of knownRecords(file, pass, options.source, records)) {
				rows += 1;
				keys?.add(record.key);
				const current = records?.get(record.key);
				if (copyOf(current)) inPivotal += 1;
				if (pass === "customers") planned?.add(record.key);
				const op = planRecord(record, current, parentView(record, state, missing, planned), planOptions);
				ops[op.kind] += 1;
				if (
					pass === "customers" &&
					(op.kind === "kept" || op.kind === "blocked" || (op.kind === "skipped" && op.copy === undefined))
				)
					missing.add(record.key);
				if (op.kind === "skipped" && op.reason === "not_in_pivotal") notInPivotal += 1;
				if (op.kind === "skipped" && op.reason === "only_create") updatesLeft += 1;
				if (isEmptied(record, op)) emptied += 1;
				if ((op.kind === "update" || op.kind === "unchanged") && op.stuck)
					for (const field of op.stuck) stuck[field] = (stuck[field] ?? 0) + 1;
				if (op.kind === "kept" && op.reason === "gone") gone += 1;
				options.onOperation?.(record, op);
				if (op.kind === "create" || op.kind === "match" || op.kind === "update") requests += 1;
				// The record is read right before its PATCH: for --keep-pivotal-edits, to merge metadata,
				// or to learn what undo puts back. One read serves them all.
				if (
					op.kind === "update" &&
					(rules.keepPivotalEdits || touchesMetadata(op.changes) || hasUnknownBefore(op.changes))
				)
					requests += 1;
				if (record.slug !== undefined && (op.kind === "create" || op.kind === "match")) {
					slugCount += 1;
					if (slugs.length < shown) slugs.push({ key: record.key, line: record.line, slug: record.slug });
				}
				if (op.kind === "update") {
					for (const change of op.changes) fields[change.field] = (fields[change.field] ?? 0) + 1;
					if (examples.length < shown)
						examples.push({ key: record.key, line: record.line, changes: op.changes });
				}
				const phase = enteredPhase(record, op);
				if (phase) {
					automationCount += 1;
					if (automations.length < shown) automations.push({ key: record.key, line: record.line, phase });
				}
			}
		}
		const held = records === undefined ? 0 : heldIn(records);
		passes[pass] = {
			rows,
			ops,
			fields,
			examples,
			automations,
			automationCount,
			...(slugCount > 0 ? { slugs, slugCount } : {}),
			notInFiles: Math.max(0, held - inPivotal),
			gone,
			notInPivotal,
			updatesLeft,
			stuck,
			reads: rules.keepPivotalEdits ? ops.update : 0,
			emptied,
			deletes: [],
			deleteCount: 0,
			deleteKept: 0,
		};
	}
	if (!(rules.deleteMissing || options.preview) || state === undefined)
		return { passes, requests, isFirstSync, rules };
	const missingSet = missingRecords(
		(pass) => state.records[pass].entries(),
		(pass) => keysInFiles[pass],
	);
	for (const pass of DELETE_ORDER) {
		const deletes = missingSet.deletes[pass];
		passes[pass] = { ...passes[pass], deletable: deletes.length };
		if (!rules.deleteMissing) continue;
		// A read and a DELETE each: the read tells a record deleted in Pivotal already from one this deletes.
		requests += deletes.length * 2;
		for (const planned of deletes) options.onDelete?.(planned);
		passes[pass] = {
			...passes[pass],
			deletes: deletes.slice(0, shown),
			deleteCount: deletes.length,
			deleteKept: missingSet.kept[pass],
		};
	}
	if (!rules.deleteMissing) return { passes, requests, isFirstSync, rules };
	return { passes, requests, isFirstSync, rules, refusal: deleteRefusal(missingSet, rules.maxDeletes) };
}

/** A child's customer as the plan leaves it: in Pivotal, to be made by this plan, or missing. */
function parentView(
	record: SourceRecord,
	state: CheckpointData | undefined,
	missing: ReadonlySet<string>,
	planned: ReadonlySet<string> | undefined,
): ParentView | undefined {
	if (record.pass === "customers") return undefined;
	const key = record.parentKey ?? "";
	if (missing.has(key)) return { kind: "missing" };
	const copy = copyOf(state?.records.customers.get(key));
	if (copy) return { kind: "ready", copy };
	return planned === undefined || planned.has(key) ? { kind: "planned" } : { kind: "missing" };
}

/** Has the row a cell emptied since the last sync that `--empty clear` would clear? */
function isEmptied(record: SourceRecord, op: Operation): boolean {
	if (op.kind === "update" && op.changes.some((c) => c.isCleared)) return true;
	const copy = op.kind === "update" || op.kind === "unchanged" || op.kind === "skipped" ? op.copy : undefined;
	return (
		copy?.v !== undefined && emptiedFields(record.pass, record.body, copy.v, record.fields).cleared.length > 0
	);
}

function enteredPhase(record: SourceRecord, op: Operation): string | undefined {
	if (record.pass !== "onboardings") return undefined;
	if (op.kind === "update") {
		const change = op.changes.find((c) => c.field === "phase");
		return typeof change?.after === "string" && AUTOMATION_PHASES.has(change.after)
			? change.after
			: undefined;
	}
	if (op.kind === "create" || op.kind === "match") {
		const phase = record.body.phase;
		return typeof phase === "string" && AUTOMATION_PHASES.has(phase) ? phase : undefined;
	}
	return undefined;
}
