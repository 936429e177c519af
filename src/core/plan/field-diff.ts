/**
 * Field by field comparison of what the files say with what Pivotal holds (or, from the state,
 * what this tool last wrote there). Pure: the planner and the executor both use it.
 *
 * The fields a source "owns" are those its row fills: empty cells are never sent, so a field
 * the file leaves empty is not owned and never changed. `metadata` is owned key by key: a key
 * someone set in Pivotal that the file does not have is neither compared nor dropped.
 */

import type { FieldValues, PassName } from "../../model/records.js";
import { PARENT_ID_FIELDS } from "../../model/resources.js";
import { formOf, serverForm } from "../../model/value-forms.js";

/** One field whose value changes; `metadata.<key>` for a metadata key. */
export interface FieldChange {
	readonly field: string;
	readonly before: unknown;
	readonly after: unknown;
	/** The file's cell was emptied and `--empty clear` empties the field: `after` is the API's "none". */
	readonly isCleared?: boolean;
}

const METADATA = "metadata";
const METADATA_PREFIX = "metadata.";

/**
 * The source-owned values of a request body, as the state keeps them. A source body never holds
 * its parent's id (`customer_id`: the engine adds it on the way out), so it is kept as it is: no
 * copy per record.
 */
export function ownedValues(body: Readonly<Record<string, unknown>>): FieldValues {
	let values: Record<string, unknown> | undefined;
	for (const field of PARENT_ID_FIELDS) {
		if (!Object.hasOwn(values ?? body, field)) continue;
		values ??= { ...body };
		delete values[field];
	}
	return values ?? body;
}

/** The owned fields of a server copy, for comparing an adopted record and for a resync's `v`. */
export function readBack(
	pass: PassName,
	owned: FieldValues,
	server: Readonly<Record<string, unknown>>,
): FieldValues {
	const values: Record<string, unknown> = {};
	for (const field of Object.keys(owned)) {
		if (field === METADATA) {
			const theirs = asObject(server.metadata);
			const ours = asObject(owned.metadata);
			const kept: Record<string, unknown> = {};
			for (const key of Object.keys(ours)) if (Object.hasOwn(theirs, key)) kept[key] = theirs[key];
			values.metadata = kept;
		} else if (Object.hasOwn(server, field)) {
			values[field] = normalise(pass, field, server[field]);
		}
	}
	return values;
}

/**
 * The owned fields whose value in `body` differs from `known` (the state's `v`, or a server
 * copy read back with `readBack`). Customers' `metadata` is compared key by key.
 */
export function diffFields(
	pass: PassName,
	body: Readonly<Record<string, unknown>>,
	known: FieldValues,
): FieldChange[] {
	const changes: FieldChange[] = [];
	for (const [field, after] of Object.entries(body)) {
		if (PARENT_ID_FIELDS.has(field)) continue;
		if (field === METADATA) {
			const theirs = asObject(known.metadata);
			for (const [key, value] of Object.entries(asObject(after))) {
				if (!isSame(value, theirs[key]))
					changes.push({ field: `${METADATA_PREFIX}${key}`, before: theirs[key], after: value });
			}
		} else if (!isSame(normalise(pass, field, after), normalise(pass, field, known[field]))) {
			changes.push({ field, before: known[field], after });
		}
	}
	return changes;
}

/**
 * The PATCH body for `changes`: the changed top-level fields, and when a metadata key changed,
 * the whole `metadata` object: PATCH replaces it wholesale, so it carries every key the server
 * holds (`serverMetadata`) with the source's keys on top.
 */
export function patchBody(
	body: Readonly<Record<string, unknown>>,
	changes: readonly FieldChange[],
	serverMetadata: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
	const patch: Record<string, unknown> = {};
	for (const change of changes) {
		if (change.field.startsWith(METADATA_PREFIX)) {
			patch.metadata = { ...(serverMetadata ?? {}), ...asObject(body.metadata) };
		} else {
			patch[change.field] = change.isCleared ? change.after : body[change.field];
		}
	}
	// A metadata key emptied in the file (`--empty clear`) leaves the object PATCH replaces.
	for (const change of changes) {
		if (change.isCleared && change.field.startsWith(METADATA_PREFIX) && patch.metadata !== undefined)
			delete (patch.metadata as Record<string, unknown>)[change.field.slice(METADATA_PREFIX.length)];
	}
	return patch;
}

/** Does a change set touch `metadata` (so the server's current keys are needed to merge)? */
export function touchesMetadata(changes: readonly FieldChange[]): boolean {
	return changes.some((c) => c.field.startsWith(METADATA_PREFIX));
}

/**
 * Does a change replace a field the state knows no earlier value of (a cell empty until now)?
 * Its `before` must then be read from Pivotal: undo puts back what Pivotal held, which may be a
 * server default (an onboarding's `phase`), never a null the API refuses.
 */
export function hasUnknownBefore(changes: readonly FieldChange[]): boolean {
	return changes.some((c) => c.before === undefined && !c.field.startsWith(METADATA_PREFIX));
}

/** `changes` with each unknown `before` of a top-level field taken from the server's copy. */
export function fillBefore(
	pass: PassName,
	changes: readonly FieldChange[],
	server: Readonly<Record<string, unknown>>,
): FieldChange[] {
	return changes.map((c) =>
		c.before === undefined && !c.field.startsWith(METADATA_PREFIX) && Object.hasOwn(server, c.field)
			? { ...c, before: normalise(pass, c.field, server[c.field]) }
			: c,
	);
}

/** The values `changes` replaced, keyed as the state's `v` is (metadata keys inside `metadata`). */
export function beforeValues(changes: readonly FieldChange[]): FieldValues {
	// A field that had no value is kept as null: JSON would drop an undefined, and undo must know to clear it.
	return valuesOf(changes, (c) => c.before ?? null);
}

export function afterValues(changes: readonly FieldChange[]): FieldValues {
	return valuesOf(changes, (c) => c.after);
}

function valuesOf(changes: readonly FieldChange[], pick: (c: FieldChange) => unknown): FieldValues {
	const values: Record<string, unknown> = {};
	for (const change of changes) {
		if (change.field.startsWith(METADATA_PREFIX)) {
			if (values.metadata === undefined) values.metadata = {};
			const metadata = values.metadata as Record<string, unknown>;
			metadata[change.field.slice(METADATA_PREFIX.length)] = pick(change);
		} else {
			values[change.field] = pick(change);
		}
	}
	return values;
}

/** `known` with `values` laid over it (metadata merged key by key). */
export function withValues(known: FieldValues, values: FieldValues): FieldValues {
	const merged: Record<string, unknown> = { ...known };
	for (const [field, value] of Object.entries(values)) {
		merged[field] =
			field === METADATA ? { ...asObject(known.metadata), ...asObject(value) } : (value as unknown);
	}
	return merged;
}

/** A value as the server writes it back (value-forms.ts): e-mails lower-cased, a launch date as its instant. */
function normalise(pass: PassName, field: string, value: unknown): unknown {
	return serverForm(formOf(pass, field), value);
}

function isSame(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
	return JSON.stringify(a) === JSON.stringify(b);
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}
