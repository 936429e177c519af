import type { RateLimit } from "./types.js";

/** Response headers as undici gives them: lower-case names, repeated headers as arrays. */
export type RawHeaders = Readonly<Record<string, string | string[] | undefined>>;

export function headerValue(headers: RawHeaders, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function headerNumber(headers: RawHeaders, name: string): number | undefined {
	const text = headerValue(headers, name)?.trim();
	if (text === undefined || text === "") return undefined;
	const value = Number(text);
	return Number.isFinite(value) ? value : undefined;
}

// The last `Date` header parsed: a server sends the same one for a whole second of answers.
let lastDate: { readonly text: string; readonly ms: number | undefined } | undefined;

/** The server's `Date` header in ms since epoch, or `undefined` when absent or unparsable. */
export function serverDateMs(headers: RawHeaders): number | undefined {
	const text = headerValue(headers, "date");
	if (text === undefined) return undefined;
	if (lastDate?.text === text) return lastDate.ms;
	const value = Date.parse(text);
	lastDate = { text, ms: Number.isFinite(value) ? value : undefined };
	return lastDate.ms;
}

/**
 * How far this machine's clock is ahead of the server's, from the `Date` header of each response.
 *
 * Choice: the estimate is the MINIMUM of the last {@link SkewEstimator.window} raw samples
 * `localNow − Date`. Every raw sample over-estimates the true offset, never under-estimates it:
 * `Date` is truncated to the second (adds 0–1 s) and the response needs time to arrive (adds the
 * transit). So the smallest recent sample is the tightest bound, and any error leaves
 * `resetAtMs` slightly late, never early: the governor may wait a little too long but does not
 * spend a window before the server has reset it. Keeping only recent samples lets the estimate
 * follow a clock that jumps (NTP step, laptop sleep) within a few dozen responses; a sample more
 * than a few seconds off the estimate is taken only when the answers after it agree, so one
 * server of a balanced pool with its clock wrong moves no reset early.
 */
/** A `Date` further than this from the local clock is no sample (no clock is a day off). */
const MAX_SKEW_MS = 86_400_000;
/** A sample further than this from the estimate is a jump, taken once {@link JUMP_CONFIRMED} in a row agree. */
const JUMP_MS = 10_000;
const JUMP_CONFIRMED = 3;

export class SkewEstimator {
	/** Samples kept; the oldest is dropped first. */
	readonly window: number;
	/**
	 * The samples that may yet be the least of the window (a sliding-window minimum): each less
	 * than the ones after it, with the number of the observation that made it. The first is the
	 * estimate. Within a second of one `Date`, samples only grow, so the usual answer is O(1).
	 */
	readonly #values: number[] = [];
	readonly #seen: number[] = [];
	#count = 0;
	/** Samples far off the estimate in a row, all within a jump of the first of them. */
	#jump: { readonly first: number; readonly count: number } | undefined;

	constructor(window = 32) {
		this.window = window;
	}

	/** Records one response; returns the updated estimate. */
	observe(localNowMs: number, serverDate: number): number {
		const sample = localNowMs - serverDate;
		// No clock is a day off: such a `Date` (1970, 2100, "-5") says nothing of the server's clock.
		if (Math.abs(sample) > MAX_SKEW_MS) return this.skewMs;
		if (this.#values.length > 0 && Math.abs(sample - this.skewMs) > JUMP_MS) {
			// Far off the estimate: one server of several behind a balancer with its clock wrong, or
			// this clock stepped. Taken only when the next answers agree with it.
			const jump = this.#jump;
			this.#jump =
				jump && Math.abs(sample - jump.first) <= JUMP_MS
					? { ...jump, count: jump.count + 1 }
					: { first: sample, count: 1 };
			if (this.#jump.count < JUMP_CONFIRMED) return this.skewMs;
			this.#values.length = 0;
			this.#seen.length = 0;
		}
		this.#jump = undefined;
		const values = this.#values;
		const seen = this.#seen;
		// A later sample no larger than these outlives them in the window: they can no longer be the least.
		while (values.length > 0 && values[values.length - 1]! >= sample) {
			values.pop();
			seen.pop();
		}
		values.push(sample);
		seen.push(this.#count);
		this.#count += 1;
		while (seen[0]! <= this.#count - 1 - this.window) {
			values.shift();
			seen.shift();
		}
		return this.skewMs;
	}

	/** Local clock minus server clock in ms; 0 before any `Date` header was seen. */
	get skewMs(): number {
		return this.#values[0] ?? 0;
	}
}

/**
 * `X-RateLimit-Limit/Remaining/Reset`, with `Reset` (absolute Unix seconds on the server's clock)
 * moved onto the local clock: `Reset × 1000 + skew`. `undefined` unless all three are present.
 */
export function parseRateLimit(headers: RawHeaders, skewMs: number): RateLimit | undefined {
	const limit = headerNumber(headers, "x-ratelimit-limit");
	const remaining = headerNumber(headers, "x-ratelimit-remaining");
	const reset = headerNumber(headers, "x-ratelimit-reset");
	if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
	return { limit, remaining, resetAtMs: reset * 1000 + skewMs, resetSec: reset };
}

/**
 * `Retry-After` in ms: delta seconds (the documented form), or an HTTP date measured against
 * the response's own `Date` when present (both on the server's clock), else against the local
 * clock corrected by the skew. Never negative; `undefined` when absent or unparsable.
 */
export function parseRetryAfter(headers: RawHeaders, localNowMs: number, skewMs: number): number | undefined {
	const text = headerValue(headers, "retry-after")?.trim();
	if (text === undefined || text === "") return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	// All three HTTP-date forms start with a day name; this keeps V8's lenient parser off "-5".
	const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
	if (!Number.isFinite(at)) return undefined;
	const serverNow = serverDateMs(headers) ?? localNowMs - skewMs;
	return Math.max(0, at - serverNow);
}
