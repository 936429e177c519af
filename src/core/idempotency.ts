import { createHash } from "node:crypto";
import type { PassName } from "./records.js";

const PASS_TAG: Record<PassName, string> = { customers: "cus", contacts: "con", onboardings: "onb" };

/**
 * The `Idempotency-Key` of one record's create: derived from the run and the record only, so
 * it is the same on every retry and after any resume (the run id lives in the checkpoint).
 * The record key is hashed: external ids and e-mails can be long or personal, and the
 * header must stay under 255 bytes.
 */
export function idempotencyKey(runId: string, pass: PassName, recordKey: string): string {
	const digest = createHash("sha256").update(recordKey).digest("base64url").slice(0, 27);
	return `pivotal-tui-${runId}-${PASS_TAG[pass]}-${digest}`;
}
