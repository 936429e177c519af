/** The sentence for a server's wait clamped by the client (`Retry-After`, `X-RateLimit-Reset`). */

import { ApiError } from "../../api/errors.js";
import type { RateLimit } from "../../api/types.js";

function roughly(ms: number): string {
	const s = ms / 1000;
	if (s < 120) return `${Math.round(s)} s`;
	if (s < 7_200) return `${Math.round(s / 60)} min`;
	if (s < 172_800) return `${Math.round(s / 3_600)} h`;
	return `${Math.round(s / 86_400)} days`;
}

/**
 * One sentence when an answer asked for a wait longer than the longest obeyed, else undefined.
 * `error` is what a failed call threw; `rateLimit` the headers of a successful one.
 */
export function clampedWaitNotice(
	answer: { readonly error: unknown } | { readonly rateLimit: RateLimit | undefined },
	now: number,
): string | undefined {
	const error = "error" in answer ? answer.error : undefined;
	const rateLimit =
		"error" in answer ? (error instanceof ApiError ? error.rateLimit : undefined) : answer.rateLimit;
	if (error instanceof ApiError && error.retryAfterClampedFromMs !== undefined) {
		return `The server asked to wait ${roughly(error.retryAfterClampedFromMs)} (Retry-After); waiting ${roughly(error.retryAfterMs ?? 0)} at most instead.`;
	}
	if (rateLimit?.clampedFromMs !== undefined) {
		return `The server put its rate-limit reset ${roughly(rateLimit.clampedFromMs)} ahead (X-RateLimit-Reset); waiting ${roughly(rateLimit.resetAtMs - now)} at most instead.`;
	}
	return undefined;
}
