import type { RateLimit } from "../api/types.js";

export interface EstimateInput {
	readonly requests: number;
	/** Requests allowed per window. */
	readonly limit: number;
	/** @default 60000 */
	readonly windowMs?: number;
	/** @default 4 */
	readonly concurrency?: number;
	/** An assumed round trip for the requests of the last window. @default 250 */
	readonly roundTripMs?: number;
}

/**
 * How long `requests` take at a sliding-window limit when the window is kept full, as the
 * governor does: the first `limit` go at once, each further batch one window after the one
 * before, and the last batch takes as long as its round trips at this concurrency.
 */
export function estimateDurationMs(input: EstimateInput): number {
	const { requests, limit } = input;
	if (requests <= 0 || limit <= 0) return 0;
	const windowMs = input.windowMs ?? 60_000;
	const concurrency = Math.max(1, input.concurrency ?? 4);
	const windows = Math.ceil(requests / limit);
	const lastBatch = requests - (windows - 1) * limit;
	return (windows - 1) * windowMs + Math.ceil(lastBatch / concurrency) * (input.roundTripMs ?? 250);
}

/**
 * The server's likely window from one answer alone in it (a key's first request), for
 * estimates only: the governor paces on a proven bound. `Reset` is whole seconds rounded up and
 * the clock skew comes from a `Date` in whole seconds rounded down, so Reset − send is the
 * window plus the round trip plus, most often, one second (none when the answer was written in
 * the second after the request arrived), so what is left lies between the window less a second
 * and the window: the whole second at or above it. Undefined when others' requests share the window, or
 * when Reset is already past (a clock or a server that cannot be read this way).
 */
export function windowHintMs(rateLimit: RateLimit, sentAt: number, answeredAt: number): number | undefined {
	if (rateLimit.limit - rateLimit.remaining !== 1 || rateLimit.resetAtMs <= answeredAt) return undefined;
	const excess = rateLimit.resetAtMs - sentAt - (answeredAt - sentAt) - 1_000;
	// A slow answer widens what the request's arrival allows (anywhere from its send to its
	// answer): the window is at most Reset − send. Pivotal's limits are per minute, so a whole
	// minute the answer allows is the hint, not the low end (a 4 s GET /me read "56s", N11).
	const most = rateLimit.resetAtMs - sentAt;
	const minute = Math.floor(most / MINUTE_MS) * MINUTE_MS;
	if (minute > 0 && minute >= excess) return minute;
	return Math.max(1_000, Math.ceil(excess / 1_000) * 1_000);
}

const MINUTE_MS = 60_000;
