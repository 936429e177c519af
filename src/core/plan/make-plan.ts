/**
 * The plan as a value, before anything is sent: every record of the files planned against the
 * state as it is on disk (read only), tallied per pass with the first few field changes and the
 * onboardings that would enter `launch` or `completed` (Pivotal fires automations then).
 */

import { copyOf, PASSES, type PassName, type SourceRecord } from "../../model/records.js";
import { readRecords, type SourceOptions } from "../../source/index.js";
import type { CheckpointData } from "../checkpoint/index.js";
import type { SourceFiles } from "../run-types.js";
import { type FieldChange, hasUnknownBefore, touchesMetadata } from "./field-diff.js";
import { type Operation, type OperationKind, type ParentView, planRecord } from "./planner.js";

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
	/** Records the state holds as in Pivotal that the file no longer has (reported, never deleted). */
	readonly notInFiles: number;
	/** Of the kept records, those deleted in Pivotal since the last sync (`--recreate` creates them). */
	readonly gone: number;
}

export interface SyncPlan {
	readonly passes: Readonly<Record<PassName, PassPlan>>;
	/** Requests the operations cost, list walks for matching not counted. */
	readonly requests: number;
	readonly isFirstSync: boolean;
}

export interface MakePlanOptions {
	readonly files: SourceFiles;
	/** How the files are read (map, encoding, delimiter). */
	readonly source?: SourceOptions | undefined;
	readonly state: CheckpointData | undefined;
	readonly retryFailed: boolean;
	readonly recreate: boolean;
	/** Called for every record's operation, in file order (NDJSON lines). */
	readonly onOperation?: (record: SourceRecord, op: Operation) => void;
	/** @default 5 */
	readonly examples?: number;
}

const AUTOMATION_PHASES = new Set(["launch", "completed"]);

export async function makePlan(options: MakePlanOptions): Promise<SyncPlan> {
	const { state } = options;
	const isFirstSync = (state?.counters.runsFinished ?? 0) === 0;
	const planOptions = { retryFailed: options.retryFailed, recreate: options.recreate, isFirstSync };
	const shown = options.examples ?? 5;
	const passes = {} as Record<PassName, PassPlan>;
	// Customers this plan leaves out of Pivotal (kept as failed or deleted there): their children are blocked.
	const missing = new Set<string>();
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
		};
		const fields: Record<string, number> = {};
		const examples: PlannedChange[] = [];
		const automations: { key: string; line: number; phase: string }[] = [];
		let automationCount = 0;
		let rows = 0;
		let inPivotal = 0;
		let gone = 0;
		const records = state?.records[pass];
		if (file) {
			for await (const record of readRecords(file, pass, options.source)) {
				rows += 1;
				const current = records?.get(record.key);
				if (copyOf(current)) inPivotal += 1;
				const op = planRecord(record, current, parentView(record, state, missing), planOptions);
				ops[op.kind] += 1;
				if (pass === "customers" && (op.kind === "kept" || op.kind === "blocked")) missing.add(record.key);
				if (op.kind === "kept" && op.reason === "gone") gone += 1;
				options.onOperation?.(record, op);
				if (op.kind === "create" || op.kind === "match" || op.kind === "update") requests += 1;
				// The record is read right before its PATCH: to merge metadata, or to learn what undo puts back.
				if (op.kind === "update" && (touchesMetadata(op.changes) || hasUnknownBefore(op.changes)))
					requests += 1;
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
		let held = 0;
		for (const recordState of records?.values() ?? []) if (copyOf(recordState)) held += 1;
		passes[pass] = {
			rows,
			ops,
			fields,
			examples,
			automations,
			automationCount,
			notInFiles: Math.max(0, held - inPivotal),
			gone,
		};
	}
	return { passes, requests, isFirstSync };
}

/** A child's customer as the plan leaves it: in Pivotal, to be made by this plan, or missing. */
function parentView(
	record: SourceRecord,
	state: CheckpointData | undefined,
	missing: ReadonlySet<string>,
): ParentView | undefined {
	if (record.pass === "customers") return undefined;
	const key = record.parentKey ?? "";
	if (missing.has(key)) return { kind: "missing" };
	const copy = copyOf(state?.records.customers.get(key));
	return copy ? { kind: "ready", copy } : { kind: "planned" };
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
