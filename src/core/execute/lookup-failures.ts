/**
 * The failures of a look-up in Pivotal, recorded without a request for the record itself. A
 * record deleted (by `--delete-missing`, or in Pivotal) that Pivotal holds again under another
 * id: someone added it back by hand, or a CRM integration did. Making it again (`--recreate`, its
 * row back in the file, `undo`) would leave two records with one identity (finding O4), so it is
 * reported and left. Several records answering for one row (finding O16), or a look-up that
 * could not be made: nothing is adopted or created on that word.
 */

import type { PivotalRecord } from "../../api/types.js";
import type { PassName } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import type { Ambiguous } from "./existing-records.js";
import type { Failure } from "./ledger.js";

/** What a record is known by in Pivotal, for the sentence: from the resource table's matcher. */
function identityOf(pass: PassName): string {
	const { matcher } = resourceOf(pass);
	if (matcher.kind === "workspace") return "external id or CRM id";
	return `${matcher.field === "email" ? "e-mail" : matcher.field} under its customer`;
}

/** The failure `exists_again`, naming the records found (id and display id). */
export function existsAgainFailure(pass: PassName, found: readonly PivotalRecord[]): Failure {
	const one = resourceOf(pass).one;
	const ids = found.map((record) => `${record.id} (${record.display_id})`).join(", ");
	return {
		status: null,
		code: "exists_again",
		message: `Pivotal holds a ${one} with its ${identityOf(pass)} again (${ids}); not made a second time. Delete that one in Pivotal to have it made again, or keep it and take this row out of the file`,
		retryable: false,
	};
}

/**
 * The look-up before a create could not be made: not created on that word (it may be in Pivotal
 * already). Retryable, with no copy: the next run looks it up again first.
 */
export function lookupFailedFailure(why: string): Failure {
	return {
		status: null,
		code: "lookup_failed",
		message: `could not be looked up in Pivotal before it was created (${why}); not created, so nothing is made twice: the next run looks it up again`,
		retryable: true,
	};
}

/**
 * More than one record in Pivotal answers for the row at the same level: none is adopted or
 * written. Retryable, with no copy: each run looks it up again and reports it until one is left.
 */
export function ambiguousMatchFailure(pass: PassName, found: Ambiguous): Failure {
	const ids = found.ambiguous.map((candidate) => `${candidate.id} (${candidate.display_id})`).join(", ");
	const advice =
		pass === "customers"
			? "Delete the duplicates in Pivotal (or give each its own external id and CRM ids)"
			: "Delete or rename the duplicates in Pivotal";
	return {
		status: null,
		code: "ambiguous_match",
		message: `${found.ambiguous.length} records in Pivotal match it: ${ids}; none was adopted or changed. ${advice} and run again`,
		retryable: true,
	};
}

/**
 * A create in doubt whose slug a customer without an external id holds, with the row's name, made
 * since the create first left: maybe that create's record, its metadata rewritten since (finding
 * AC7). Neither adopted (it may be someone else's) nor created beside (it may be ours): the
 * record stays in doubt, reported as `ambiguous_match` with the one candidate.
 */
export function heldInDoubtFailure(
	holder: PivotalRecord,
	slug: string,
	key: string,
	isLanded: boolean,
): Failure {
	// A create Pivotal said landed is made again only when asked (`--recreate`): each way out says so.
	const again = isLanded ? " with --recreate" : "";
	return {
		status: 409,
		code: "ambiguous_match",
		message: `its create got no answer in an earlier run${isLanded ? " (Pivotal has since said a send of it landed)" : ""}, and slug ${JSON.stringify(slug)} is held by ${holder.id} (${holder.display_id}), which has a name a send of it carried but no external id: it may be that create's customer. Nothing was adopted or created. If it is this row's, set its metadata.external_id to ${JSON.stringify(key)} in Pivotal (it is then kept as existing: undo puts its fields back, never deletes it) and run again, or delete it there and run again${again} to have it made anew; if it is not, give that customer an external id of its own in Pivotal and run again${again}`,
		retryable: true,
	};
}

/**
 * A create Pivotal answered `idempotency_key_reused`, so a send of it landed, whose record is not
 * found by what it is looked up by: renamed, re-keyed or deleted in Pivotal since (adversarial
 * finding AE5). Not made a second time on that word; `--recreate` makes it again. Its mark keeps
 * the landing, so the next run, past the server's retention of the key too, asks the same.
 */
export function landedNotFoundFailure(pass: PassName, slugHolder?: PivotalRecord): Failure {
	const one = resourceOf(pass).one;
	// A customer holding a slug one of its sends carried, under another external id: another tool
	// may have written its own id over the import's (adversarial finding AE1's variant).
	const candidate =
		slugHolder === undefined
			? ""
			: ` Slug ${JSON.stringify(slugHolder.slug)}, which a send of it carried, is held by ${slugHolder.id} (${slugHolder.display_id}) under external id ${JSON.stringify((slugHolder.metadata as Readonly<Record<string, unknown>> | undefined)?.external_id)}: it may be that create's customer, its metadata rewritten since.`;
	return {
		status: 409,
		code: "landed_not_found",
		message: `a create of it sent in an earlier run landed in Pivotal (its key was answered idempotency_key_reused), but no ${one} is found by its ${identityOf(pass)}: renamed, changed or deleted in Pivotal since.${candidate} Not made a second time. If it is still there, give it back its ${identityOf(pass).replace(/ under its customer$/, "")} in Pivotal and run again; to have it made again as the row says (deleting it in Pivotal first, if it is there), run with --recreate`,
		retryable: true,
	};
}
