/**
 * `--keep-pivotal-edits`: which of an update's changes may go out, from Pivotal's copy read just
 * before it (pure). A field whose value in Pivotal is no longer what the import last wrote was
 * edited there since: it is left as it is, and reported, as undo leaves such a field.
 */

import type { FieldValues } from "../../model/records.js";
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
		if (isSameValue(current, change.after)) already.push(change);
		else if (isSameValue(current, last)) send.push(change);
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

/** As undo compares: none is none (null, absent, no labels), e-mails ignore case, a day matches its timestamp. */
export function isSameValue(a: unknown, b: unknown): boolean {
	if (isNone(a) && isNone(b)) return true;
	if (typeof a === "string" && typeof b === "string")
		return a === b || isSameEmail(a, b) || isSameDay(a, b) || isSameDay(b, a);
	return JSON.stringify(a) === JSON.stringify(b);
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ISO_DAY = /^\d{4}-\d\d-\d\d$/;

/** E-mails come back lower-cased: the same address in any case. Not any text with an `@` (finding V7). */
function isSameEmail(a: string, b: string): boolean {
	return a.length === b.length && EMAIL.test(a) && EMAIL.test(b) && a.toLowerCase() === b.toLowerCase();
}

/**
 * A launch date sent as a day comes back as a timestamp of that day: `2026-03-04` and
 * `2026-03-04T00:00:00Z`. Only a day and a timestamp, where any 10 characters were taken for the
 * start of any longer text, and a rename that kept them was never sent (finding V7).
 */
function isSameDay(day: string, stamp: string): boolean {
	return (
		day.length === 10 &&
		stamp.length > 11 &&
		stamp.charCodeAt(10) === 84 &&
		ISO_DAY.test(day) &&
		stamp.startsWith(day)
	);
}

function isNone(value: unknown): boolean {
	return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}
