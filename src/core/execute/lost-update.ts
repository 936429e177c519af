/**
 * What a read-back may set right after an update left in doubt: the fields that update sent, and
 * only where Pivotal holds what it sent. Everything else that differs was edited in Pivotal since.
 */

import type { PassName, PivotalCopy } from "../../model/records.js";
import { diffFields } from "../plan/field-diff.js";

/**
 * The update a stopped run left in doubt, from the copy the state kept while it was out: its
 * last revision, when that sent values the copy's own values are not (a finished update's are).
 * A field is this import's to set right when that update sent it and Pivotal holds what it sent;
 * a field Pivotal holds otherwise was edited there, and is kept. Undefined when no revision is
 * in doubt (every difference is then the import's, as before).
 */
export function lostUpdate(
	pass: PassName,
	copy: PivotalCopy,
): { isOurs(field: string, server: Readonly<Record<string, unknown>>): boolean } | undefined {
	const revision = copy.ch?.at(-1);
	if (revision === undefined || copy.v === undefined) return undefined;
	const sent = new Set(diffFields(pass, revision.after, copy.v).map((c) => c.field));
	if (sent.size === 0) return undefined;
	return {
		isOurs: (field, server) =>
			sent.has(field) && !diffFields(pass, revision.after, server).some((c) => c.field === field),
	};
}
