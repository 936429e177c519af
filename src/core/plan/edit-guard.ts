/**
 * `--keep-pivotal-edits`: which of an update's changes may go out, from Pivotal's copy read just
 * before it (pure). A field whose value in Pivotal is no longer what the import last wrote was
 * edited there since: it is left as it is, and reported, as undo leaves such a field.
 */

import type { FieldValues, PassName } from "../../model/records.js";
import { formOf, instantOf, type ValueForm } from "../../model/value-forms.js";
import type { FieldChange } from "./field-diff.js";

export interface GuardedChanges {
	/** The changes that still go out. */
	readonly send: readonly FieldChange[];
	/** Fields (`metadata.<key>` for metadata) edited in Pivotal since the import wrote them. */
	readonly kept: readonly string[];
	/**
	 * Changes Pivotal holds already (an earlier PATCH landed but its answer was lost to a kill):
	 * nothing to send, and not an edit, so the state takes them as written.
	 */
	readonly already: readonly FieldChange[];
}

export function guardEdits(
	pass: PassName,
	changes: readonly FieldChange[],
	written: FieldValues,
	server: Readonly<Record<string, unknown>>,
): GuardedChanges {
	const send: FieldChange[] = [];
	const kept: string[] = [];
	const already: FieldChange[] = [];
	for (const change of changes) {
		const [current, last] = change.field.startsWith("metadata.")
			? [asObject(server.metadata)[change.field.slice(9)], asObject(written.metadata)[change.field.slice(9)]]
			: [server[change.field], written[change.field]];
		const form = formOf(pass, change.field);
		if (isSameValue(current, change.after, form)) already.push(change);
		else if (isSameValue(current, last, form)) send.push(change);
		else kept.push(change.field);
	}
	return { send, kept, already };
}

/**
 * The values the state keeps as last written after an update: the row's values, except the
 * fields kept (still what the import wrote before, so a later sync keeps them too) and the
 * fields cleared (no longer the import's).
 */
export function writtenAfter(
	known: FieldValues,
	owned: FieldValues,
	sent: readonly FieldChange[],
	kept: readonly string[],
): FieldValues {
	const values: Record<string, unknown> = { ...known, ...owned };
	const metadata: Record<string, unknown> = { ...asObject(known.metadata), ...asObject(owned.metadata) };
	for (const field of kept) {
		if (field.startsWith("metadata.")) {
			const key = field.slice(9);
			const earlier = asObject(known.metadata)[key];
			if (earlier === undefined) delete metadata[key];
			else metadata[key] = earlier;
		} else if (Object.hasOwn(known, field)) {
			values[field] = known[field];
		} else {
			delete values[field];
		}
	}
	for (const change of sent) {
		if (!change.isCleared) continue;
		if (change.field.startsWith("metadata.")) delete metadata[change.field.slice(9)];
		else delete values[change.field];
	}
	if (Object.hasOwn(known, "metadata") || Object.hasOwn(owned, "metadata")) values.metadata = metadata;
	return values;
}

/**
 * The row's body with each kept metadata key as Pivotal holds it (or left out, when it was
 * removed there): PATCH replaces `metadata` whole, so a kept key must go back as it is.
 */
export function keptBody(
	body: Readonly<Record<string, unknown>>,
	kept: readonly string[],
	serverMetadata: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> {
	const keys = kept.filter((f) => f.startsWith("metadata.")).map((f) => f.slice(9));
	if (keys.length === 0) return body;
	const metadata: Record<string, unknown> = { ...asObject(body.metadata) };
	for (const key of keys) {
		if (serverMetadata && Object.hasOwn(serverMetadata, key)) metadata[key] = serverMetadata[key];
		else delete metadata[key];
	}
	return { ...body, metadata };
}

/**
 * As undo and the edit guard compare a field of form `form` (value-forms.ts): none is none (null,
 * absent, no labels); an e-mail field in any case is one address; a date is its instant, so a
 * day matches its midnight timestamp and a new time of day is an edit (finding W2). Nothing else
 * is loosened: not any text with an `@` (findings V7, W3), not any text starting with a day (V7).
 */
export function isSameValue(a: unknown, b: unknown, form?: ValueForm): boolean {
	if (isNone(a) && isNone(b)) return true;
	if (typeof a === "string" && typeof b === "string") {
		if (a === b) return true;
		if (form === "date") {
			const at = instantOf(a);
			return at !== undefined && at === instantOf(b);
		}
		return form === "lower" && a.toLowerCase() === b.toLowerCase();
	}
	return JSON.stringify(a) === JSON.stringify(b);
}

function isNone(value: unknown): boolean {
	return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}
