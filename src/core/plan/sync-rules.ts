/**
 * The sync rules a scheduled run is given (DESIGN.md, "Passes and operations"): which kinds of
 * change it may make, what an emptied cell means, whether edits made in Pivotal are kept, and
 * whether records gone from the files are deleted. Pure decisions over one record's operation,
 * so the plan shown is the plan applied.
 */

import type { FieldValues, PassName } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import type { FieldChange } from "./field-diff.js";

export interface SyncRules {
	/**
	 * `create`: never PATCH (changed rows are left as Pivotal has them); `update`: never create
	 * (a row with no record is reported `not_in_pivotal`).
	 * @default undefined (both)
	 */
	readonly only?: "create" | "update" | undefined;
	/**
	 * What a cell emptied in the files since the last sync does: `keep` leaves Pivotal's value,
	 * `clear` clears the field in Pivotal.
	 * @default "keep"
	 */
	readonly empty?: "keep" | "clear" | undefined;
	/**
	 * Read each record before updating it and leave every field edited in Pivotal since the
	 * import last wrote it.
	 * @default false
	 */
	readonly keepPivotalEdits?: boolean | undefined;
	/**
	 * Delete the records this import created whose rows are gone from the files.
	 * @default false
	 */
	readonly deleteMissing?: boolean | undefined;
	/**
	 * More deletes than this in one pass refuse the run before anything is sent.
	 * @default 10 % of the records the pass holds in Pivotal, rounded down
	 */
	readonly maxDeletes?: number | undefined;
}

export const NO_SYNC_RULES: SyncRules = {};

/** The code a row with no record under `--only update` is reported with. */
export const NOT_IN_PIVOTAL = "not_in_pivotal";

/**
 * The code under which a field left alone is reported: by `--keep-pivotal-edits`, and by undo.
 * Here, not with undo: a run that reports it need not load undo.
 */
export const EDITED_IN_PIVOTAL = "edited_in_pivotal";

/** Why a row's operation was left out. */
export type SkipReason = "not_in_pivotal" | "only_create";

/**
 * Whether the API lets a field be emptied; `metadata.<key>` always can (the key is dropped).
 * The table's `cleared` lists the others with their "none" (pivotal-api.md; the simulator's
 * validators): `null` for nullable strings, numbers and dates, `[]` for labels. Fields not listed
 * (names, e-mails, slugs, enums, booleans) cannot be emptied: the API refuses null or puts its own
 * default, so a cell emptied there is left as Pivotal has it and the plan says so.
 */
export function isClearable(pass: PassName, field: string): boolean {
	return field.startsWith("metadata.") || Object.hasOwn(resourceOf(pass).cleared ?? {}, field);
}

/** The value a PATCH sends to empty `field` (undefined for a metadata key: left out of the object). */
export function clearedValue(pass: PassName, field: string): unknown {
	if (field.startsWith("metadata.")) return undefined;
	return resourceOf(pass).cleared?.[field] ?? null;
}

export interface EmptiedFields {
	/** Changes that clear a field (`after` is the API's "none"; `isCleared` set). */
	readonly cleared: readonly FieldChange[];
	/** Fields emptied in the file that the API cannot empty: left as Pivotal has them. */
	readonly stuck: readonly string[];
}

/**
 * The fields the import last wrote (`known`, the state's `v`) that the row no longer fills: a
 * cell emptied in the files since the last sync. `external_id` in metadata is the import's own
 * and never emptied. `columns`: the fields the file has a column for; a field without one
 * (dropped from the export, or mapped out) is not emptied, only no longer the file's.
 */
export function emptiedFields(
	pass: PassName,
	body: Readonly<Record<string, unknown>>,
	known: FieldValues,
	columns?: readonly string[],
): EmptiedFields {
	const hasColumn = (field: string): boolean => columns === undefined || columns.includes(field);
	const cleared: FieldChange[] = [];
	const stuck: string[] = [];
	for (const [field, before] of Object.entries(known)) {
		if (field === "metadata") {
			const ours = asObject(body.metadata);
			for (const [key, value] of Object.entries(asObject(before))) {
				if (key === "external_id" || Object.hasOwn(ours, key) || isNone(value)) continue;
				if (!hasColumn(`metadata.${key}`)) continue;
				cleared.push({ field: `metadata.${key}`, before: value, after: null, isCleared: true });
			}
			continue;
		}
		if (Object.hasOwn(body, field) || isNone(before) || !hasColumn(field)) continue;
		if (isClearable(pass, field))
			cleared.push({ field, before, after: clearedValue(pass, field), isCleared: true });
		else stuck.push(field);
	}
	return { cleared, stuck };
}

/** Is a record's `copy` one this rule set may update? (`--only create` never PATCHes.) */
export function mayUpdate(rules: SyncRules): boolean {
	return rules.only !== "create";
}

/** May a row with no record in Pivotal be created? (`--only update` never creates.) */
export function mayCreate(rules: SyncRules): boolean {
	return rules.only !== "update";
}

function isNone(value: unknown): boolean {
	return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}
