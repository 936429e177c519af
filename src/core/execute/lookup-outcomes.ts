/**
 * What a look-up in Pivotal answers besides a record: its customer gone, or no answer to be had.
 * Apart from the finder (find-existing.ts) because its callers branch on these answers (a create,
 * an adoption, an undo's re-creation) without needing the finder itself.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import type { Ambiguous } from "./existing-records.js";

/** A create under a customer answered 404 for the customer (another workspace's reads `not_found`). */
export function isParentMissing(error: unknown): boolean {
	return (
		error instanceof ApiError &&
		error.status === 404 &&
		(error.code === "customer_not_found" || error.code === "not_found")
	);
}

/** A look-up under a customer whose list answered 404 for the customer (see `isParentMissing`). */
export const PARENT_MISSING: unique symbol = Symbol("parent missing");

/**
 * A look-up that could not be made (a list answered an error, or what it answered is not a
 * list): nothing can say the record is not in Pivotal, so it must not be created on that word.
 * The reason is `ExistingFinder.lookupFailure`.
 */
export const LOOKUP_FAILED: unique symbol = Symbol("look-up failed");

/** What a look-up answers: the record, none, null (the run is over), or why it cannot say. */
export type LookedUp =
	| PivotalRecord
	| Ambiguous
	| undefined
	| null
	| typeof PARENT_MISSING
	| typeof LOOKUP_FAILED;
