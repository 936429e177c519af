import type { RateLimit } from "../api/types.js";

/**
 * One key's side of a run with several keys: what its last answer said of its window, how
 * many answers and 429s it had, and whether the server refused it. Keyed in the progress
 * snapshot by the masked label the events carry, never by the key.
 */
export interface KeyProgress {
	/** The last `X-RateLimit-*` this key's answers carried (undefined until one did). */
	readonly rateLimit: RateLimit | undefined;
	/** Answers (and network failures) of requests sent with this key. */
	readonly requests: number;
	/** 429s this key drew. */
	readonly rateLimited: number;
	/** A 429's hold on this key lasts until then. */
	readonly rateLimitedUntil: number | undefined;
	/** A 401 or 403: the key left the pool and sends nothing more this run. */
	readonly isRefused: boolean;
}

const EMPTY: KeyProgress = {
	rateLimit: undefined,
	requests: 0,
	rateLimited: 0,
	rateLimitedUntil: undefined,
	isRefused: false,
};

export type KeyMap = ReadonlyMap<string, KeyProgress>;

/** The key shows from its first request on, before any answer has spoken of its window. */
export function keySeen(keys: KeyMap, label: string): KeyMap {
	if (keys.has(label)) return keys;
	return new Map(keys).set(label, EMPTY);
}

/** An answer (or a network failure, status 0) to a request sent with `label`. */
export function keyAnswered(
	keys: KeyMap,
	label: string,
	status: number,
	rateLimit: RateLimit | undefined,
): KeyMap {
	return new Map(keys).set(label, keyAnsweredAs(keys.get(label), status, rateLimit));
}

/** A key's progress (`was`, undefined before its first request) after an answer. */
export function keyAnsweredAs(
	was: KeyProgress | undefined,
	status: number,
	rateLimit: RateLimit | undefined,
): KeyProgress {
	const before = was ?? EMPTY;
	return {
		...before,
		requests: before.requests + 1,
		rateLimit: rateLimit ?? before.rateLimit,
		// The requester takes a key out of the pool on either; it sends nothing more.
		isRefused: before.isRefused || status === 401 || status === 403,
	};
}

/** A 429 on `label`, holding that key until `untilMs`. */
export function keyRateLimited(keys: KeyMap, label: string, untilMs: number): KeyMap {
	const was = keys.get(label) ?? EMPTY;
	return new Map(keys).set(label, {
		...was,
		rateLimited: was.rateLimited + 1,
		rateLimitedUntil: Math.max(untilMs, was.rateLimitedUntil ?? 0),
	});
}

/** The pool's window added up over the keys still in it that have said theirs. */
export interface PoolHeadroom {
	readonly keys: number;
	/** Keys still in the pool. */
	readonly working: number;
	readonly remaining: number;
	readonly limit: number;
	readonly rateLimited: number;
	/** The latest reset still ahead of `now` among the working keys (undefined when none is). */
	readonly slowestResetAtMs: number | undefined;
}

export function poolHeadroom(keys: KeyMap, now: number): PoolHeadroom {
	let working = 0;
	let remaining = 0;
	let limit = 0;
	let rateLimited = 0;
	let slowest: number | undefined;
	for (const key of keys.values()) {
		rateLimited += key.rateLimited;
		if (key.isRefused) continue;
		working += 1;
		if (!key.rateLimit) continue;
		remaining += key.rateLimit.remaining;
		limit += key.rateLimit.limit;
		const reset = key.rateLimit.resetAtMs;
		if (reset > now && (slowest === undefined || reset > slowest)) slowest = reset;
	}
	return { keys: keys.size, working, remaining, limit, rateLimited, slowestResetAtMs: slowest };
}
