/**
 * Bounds on every wait a server can cause, and the two environment variables that shorten them
 * (for tests of slow servers; production keeps the defaults):
 * - `PIVOTAL_TIMEOUT_SECONDS`: the overall deadline of one request, headers and body included
 *   (default 120). A body trickled a byte a second fails at the deadline and is retried.
 * - `PIVOTAL_MAX_WAIT_SECONDS`: the longest `Retry-After` or `X-RateLimit-Reset` obeyed
 *   (default 3600). A longer one is clamped to it, and the run says so once.
 */

import type { TimeoutOptions } from "./client-options.js";
import type { RateLimit } from "./rate-limit-info.js";

export const DEFAULT_REQUEST_MS = 120_000;
export const DEFAULT_MAX_WAIT_MS = 3_600_000;
/** Shortest `Retry-After` obeyed: the API sends whole seconds, at least 1. */
export const RETRY_AFTER_MIN_MS = 1_000;
/** setTimeout's ceiling (2^31−1 ms, ~24.8 days): a longer delay fires at once, in a busy loop. */
export const TIMER_MAX_MS = 2 ** 31 - 1;

export interface ClientLimits {
	readonly timeouts?: TimeoutOptions;
	readonly maxWaitMs?: number;
}

function seconds(text: string | undefined): number | undefined {
	if (text === undefined || text.trim() === "") return undefined;
	const value = Number(text);
	return Number.isFinite(value) && value > 0 ? Math.min(value * 1000, TIMER_MAX_MS) : undefined;
}

/** The client options the environment asks for; invalid values are ignored (the defaults stay). */
export function clientLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): ClientLimits {
	const requestMs = seconds(env.PIVOTAL_TIMEOUT_SECONDS);
	const maxWaitMs = seconds(env.PIVOTAL_MAX_WAIT_SECONDS);
	return {
		...(requestMs === undefined
			? {}
			: {
					timeouts: {
						requestMs,
						headersMs: Math.min(30_000, requestMs),
						bodyMs: Math.min(30_000, requestMs),
						connectMs: Math.min(10_000, requestMs),
					},
				}),
		...(maxWaitMs === undefined ? {} : { maxWaitMs }),
	};
}

/** A wait of `ms` a server asked for, held to `maxMs`; `asked` is set when it was clamped. */
export function clampWait(ms: number, maxMs: number): { readonly ms: number; readonly asked?: number } {
	if (!Number.isFinite(ms) || ms > maxMs)
		return { ms: maxMs, asked: Number.isFinite(ms) ? ms : TIMER_MAX_MS };
	return { ms: Math.max(0, ms) };
}

/** Highest `X-RateLimit-Limit` believed: the governor keeps a slot per request of the window. */
const LIMIT_MAX = 100_000;

/**
 * Rate-limit headers held to sense: a limit of at least 1 and at most {@link LIMIT_MAX}, the
 * remaining count within it, and a reset no further than `maxWaitMs` ahead (`clampedFromMs`
 * says how far the server put it). Undefined when the limit itself is nonsense.
 */
export function boundRateLimit(
	rateLimit: RateLimit | undefined,
	nowMs: number,
	maxWaitMs: number,
): RateLimit | undefined {
	if (rateLimit === undefined) return undefined;
	const { limit, remaining, resetAtMs } = rateLimit;
	if (!(limit >= 1)) return undefined;
	const boundLimit = Math.min(LIMIT_MAX, Math.floor(limit));
	const boundRemaining = Math.max(0, Math.min(boundLimit, Math.floor(remaining)));
	const wait = clampWait(resetAtMs - nowMs, maxWaitMs);
	return {
		limit: boundLimit,
		remaining: boundRemaining,
		resetAtMs: wait.asked === undefined ? resetAtMs : nowMs + wait.ms,
		// The reset as sent tells the window to the second; a clamped one tells nothing.
		...(wait.asked === undefined
			? rateLimit.resetSec === undefined
				? {}
				: { resetSec: rateLimit.resetSec }
			: { clampedFromMs: wait.asked }),
	};
}
