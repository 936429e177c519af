/**
 * Whether a record found in Pivotal for a create left in doubt is the one that create made. An
 * earlier send that got no answer may have made it; so may someone else (another tool, a person
 * in Pivotal) with the same external id, slug or e-mail. `undo` and `--delete-missing` delete
 * what this import created and never anything else, so the record counts as made by the create
 * only when everything about it fits what the create sent (findings M6, N1, N4):
 *
 * - it holds every field the row sets, as the row sets it, and the slug the create carried;
 * - it holds nothing the create did not send: every optional field the row leaves unset is
 *   empty (a flag such as `is_primary` unset), and its metadata has no key the row does not own;
 * - it was made after the create was first sent (less a margin for the two clocks), when the
 *   state knows that time.
 *
 * Anything else is adopted as existing: undo puts its fields back and never deletes it. A record
 * this import made and someone edited since is then left in Pivotal by an undo: the safe side.
 */

import type { PivotalRecord } from "../../api/types.js";
import type { SourceRecord } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import { diffFields, ownedValues, readBack } from "../plan/field-diff.js";

/** How far Pivotal's clock may stand behind this machine's before a record looks made too early. */
export const CLOCK_MARGIN_MS = 2 * 60_000;

export interface CreateSent {
	/** The slugs the create may have carried (the row's or derived one, and its suffixed form). */
	readonly slugs: readonly string[];
	/** When the create was first sent (epoch ms, this machine's clock); undefined when not known. */
	readonly firstSentAt: number | undefined;
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)
	);
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

export function isMadeByCreate(record: SourceRecord, server: PivotalRecord, sent: CreateSent): boolean {
	const found = server as unknown as Readonly<Record<string, unknown>>;
	const owned = ownedValues(record.body);
	if (diffFields(record.pass, record.body, readBack(record.pass, owned, found)).length > 0) return false;
	if (sent.slugs.length > 0 && typeof found.slug === "string" && !sent.slugs.includes(found.slug))
		return false;
	const resource = resourceOf(record.pass);
	for (const field of Object.keys(resource.cleared ?? {}))
		if (!Object.hasOwn(record.body, field) && !isEmpty(found[field])) return false;
	for (const column of resource.columns)
		if (column.kind === "boolean" && !Object.hasOwn(record.body, column.name) && found[column.name] === true)
			return false;
	const ours = asObject(owned.metadata);
	for (const key of Object.keys(asObject(found.metadata))) if (!Object.hasOwn(ours, key)) return false;
	if (sent.firstSentAt !== undefined && typeof found.created_at === "string") {
		const made = Date.parse(found.created_at);
		if (Number.isFinite(made) && made < sent.firstSentAt - CLOCK_MARGIN_MS) return false;
	}
	return true;
}
