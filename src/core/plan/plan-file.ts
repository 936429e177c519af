/**
 * A plan saved as a file (`import --dry-run --plan-out PLAN.json`), to be reviewed and then
 * carried out by `apply PLAN.json` exactly as reviewed. The file is a value, as Terraform's saved
 * plan is: every operation with before → after, the fingerprints of the files, map and state it
 * was made from, the server and workspace, the options that shape it, and never a key.
 *
 * Paths are kept relative to the plan file's folder, so a plan made in one checkout (a pull
 * request's job) applies in another (the job after the merge). The `digest` covers everything
 * else in the file: a hand edit is refused, and `apply` also plans again from the same inputs and
 * refuses a plan whose operations differ from what those inputs give.
 */

import { createHash } from "node:crypto";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { PASSES, type PassName, type SourceRecord } from "../../model/records.js";
import type { FieldChange } from "./field-diff.js";
import type { PlannedDelete } from "./missing-records.js";
import type { Operation, OperationKind } from "./planner.js";
import type { SkipReason, SyncRules } from "./sync-rules.js";

export const PLAN_FORMAT = "pivotal-tui-plan";
/** 2: the sync rules in the head; skipped rows, reads and deletes among the operations. */
export const PLAN_VERSION = 2;

/**
 * The sync rules a plan was made under, every one spelled out (no defaults to guess): `apply`
 * runs with exactly these and takes no rule option of its own.
 */
export interface PlanRules {
	readonly only: "create" | "update" | null;
	readonly empty: "keep" | "clear";
	readonly keepPivotalEdits: boolean;
	readonly deleteMissing: boolean;
	/** `--max-deletes` as given; null: the default (10 % of what the pass holds). */
	readonly maxDeletes: number | null;
}

export function planRules(rules: SyncRules | undefined): PlanRules {
	return {
		only: rules?.only ?? null,
		empty: rules?.empty ?? "keep",
		keepPivotalEdits: rules?.keepPivotalEdits ?? false,
		deleteMissing: rules?.deleteMissing ?? false,
		maxDeletes: rules?.maxDeletes ?? null,
	};
}

/** The rules as the planner and the engine take them (the same object `syncRulesFrom` gives). */
export function syncRulesOf(rules: PlanRules): SyncRules {
	return {
		...(rules.only ? { only: rules.only } : {}),
		...(rules.empty === "clear" ? { empty: "clear" as const } : {}),
		...(rules.keepPivotalEdits ? { keepPivotalEdits: true } : {}),
		...(rules.deleteMissing ? { deleteMissing: true } : {}),
		...(rules.maxDeletes === null ? {} : { maxDeletes: rules.maxDeletes }),
	};
}

/** What a plan lists: a record's operation, or a delete (`--delete-missing`). */
export type PlanOperationKind = Exclude<OperationKind, "unchanged"> | "delete";

/** Per pass: records per operation, deletes included. */
export type PlanCounts = Readonly<Record<PlanOperationKind | "unchanged", number>>;

/** One input file, as the plan saw it. */
export interface PlanSource {
	/** Relative to the plan file's folder, with `/` separators. */
	readonly path: string;
	/** SHA-256 of the file's bytes, hex. */
	readonly sha256: string;
	readonly rows: number;
}

/** One operation of the plan. Records that need nothing are counted, not listed. */
export interface PlanOperation {
	readonly pass: PassName;
	readonly key: string;
	/** The record's line in its file (absent for a delete: its row is gone). */
	readonly line?: number;
	readonly op: PlanOperationKind;
	/** The Pivotal id the state knows (update; match of a known record; skipped; delete). */
	readonly id?: string;
	/**
	 * update: exactly the fields the PATCH sends, with Pivotal's value before and the file's after;
	 * a field `--empty clear` empties has `isCleared` and the API's "none" (`null`, `[]`) as after.
	 */
	readonly changes?: readonly FieldChange[];
	/** update under `--keep-pivotal-edits`: the record is read (one GET) before its PATCH. */
	readonly read?: true;
	/** create, match: the record's fields as they will be sent (a match adopts and updates, or creates). */
	readonly after?: Readonly<Record<string, unknown>>;
	/**
	 * create: an earlier send got no answer; it is looked up before it is sent again. match: such a
	 * create under `--only update`, looked up and never sent again.
	 */
	readonly inDoubt?: boolean;
	/** blocked: its customer is not in Pivotal; delete: the customer it was made under. */
	readonly parentKey?: string;
	/** kept: left as the state has it; skipped: left out by `--only` (nothing sent). */
	readonly reason?: "failed" | "gone" | SkipReason;
}

