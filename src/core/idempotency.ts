import { createHash } from "node:crypto";
import type { PassName } from "../model/records.js";
import { resourceOf } from "../model/resources.js";

/**
 * The `Idempotency-Key` of one record's create: derived from the run and the record only, so
 * it is the same on every retry and after any resume (the run id lives in the checkpoint).
 * A plain short id is used as it is, which makes the key readable in server logs; anything
 * else (e-mails are personal, ids can be long or odd) is hashed, and the header stays under
 * 255 bytes either way. A later generation (`.gN`) is a new create of the same record. The two forms cannot collide: a hash is marked with `h.`.
 */
export function idempotencyKey(runId: string, pass: PassName, recordKey: string, generation = 0): string {
	const part = PLAIN.test(recordKey)
		? recordKey
		: `h.${createHash("sha256").update(recordKey).digest("base64url").slice(0, 27)}`;
	// A record created again after an undo or a delete in Pivotal must not replay the first create.
	const suffix = generation > 0 ? `.g${generation}` : "";
	return `pivotal-tui-${runId}-${resourceOf(pass).tag}-${part}${suffix}`;
}

const PLAIN = /^[A-Za-z0-9_-]{1,64}$/;
