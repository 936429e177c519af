/**
 * What to do after a failed request: one pure decision over the error and the attempts so
 * far, in the manner of undici's retry handler. It branches on HTTP status and the error
 * `code`, never on message text. The requester carries the verdict out.
 */

import { ApiError, NetworkError } from "../../api/errors.js";

export interface RetryPolicy {
	/** Transient failures (5xx, resets, timeouts) of one request before it is given up. @default 8 */
	readonly maxAttempts: number;
	/** Backoff after the first transient failure, doubled each time, with jitter. @default 500 */
	readonly backoffBaseMs: number;
	/** @default 30000 */
	readonly backoffCapMs: number;
	/** `idempotency_key_in_use` answers waited out before the record fails. @default 5 */
	readonly keyInUseRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 8,
	backoffBaseMs: 500,
	backoffCapMs: 30_000,
	keyInUseRetries: 5,
};

/** Failures of one request so far, by kind. */
export interface AttemptCounts {
	readonly transient: number;
	readonly keyInUse: number;
}

export type Verdict =
	/** 429: the server did not count it; wait `Retry-After` (the requester holds the key). */
	| { readonly kind: "rate-limited"; readonly waitMs: number }
	/** 5xx or the network: maybe applied; the same key and bytes make another try safe. */
	| { readonly kind: "backoff"; readonly waitMs: number; readonly cause: string }
	/** 409 `idempotency_key_in_use`: the first try is still running on the server. */
	| { readonly kind: "key-in-use"; readonly waitMs: number }
	/** The key was refused: nothing more goes through it. */
	| { readonly kind: "auth" }
	/** The request was aborted by a stop. */
	| { readonly kind: "aborted" }
	/** Give up: `retryable` failures are tried again by the next run. */
	| { readonly kind: "fail"; readonly retryable: boolean };

/**
 * `random` is in [0, 1): the jitter. Conflicts a caller can resolve (`slug_taken`,
 * `email_taken`) and 404s come back as `fail`; the caller looks at the error first.
 */
export function decide(
	error: unknown,
	attempts: AttemptCounts,
	policy: RetryPolicy,
	random: () => number,
): Verdict {
	if (error instanceof ApiError) {
		if (error.status === 429) return { kind: "rate-limited", waitMs: error.retryAfterMs ?? 1000 };
		if (error.status === 401 || error.status === 403) return { kind: "auth" };
		if (error.status === 409 && error.code === "idempotency_key_in_use") {
			return attempts.keyInUse < policy.keyInUseRetries
				? { kind: "key-in-use", waitMs: 1000 + Math.floor(random() * 1000) }
				: { kind: "fail", retryable: true };
		}
		// A redirect is never followed (the key would go where it points): the server, or what
		// stands before it, is misconfigured, as with a 5xx. Retried and braked like one, and the
		// record stays to be sent by the next run, not failed for good.
		if (error.status >= 300 && error.status < 400)
			return transient(String(error.status), attempts, policy, random);
		if (error.status < 500) return { kind: "fail", retryable: false };
		return transient(String(error.status), attempts, policy, random);
	}
	if (error instanceof NetworkError) {
		if (error.reason === "aborted") return { kind: "aborted" };
		return transient(error.reason, attempts, policy, random);
	}
	// A bug or an unexpected answer: recorded, and tried again by the next run.
	return { kind: "fail", retryable: true };
}

function transient(
	cause: string,
	attempts: AttemptCounts,
	policy: RetryPolicy,
	random: () => number,
): Verdict {
	const failures = attempts.transient + 1;
	if (failures >= policy.maxAttempts) return { kind: "fail", retryable: true };
	return { kind: "backoff", waitMs: backoffMs(failures, policy, random), cause };
}

/** Exponential with "equal jitter": half the ceiling fixed, half random. */
export function backoffMs(failures: number, policy: RetryPolicy, random: () => number): number {
	const ceiling = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** (failures - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
