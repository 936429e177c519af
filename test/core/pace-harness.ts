/**
 * A governor against the simulator's own window maths in virtual time: no sockets, no timers,
 * so a one-hour window takes milliseconds to run and every figure is exact.
 */
import { SkewEstimator } from "../../src/api/rate-limit.js";
import { ServerClock } from "../../src/api/server-clock.js";
import type { RateLimit } from "../../src/api/types.js";
import { Governor, type Permit } from "../../src/core/governor.js";
import { RateLimiter } from "../../src/sim/sliding-window.js";

export interface PaceRun {
	/** The server's window. */
	readonly windowMs: number;
	readonly limit: number;
	/** Requests to send, the opening one included. */
	readonly requests: number;
	/** @default 4 */
	readonly concurrency?: number;
	/** Round trip of every request; the server counts it a tenth of the way in. @default 4 */
	readonly roundTripMs?: number;
	/** Virtual start, ms since epoch (its place in the second matters to Reset's rounding). @default 1_800_000_000_123 */
	readonly startAt?: number;
	/** How far the server's clock is behind ours. @default 0 */
	readonly serverBehindMs?: number;
	/** Told to the governor, as `--window` would. @default learnt */
	readonly governorWindowMs?: number;
	/** Requests another client made just before ours, spread over the given span. */
	readonly others?: { readonly count: number; readonly spanMs: number };
	/** Answers carry Reset's second as sent, and `GET /health` pins the server's clock. @default true */
	readonly wholeSeconds?: boolean;
}

export interface PaceResult {
	readonly makespanMs: number;
	/** The fastest any client can do: (ceil(N / limit) − 1) windows and one round trip. */
	readonly minimumMs: number;
	readonly rateLimited: number;
	/** Each request's send time, in order. */
	readonly sends: readonly number[];
	/** The shortest window the governor paced to after any answer. */
	readonly shortestWindowMs: number;
	readonly governor: Governor;
	/** `GET /health` requests sent to pin the server's clock (they take no slot). */
	readonly clockAsks: number;
}

interface Pending {
	readonly at: number;
	readonly permit: Permit;
	readonly allowed: boolean;
	readonly rateLimit: RateLimit;
	readonly retryAfterMs: number;
}

const KEY = "key";

export function runPace(run: PaceRun): PaceResult {
	const rtt = run.roundTripMs ?? 4;
	const concurrency = run.concurrency ?? 4;
	const behind = run.serverBehindMs ?? 0;
	const start = run.startAt ?? 1_800_000_000_123;
	let now = start;
	const server = new RateLimiter(run.windowMs, false);
	if (run.others) {
		const { count, spanMs } = run.others;
		for (let i = 0; i < count; i++) {
			server.take(KEY, run.limit, start - behind - spanMs + (spanMs * i) / Math.max(1, count - 1));
		}
	}
	const skew = new SkewEstimator();
	const wholeSeconds = run.wholeSeconds ?? true;
	const clock = new ServerClock();
	const governor = new Governor({
		now: () => now,
		...(wholeSeconds ? { clock } : {}),
		...(run.governorWindowMs === undefined ? {} : { windowMs: run.governorWindowMs }),
	});
	const pending: Pending[] = [];
	const sends: number[] = [];
	// Requests neither on the wire nor answered; a 429 puts one back.
	let queued = run.requests;
	let rateLimited = 0;
	let lastAnswer = start;
	let shortestWindowMs = Number.POSITIVE_INFINITY;
	// One GET /health at a time: when it is answered, and the server's second it was written in.
	let health: { readonly sentAt: number; readonly at: number; readonly dateMs: number } | undefined;
	let clockAsks = 0;
	/** The server's `Date` for an answer written at our `at`: whole seconds of its clock. */
	const dateAt = (at: number) => Math.floor((at - behind) / 1000) * 1000;

	const send = (permit: Permit): void => {
		const arrival = now + rtt / 10;
		const decision = server.take(KEY, run.limit, arrival - behind);
		sends.push(now);
		pending.push({
			at: now + rtt,
			permit,
			allowed: decision.allowed,
			rateLimit: {
				limit: decision.limit,
				remaining: decision.remaining,
				resetAtMs: decision.resetSec * 1000,
				...(wholeSeconds ? { resetSec: decision.resetSec } : {}),
			},
			retryAfterMs: (decision.retryAfterSec ?? 0) * 1000,
		});
		queued -= 1;
	};
	const answer = (p: Pending): void => {
		// The Date header is written as the answer leaves, in whole seconds of the server's clock.
		const date = dateAt(now - rtt / 10);
		const skewMs = skew.observe(now, date);
		clock.observe(p.permit.sentAt, now, date);
		const rateLimit = { ...p.rateLimit, resetAtMs: p.rateLimit.resetAtMs + skewMs };
		governor.release(p.permit, { rateLimited: !p.allowed, rateLimit, isCounted: p.allowed });
		if (!p.allowed) {
			rateLimited += 1;
			queued += 1;
			governor.block(now + p.retryAfterMs);
		}
		lastAnswer = now;
		shortestWindowMs = Math.min(shortestWindowMs, governor.windowMs);
	};

	for (let guard = 0; guard < 10_000_000; guard++) {
		while (queued > 0 && pending.length < concurrency) {
			const permit = governor.tryAcquire();
			if (!permit) break;
			send(permit);
		}
		if (queued === 0 && pending.length === 0) break;
		const pin = wholeSeconds && health === undefined ? governor.clockPinAt(now) : undefined;
		if (pin && now >= pin.startAt && now < pin.until) {
			health = { sentAt: now, at: now + rtt, dateMs: dateAt(now + rtt / 2) };
			clockAsks += 1;
		}
		const nextAnswer = Math.min(
			health?.at ?? Number.POSITIVE_INFINITY,
			pending.reduce((t, p) => Math.min(t, p.at), Number.POSITIVE_INFINITY),
		);
		const opening =
			queued > 0 && pending.length < concurrency
				? (governor.nextOpeningAt(now) ?? now)
				: Number.POSITIVE_INFINITY;
		const pinStart =
			pin && health === undefined && pin.startAt > now ? pin.startAt : Number.POSITIVE_INFINITY;
		const next = Math.min(nextAnswer, opening, pinStart);
		if (!Number.isFinite(next)) throw new Error("stalled: nothing in flight and no slot ahead");
		now = Math.max(now, next);
		if (health && health.at <= now) {
			clock.observe(health.sentAt, health.at, health.dateMs);
			health = undefined;
			governor.clockChanged();
		}
		pending.sort((a, b) => a.at - b.at);
		while (pending.length > 0 && (pending[0]?.at ?? Number.POSITIVE_INFINITY) <= now) {
			const p = pending.shift();
			if (p) answer(p);
		}
	}
	return {
		makespanMs: lastAnswer - start,
		minimumMs: (Math.ceil(run.requests / run.limit) - 1) * run.windowMs + rtt,
		rateLimited,
		sends,
		shortestWindowMs,
		governor,
		clockAsks,
	};
}
