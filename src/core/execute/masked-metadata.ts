/**
 * Metadata that Pivotal holds with an API key in it reaches us masked (the client masks the key
 * in every answer). PATCH replaces metadata wholesale, so carrying such a value back would write
 * the mask over the key someone stored there: the record is failed instead, nothing sent.
 */

import type { Failure } from "./ledger.js";

/** What `maskKey` leaves where a key was (`pivotal_…a1b2`, `pivotal_test_…a1b2`). */
const MASKED_KEY = /pivotal_(?:test_)?…/;

/** The code a record is failed under when its metadata in Pivotal holds an API key. */
export const METADATA_HOLDS_KEY = "metadata_holds_key";

/**
 * Whether the metadata a PATCH would carry back from Pivotal (`carried`), apart from the keys
 * the PATCH sets itself (`own`), holds a masked key.
 */
export function carriesMaskedKey(
	carried: Readonly<Record<string, unknown>> | undefined,
	own: Readonly<Record<string, unknown>>,
): boolean {
	if (carried === undefined) return false;
	for (const [key, value] of Object.entries(carried)) {
		if (Object.hasOwn(own, key)) continue;
		// The entry's name may be the key too: written back masked, the entry would be renamed.
		if (MASKED_KEY.test(key)) return true;
		if (MASKED_KEY.test(typeof value === "string" ? value : (JSON.stringify(value) ?? ""))) return true;
	}
	return false;
}

/** The failure recorded for such a record: what happened, and what to do. */
export function metadataHoldsKeyFailure(): Failure {
	return {
		status: null,
		code: METADATA_HOLDS_KEY,
		message:
			"Pivotal holds an API key in this record's metadata (or text in the form this tool masks keys to, pivotal_…, left by an earlier version's sync); a key reaches this tool masked, and a PATCH replaces metadata whole, so it would write the mask over the key: nothing was sent. Take the key, or the masked text, out of the record's metadata in Pivotal, then run again.",
		retryable: false,
	};
}
