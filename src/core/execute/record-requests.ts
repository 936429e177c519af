/** The requests behind a record's operations (their failures: `failure-mapping.ts`). */

import type { ApiOk, PivotalClient, PivotalRecord } from "../../api/types.js";
import type { PassName, Revision, SourceRecord } from "../../model/records.js";
import { withValues } from "../plan/field-diff.js";

export function createCall(
	client: PivotalClient,
	pass: PassName,
	parentId: string | undefined,
	text: string,
	key: string,
): Promise<ApiOk<PivotalRecord>> {
	switch (pass) {
		case "customers":
			return client.createCustomer(text, key);
		case "contacts":
			return client.createContact(parentId ?? "", text, key);
		case "onboardings":
			return client.createOnboarding(text, key);
	}
}

/**
 * Does a uniqueness rule answer a second create of this record (customer slug, contact
 * e-mail)? If so, a resume may simply send it again; otherwise it must be looked up first.
 */
export function isGuarded(record: SourceRecord): boolean {
	if (record.pass === "contacts") return true;
	if (record.pass === "customers") return typeof record.body.slug === "string" || record.slug !== undefined;
	return false;
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
