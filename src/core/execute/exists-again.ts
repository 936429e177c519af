/**
 * A record deleted (by `--delete-missing`, or in Pivotal) that Pivotal holds again under another
 * id: someone added it back by hand, or a CRM integration did. Making it again (`--recreate`, its
 * row back in the file, `undo`) would leave two records with one identity (finding O4), so it is
 * reported and left.
 */

import type { PivotalRecord } from "../../api/types.js";
import type { PassName } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import type { Failure } from "./ledger.js";

/** What a customer or a contact is known by in Pivotal, for the sentence. */
function identityOf(pass: PassName): string {
	return pass === "customers" ? "external id" : "e-mail under its customer";
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
