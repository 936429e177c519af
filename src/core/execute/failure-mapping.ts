/**
 * The one mapping from a request that did not succeed to what the run does with it, for every
 * kind of run (import, sync, `--delete-missing`, undo): nothing when the run stopped it, the
 * run stopped when the key is refused, else a failure recorded under a stable code.
 */

import { ApiError } from "../../api/errors.js";
import type { RunOutcome } from "../events.js";
import type { Failure } from "./ledger.js";
import { messageOf } from "./record-requests.js";
import type { SendResult } from "./requester.js";

/** What an import says became of it when its key was refused. */
export const IMPORT_STOPPED = "nothing more was sent";
/** What an undo says became of it when its key was refused. */
export const UNDO_STOPPED = "the undo stopped";

export type FailedSend = SendResult<unknown> & { readonly ok: false };

export type FailureVerdict =
	/** The run stopped before or during the request: nothing to record, the record stays pending. */
	| { readonly kind: "aborted" }
	/** The key was refused: the run stops (exit 4); the record stays as it was, to resume. */
	| { readonly kind: "auth"; readonly message: string }
	| { readonly kind: "failed"; readonly failure: Failure };

/** `stopped` says what became of the run when the key was refused (`IMPORT_STOPPED`, `UNDO_STOPPED`). */
export function failureVerdict(result: FailedSend, stopped: string): FailureVerdict {
	const { verdict, error, attempts } = result;
	if (verdict.kind === "aborted") return { kind: "aborted" };
	if (verdict.kind === "auth") {
		const status = error instanceof ApiError ? `${error.status} ${error.code}` : "401";
		return {
			kind: "auth",
			message: `The API key was refused (${status}); ${stopped}. Check the key, then run the same command again to resume.`,
		};
	}
	return {
		kind: "failed",
		failure: failureOf(error, attempts, verdict.kind === "fail" && verdict.retryable),
	};
}

/**
 * The failure to record for a request that did not succeed, or undefined when there is none to
 * record (stopped; or the key was refused, and `trip` has stopped the run).
 */
export function failureToRecord(
	result: FailedSend,
	trip: (outcome: RunOutcome, message: string) => void,
	stopped = IMPORT_STOPPED,
): Failure | undefined {
	const verdict = failureVerdict(result, stopped);
	if (verdict.kind === "auth") trip("auth-failed", verdict.message);
	return verdict.kind === "failed" ? verdict.failure : undefined;
}

/**
 * An error as a failure. No HTTP answer is `network_<reason>` (`network_timeout`,
 * `network_reset`, `network_refused`…): the reason is what tells a dead host from a slow one,
 * and the failures CSV and the summary count failures by this code.
 */
export function failureOf(error: unknown, attempts: number, retryable: boolean): Failure {
	if (error instanceof ApiError) {
		return {
			status: error.status,
			code: error.code,
			message:
				retryable && error.status >= 500
					? `gave up after ${attempts} attempts: ${error.message}`
					: error.message,
			field: error.field,
			retryable,
			response: error.responseBody,
		};
	}
	if (error instanceof Error && "reason" in error && typeof error.reason === "string") {
		return {
			status: null,
			code: `network_${error.reason}`,
			message: `gave up after ${attempts} attempts: ${error.message}`,
			retryable: true,
		};
	}
	return { status: null, code: "unexpected_error", message: messageOf(error), retryable: true };
}
