/** The requests behind a record's operations (their failures: `failure-mapping.ts`). */

import type { ApiError } from "../../api/errors.js";
import type { ApiOk, PivotalClient, PivotalRecord } from "../../api/types.js";
import type { PassName, Revision, SourceRecord } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import { withValues } from "../plan/field-diff.js";

/** The create of a record: the table's route of its resource, under its parent's id. */
export function createCall(
	client: PivotalClient,
	pass: PassName,
	parentId: string | undefined,
	text: string,
	key: string,
): Promise<ApiOk<PivotalRecord>> {
	return client.createRecord(pass, parentId, text, key);
}

/**
 * Does a uniqueness rule answer a second create of this record (customer slug, contact
 * e-mail)? If so, a resume may simply send it again; otherwise it must be looked up first.
 * A derived slug (`record.slug`) goes out with the create, so it guards the record too.
 */
export function isGuarded(record: SourceRecord): boolean {
	const unique = resourceOf(record.pass).unique;
	if (unique === undefined) return false;
	return (
		typeof record.body[unique.field] === "string" || (unique.field === "slug" && record.slug !== undefined)
	);
}

/** One revision per run: a resumed run's second update of a field keeps the first `before`. */
export function addRevision(
	history: readonly Revision[] | undefined,
	revision: Revision,
): readonly Revision[] {
	const last = history?.[history.length - 1];
	if (!history || !last) return [revision];
	if (last.run !== revision.run) return [...history, revision];
	return [
		...history.slice(0, -1),
		{
			run: revision.run,
			before: withValues(revision.before, last.before),
			after: withValues(last.after, revision.after),
		},
	];
}

export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Is `found` a customer carrying `key` as its external id? */
export function isKeyedTo(found: unknown, key: string): boolean {
	if (typeof found !== "object" || found === null) return false;
	const metadata = (found as { metadata?: unknown }).metadata;
	return (
		typeof metadata === "object" &&
		metadata !== null &&
		(metadata as { external_id?: unknown }).external_id === key
	);
}

/** Pivotal's 409 for an idempotency key used before with another body. */
export const isKeyReused = (error: ApiError): boolean =>
	error.status === 409 && error.code === "idempotency_key_reused";

/** Pivotal's 409 for an idempotency key whose first request is still being processed. */
export const isKeyInUse = (error: ApiError): boolean =>
	error.status === 409 && error.code === "idempotency_key_in_use";