export interface PlanDocument {
	readonly format: typeof PLAN_FORMAT;
	readonly version: number;
	readonly createdAt: string;
	/** The API root the plan was made for: `apply` sends nowhere else. */
	readonly baseUrl: string;
	/** The workspace of the key or state the plan was made with, when one was known. */
	readonly workspace: { readonly id: string; readonly name: string } | null;
	readonly files: Readonly<Record<PassName, PlanSource | null>>;
	readonly map: { readonly path: string; readonly sha256: string } | null;
	/** How the files are read besides the map. */
	readonly source: { readonly encoding: string | null; readonly delimiter: string | null };
	readonly state: {
		/** The state file, relative to the plan; null when the state is not a file (a database). */
		readonly path: string | null;
		/**
		 * `postgres`: the state is an import in a database, given to `apply` with `--state` or
		 * `PIVOTAL_STATE_URL` (the URL and its password are never in the plan). Absent: a file.
		 */
		readonly kind?: "postgres";
		/** The import's name in the database (with `kind: "postgres"`). */
		readonly name?: string;
		/** `stateFingerprint()` of the state the plan was made against (`none`: no state yet). */
		readonly fingerprint: string;
		/** The number the run that applies the plan carries: an interrupted apply resumes under it. */
		readonly run: number;
	};
	/** The options that shape the operations; `apply` runs with these, not its own. */
	readonly options: { readonly retryFailed: boolean; readonly recreate: boolean };
	/** The sync rules the operations were planned under; `apply` runs with these. */
	readonly rules: PlanRules;
	/** Operations per pass, unchanged records and deletes included. */
	readonly counts: Readonly<Record<PassName, PlanCounts>>;
	/** Requests the operations cost (list walks for matching not counted). */
	readonly requests: number;
	readonly operations: readonly PlanOperation[];
	/** `sha256:` of the file's other fields (see `planDigest`). */
	readonly digest: string;
}

export type PlanBody = Omit<PlanDocument, "digest">;

/** A record's operation as the plan file lists it; `undefined` for a record that needs nothing. */
export function planOperation(
	record: SourceRecord,
	op: Operation,
	rules: SyncRules = {},
): PlanOperation | undefined {
	const base = { pass: record.pass, key: record.key, line: record.line };
	switch (op.kind) {
		case "unchanged":
			return undefined;
		case "update":
			return {
				...base,
				op: "update",
				id: op.copy.id,
				changes: op.changes,
				...(rules.keepPivotalEdits ? { read: true as const } : {}),
			};
		case "skipped":
			return { ...base, op: "skipped", reason: op.reason, ...(op.copy ? { id: op.copy.id } : {}) };
		case "match":
			return {
				...base,
				op: "match",
				...(op.id ? { id: op.id } : {}),
				after: record.body,
				...(op.isInDoubt ? { inDoubt: true } : {}),
			};
		case "create":
			return { ...base, op: "create", after: record.body, ...(op.isInDoubt ? { inDoubt: true } : {}) };
		case "blocked":
			return { ...base, op: "blocked", parentKey: op.parentKey };
		case "kept":
			return { ...base, op: "kept", reason: op.reason };
	}
}

/** A record `--delete-missing` deletes, as the plan lists it (after every pass's rows, children first). */
export function deleteOperation(planned: PlannedDelete): PlanOperation {
	return {
		pass: planned.pass,
		key: planned.key,
		op: "delete",
		id: planned.copy.id,
		...(planned.parentKey === undefined ? {} : { parentKey: planned.parentKey }),
	};
}

