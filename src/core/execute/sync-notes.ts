/**
 * What the sync rules report of a record that is not a failure: a row `--only update` left out,
 * fields `--keep-pivotal-edits` kept. Listed with the failures (screen, summary, results CSV)
 * under their own codes, as undo lists a field it kept.
 */

import type { PassName } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import { EDITED_IN_PIVOTAL, NOT_IN_PIVOTAL } from "../plan/sync-rules.js";
import type { Failure } from "./ledger.js";

/** A row with no record under `--only update`. */
export function notInPivotalNote(pass: PassName): Failure {
	const { one } = resourceOf(pass);
	return {
		status: null,
		code: NOT_IN_PIVOTAL,
		message: `no ${one} in Pivotal for this row; not created (--only update).`,
		retryable: false,
	};
}

/** Fields edited in Pivotal since the import last wrote them, left as they are. */
export function keptEditsNote(kept: readonly string[]): Failure {
	return {
		status: null,
		code: EDITED_IN_PIVOTAL,
		message: `${kept.join(", ")} edited in Pivotal since the import last wrote ${kept.length === 1 ? "it" : "them"}; kept as it is, not overwritten.`,
		field: kept[0],
		retryable: false,
	};
}