/** Records the plan changes in Pivotal: creates, matches, updates (clears among them) and deletes. */
export function changeCount(counts: PlanBody["counts"]): number {
	return PASSES.reduce(
		(n, pass) => n + counts[pass].create + counts[pass].match + counts[pass].update + counts[pass].delete,
		0,
	);
}

/**
 * Does the plan send anything? (`--detailed-exitcode`: 5 when it does.) Rows left out by `--only`
 * (`skipped`), blocked or kept rows send nothing, so a plan of only those has no changes.
 */
export function hasChanges(counts: PlanBody["counts"]): boolean {
	return changeCount(counts) > 0;
}

/**
 * A digest of a list of operations, one JSON text each: the plan's own list and the list the
 * planner gives again at apply time compare equal when they are the same operations in the same
 * order.
 */
export class OperationsDigest {
	readonly #hash = createHash("sha256");
	#count = 0;

	add(operation: PlanOperation): void {
		this.#hash.update(`${JSON.stringify(operation)}\n`);
		this.#count += 1;
	}

	get count(): number {
		return this.#count;
	}

	digest(): string {
		return `sha256:${this.#hash.digest("hex")}:${this.#count}`;
	}
}

/** The plan file without its operations: what `apply` keeps in memory, however long the plan. */
export type PlanHead = Omit<PlanBody, "operations">;

/**
 * The digest of a plan: its head as compact JSON in the file's key order, then the digest of its
 * operations (`OperationsDigest`), so that a plan of a million operations is written and checked
 * a line at a time.
 */
export function planDigest(head: PlanHead, operationsDigest: string): string {
	return `sha256:${createHash("sha256")
		.update(`${JSON.stringify(head)}\n${operationsDigest}`)
		.digest("hex")}`;
}

/** `planDigest` of a plan held whole in memory. */
export function bodyDigest(body: PlanBody): string {
	const { operations, ...head } = body;
	const digest = new OperationsDigest();
	for (const operation of operations) digest.add(operation);
	return planDigest(head, digest.digest());
}

/**
 * The file's layout, which `read-plan-file.ts` reads back a line at a time: the head's fields
 * (indented JSON), then `"operations": [` with one operation per line, then the digest last.
 * It is JSON, readable by any tool, and a pull request's diff shows one line per operation.
 */
export const OPERATIONS_OPEN = '  "operations": [';
export const OPERATIONS_CLOSE = "  ],";
export const OPERATION_INDENT = "    ";

export function headText(head: PlanHead): string {
	const lines = ["{"];
	for (const [name, value] of Object.entries(head))
		lines.push(`  ${JSON.stringify(name)}: ${JSON.stringify(value, null, 2).replace(/\n/g, "\n  ")},`);
	lines.push(OPERATIONS_OPEN);
	return `${lines.join("\n")}\n`;
}

/** An operation's line; every one but the first starts by ending the one before with a comma. */
export function operationText(operation: PlanOperation, index: number): string {
	return `${index > 0 ? ",\n" : ""}${OPERATION_INDENT}${JSON.stringify(operation)}`;
}

export function tailText(count: number, digest: string): string {
	return `${count > 0 ? "\n" : ""}${OPERATIONS_CLOSE}\n  "digest": ${JSON.stringify(digest)}\n}\n`;
}

/** The whole file's text, for a plan held in memory. */
export function serializePlan(body: PlanBody): string {
	const { operations, ...head } = body;
	return `${headText(head)}${operations.map(operationText).join("")}${tailText(operations.length, bodyDigest(body))}`;
}

/** A path as the plan keeps it: relative to the plan file's folder, `/` between folders. */
export function pathInPlan(planFile: string, path: string): string {
	return relative(dirname(resolve(planFile)), resolve(path))
		.split(sep)
		.join("/");
}

/** A path the plan keeps, as a path to open: relative paths are read from the plan file's folder. */
export function pathFromPlan(planFile: string, path: string): string {
	return isAbsolute(path) ? path : resolve(dirname(resolve(planFile)), path);
}
