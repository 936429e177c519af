import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RateLimit } from "../../src/api/types.js";
import { Governor, type Permit } from "../../src/core/governor.js";
import { WindowLearner } from "../../src/core/window-learner.js";
import { runPace } from "./pace-harness.js";

const T0 = 1_800_000_000_000;

/** A governor on a clock the test moves. */
function clocked(windowMs?: number) {
	const clock = { t: T0 };
	const governor = new Governor({ now: () => clock.t, ...(windowMs === undefined ? {} : { windowMs }) });
	const answer = (permit: Permit, rateLimit: RateLimit, isCounted = true) =>
		governor.release(permit, { rateLimited: false, rateLimit, isCounted });
	return { clock, governor, answer };
}

function take(governor: Governor, n: number): Permit[] {
	const permits: Permit[] = [];
	for (let i = 0; i < n; i++) {
		const permit = governor.tryAcquire();
		if (!permit) throw new Error(`no slot for permit ${i + 1} of ${n}`);
		permits.push(permit);
	}
	return permits;
}

describe("Governor: the window's maths, with the window given", () => {
	it("sends one request alone until the limit is known, then spends the window at once", () => {
		const { clock, governor, answer } = clocked(10_000);
		const [first] = take(governor, 1);
		expect(governor.tryAcquire()).toBeUndefined();
		expect(governor.nextOpeningAt()).toBe(Number.POSITIVE_INFINITY);
		clock.t += 5;
		answer(first!, { limit: 3, remaining: 2, resetAtMs: T0 + 10_000 });
		take(governor, 2);
		expect(governor.tryAcquire()).toBeUndefined();
		expect(governor.windowSource).toBe("given");
	});

	it("frees a slot one window after its answer arrived, not a millisecond before", () => {
		const { clock, governor, answer } = clocked(10_000);
		const [first] = take(governor, 1);
		clock.t += 5;
		answer(first!, { limit: 3, remaining: 2, resetAtMs: T0 + 10_000 });
		const [a, b] = take(governor, 2);
		clock.t += 20;
		answer(a!, { limit: 3, remaining: 1, resetAtMs: T0 + 10_000 });
		answer(b!, { limit: 3, remaining: 0, resetAtMs: T0 + 10_000 });
		expect(governor.nextOpeningAt()).toBe(T0 + 5 + 10_000);
		clock.t = T0 + 5 + 10_000 - 1;
		expect(governor.tryAcquire()).toBeUndefined();
		clock.t += 1;
		take(governor, 1);
		expect(governor.tryAcquire()).toBeUndefined();
		expect(governor.nextOpeningAt()).toBe(T0 + 25 + 10_000);
	});

	it("leaves others' slots to them: the first frees at Reset, the rest one by one up to a window ahead", () => {
		const { clock, governor, answer } = clocked(10_000);
		const [first] = take(governor, 1);
		clock.t += 10;
		// 6 of 10 used: ours and 5 others'.
		answer(first!, { limit: 10, remaining: 4, resetAtMs: T0 + 2_000 });
		expect(governor.used()).toBe(6);
		take(governor, 4);
		expect(governor.tryAcquire()).toBeUndefined();
		expect(governor.nextOpeningAt()).toBe(T0 + 2_000);
		clock.t = T0 + 2_000;
		take(governor, 1);
		expect(governor.tryAcquire()).toBeUndefined();
		// The other four free evenly from Reset to a window after the answer (T0 + 10 + 10 s).
		expect(governor.nextOpeningAt()).toBeCloseTo(T0 + 2_000 + (10_010 - 2_000) / 4, 6);
	});

	it("reads an answer's headers as of the request's send: ours that left the window since are not others'", () => {
		const { clock, governor, answer } = clocked(6_000);
		const [me] = take(governor, 1);
		clock.t += 10;
		answer(me!, { limit: 2, remaining: 1, resetAtMs: T0 + 7_000 });
		const [second] = take(governor, 1);
		clock.t += 10;
		answer(second!, { limit: 2, remaining: 0, resetAtMs: T0 + 7_000 });
		// GET /me's slot frees at T0 + 6 010; the next request takes it at once.
		clock.t = T0 + 6_015;
		const [third] = take(governor, 1);
		// The server counted it while the second was still in its window (full: 0 left), and the
		// answer was read only at T0 + 6 100, when the second had left ours (at T0 + 6 020).
		clock.t = T0 + 6_100;
		answer(third!, { limit: 2, remaining: 0, resetAtMs: T0 + 7_000 });
		// Both were ours: one slot is free now, none held until Reset's second as someone else's.
		expect(governor.used()).toBe(1);
		take(governor, 1);
	});

	it("holds every request while a 429's Retry-After lasts, then goes on", () => {
		const { clock, governor, answer } = clocked(10_000);
		const [first] = take(governor, 1);
		answer(first!, { limit: 10, remaining: 9, resetAtMs: T0 + 10_000 });
		governor.block(T0 + 5_000);
		expect(governor.tryAcquire()).toBeUndefined();
		expect(governor.nextOpeningAt()).toBe(T0 + 5_000);
		clock.t = T0 + 5_000;
		take(governor, 1);
	});

	it("counts a 429 as no slot taken, and a network failure as one", () => {
		const { governor, answer } = clocked(10_000);
		const [first] = take(governor, 1);
		answer(first!, { limit: 10, remaining: 9, resetAtMs: T0 + 10_000 });
		const [refused, lost] = take(governor, 2);
		governor.release(refused!, { rateLimited: true });
		governor.release(lost!, { rateLimited: false });
		expect(governor.used()).toBe(2);
	});

	it("resumed inside a window a previous run spent: takes what is left, then one slot at a time", () => {
		const { clock, governor, answer } = clocked(3_000);
		const [me] = take(governor, 1);
		clock.t += 2;
		// 24 of 30 spent by the run before, the oldest of them freeing in 1.5 s; GET /me is the 25th.
		answer(me!, { limit: 30, remaining: 5, resetAtMs: T0 + 1_500 });
		take(governor, 5);
		expect(governor.tryAcquire()).toBeUndefined();
		clock.t = T0 + 1_500;
		take(governor, 1);
		// Not all 24 at Reset: the server frees them as they age, so do we.
		expect(governor.tryAcquire()).toBeUndefined();
	});
});

describe("Governor: waiting for a slot", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it("tells the waiter when its slot is expected, wakes it then, and gives up on abort", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
		const start = Date.now();
		const governor = new Governor({ windowMs: 1_000 });
		const [first] = take(governor, 1);
		governor.release(first!, {
			rateLimited: false,
			rateLimit: { limit: 1, remaining: 0, resetAtMs: start + 1_000 },
		});
		const told: number[] = [];
		const waiting = governor.acquire(undefined, (until) => told.push(until));
		await vi.advanceTimersByTimeAsync(999);
		expect(told).toEqual([start + 1_000]);
		await vi.advanceTimersByTimeAsync(1);
		expect(await waiting).toMatchObject({ sentAt: start + 1_000 });

		const stop = new AbortController();
		const aborted = governor.acquire(stop.signal);
		stop.abort();
		expect(await aborted).toBeUndefined();
	});

	it("wakes the records queued behind a burst once, not at every answer, and each gets its slot", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
		const start = Date.now();
		let reads = 0;
		const governor = new Governor({
			windowMs: 1_000,
			now: () => {
				reads += 1;
				return Date.now();
			},
		});
		const [first] = take(governor, 1);
		governor.release(first!, {
			rateLimited: false,
			rateLimit: { limit: 10, remaining: 9, resetAtMs: start + 1_000 },
		});
		const burst = take(governor, 9);
		const stop = new AbortController();
		const told: number[][] = [];
		const queued = Array.from({ length: 20 }, (_, i) => {
			told.push([]);
			return governor.acquire(stop.signal, (until) => told[i]!.push(until));
		});
		await vi.advanceTimersByTimeAsync(5);
		const before = reads;
		for (const permit of burst) {
			governor.release(permit, {
				rateLimited: false,
				rateLimit: { limit: 10, remaining: 0, resetAtMs: start + 1_000 },
			});
			await vi.advanceTimersByTimeAsync(0);
		}
		// Nine answers that leave the next opening where it was: a few clock reads each, where
		// waking the twenty queued records at every answer read it 180 times more.
		expect(reads - before).toBeLessThan(9 * 4);
		expect(told.every((times) => times.length === 1 && times[0] === start + 1_000)).toBe(true);
		// The first answer's slot frees at 1 s, the burst's at 1.005 s: ten records go, ten wait.
		await vi.advanceTimersByTimeAsync(1_000);
		const settled = await Promise.race([
			Promise.all(queued.slice(0, 10)),
			new Promise((r) => setTimeout(r, 1)),
		]);
		expect(settled).toHaveLength(10);
		stop.abort();
		const rest = await Promise.all(queued.slice(10));
		expect(rest.every((permit) => permit === undefined)).toBe(true);
		expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
	});
});

describe("WindowLearner: upper bounds from the headers against the send log", () => {
	it("from the first answer alone in the window: Reset minus its send", () => {
		const learner = new WindowLearner();
		learner.observe({
			sentAt: T0,
			answeredAt: T0 + 4,
			rateLimit: { limit: 60, remaining: 59, resetAtMs: T0 + 7_300 },
			isSure: true,
			isAlone: false,
		});
		expect(learner.upperMs).toBe(7_300);
		expect(learner.isSettled).toBe(false);
	});

	it("learns nothing from a window that holds more than it surely knows of (others, or errors)", () => {
		const learner = new WindowLearner();
		// 5 in the window but this is the only one of ours: the oldest may be anyone's.
		learner.observe({
			sentAt: T0,
			answeredAt: T0 + 4,
			rateLimit: { limit: 60, remaining: 55, resetAtMs: T0 + 500 },
			isSure: true,
			isAlone: false,
		});
		expect(learner.upperMs).toBeUndefined();
		// A 400 may or may not count: alone in the window it proves nothing.
		const other = new WindowLearner();
		other.observe({
			sentAt: T0 + 10,
			answeredAt: T0 + 14,
			rateLimit: { limit: 60, remaining: 59, resetAtMs: T0 + 700 },
			isSure: false,
			isAlone: false,
		});
		expect(other.upperMs).toBeUndefined();
	});

	it("does not count on a request answered after this one was sent: it may have arrived after it", () => {
		// A 1 000 ms window. A arrives at T0 + 1; B is sent before C but arrives after it, so the
		// server's window held A and C when C arrived, and Reset is A's expiry.
		const learner = new WindowLearner();
		const rateLimit = (remaining: number) => ({ limit: 3, remaining, resetAtMs: T0 + 1_001 });
		learner.observe({ sentAt: T0, answeredAt: T0 + 4, rateLimit: rateLimit(2), isSure: true, isAlone: true });
		learner.observe({
			sentAt: T0 + 10,
			answeredAt: T0 + 20,
			rateLimit: rateLimit(0),
			isSure: true,
			isAlone: false,
		});
		learner.observe({
			sentAt: T0 + 11,
			answeredAt: T0 + 30,
			rateLimit: rateLimit(1),
			isSure: true,
			isAlone: false,
		});
		expect(learner.upperMs).toBeGreaterThanOrEqual(1_000);
	});

	it("brackets the window between a probe that still saw our oldest and one that found it gone", () => {
		const learner = new WindowLearner();
		const answer = (sentAt: number, remaining: number, resetAtMs: number) =>
			learner.observe({
				sentAt,
				answeredAt: sentAt + 4,
				rateLimit: { limit: 4, remaining, resetAtMs },
				isSure: true,
				isAlone: true,
			});
		answer(T0, 3, T0 + 3_900);
		answer(T0 + 10, 2, T0 + 3_900);
		answer(T0 + 20, 1, T0 + 3_900);
		expect(learner.upperMs).toBe(3_900);
		// At T0 + 2 990 the window still holds the first: longer than 2 990 − 4 ms, if no one else is on the key.
		answer(T0 + 2_990, 0, T0 + 3_900);
		expect(learner.lowerMs).toBe(2_986);
		expect(learner.isSettled).toBe(false);
		// At T0 + 3 004 it holds 4 again, the first having left: at most 3 008 ms, whoever else is on the key.
		answer(T0 + 3_004, 0, T0 + 4_000);
		expect(learner.upperMs).toBe(3_008);
		expect(learner.isSettled).toBe(true);
	});
});

describe("Governor: the window learnt from the server", () => {
	const cases = [
		{ windowMs: 1_000, limit: 30 },
		{ windowMs: 2_000, limit: 60 },
		{ windowMs: 6_000, limit: 60 },
		{ windowMs: 6_000, limit: 600 },
		{ windowMs: 60_000, limit: 60 },
		{ windowMs: 600_000, limit: 100 },
		{ windowMs: 3_600_000, limit: 60 },
	];
	it.each(cases)("paces a $windowMs ms window of $limit untold: never early, near the minimum", (c) => {
		for (const startAt of [T0, T0 + 501, T0 + 999]) {
			const run = runPace({ ...c, requests: 3 * c.limit + 1, startAt });
			expect(run.rateLimited).toBe(0);
			expect(run.shortestWindowMs).toBeGreaterThanOrEqual(c.windowMs);
			expect(run.governor.windowSource).toBe("learnt");
			expect(run.governor.windowMs).toBeLessThanOrEqual(c.windowMs + (c.windowMs <= 30_000 ? 100 : 2_000));
			// Sent on the server's tick (T0, no skew, 4 ms round trip), the first request may have
			// been counted in either second: no header can tell, so the bound stays a second long
			// until its slot frees, a second late, never early.
			const lateMs = startAt === T0 ? 1_000 : 0;
			expect(run.makespanMs / run.minimumMs).toBeLessThanOrEqual(1.05 + lateMs / run.minimumMs);
		}
	});

	it("stays conservative with the server's clock behind or ahead, slow answers, and others on the key", () => {
		for (const serverBehindMs of [-2_700, 0, 350]) {
			for (const roundTripMs of [1, 40]) {
				for (const others of [undefined, { count: 40, spanMs: 3_000 }]) {
					const run = runPace({
						windowMs: 6_000,
						limit: 60,
						requests: 181,
						serverBehindMs,
						roundTripMs,
						concurrency: 8,
						...(others ? { others } : {}),
					});
					expect(run.rateLimited).toBe(0);
					expect(run.shortestWindowMs).toBeGreaterThanOrEqual(6_000);
				}
			}
		}
	});

	it("learns a short window within its first window, and keeps a given one as it is", () => {
		const learnt = runPace({ windowMs: 6_000, limit: 60, requests: 61 });
		expect(learnt.governor.windowMs).toBeLessThanOrEqual(6_000 + 150);
		expect(learnt.makespanMs / learnt.minimumMs).toBeLessThanOrEqual(1.03);
		const given = runPace({ windowMs: 6_000, limit: 60, requests: 61, governorWindowMs: 7_000 });
		expect(given.governor.windowMs).toBe(7_000);
		expect(given.governor.windowSource).toBe("given");
		expect(given.sends[60]! - given.sends[0]!).toBeGreaterThanOrEqual(7_000);
	});
});

describe("A pool key's GET /me made before the run (finding AA4)", () => {
	it("is counted in the key's window and dates it: the first burst takes the rest of the window at once", () => {
		const rateLimit = { limit: 60, remaining: 59, resetAtMs: T0 + 6_000, resetSec: (T0 + 6_000) / 1000 };
		const sure = new Governor({ now: () => T0 + 500 });
		sure.recordAnswered(T0, T0 + 5, rateLimit);
		expect(sure.used()).toBe(1);
		expect(sure.windowSource).toBe("learnt");
		expect(take(sure, 59)).toHaveLength(59);
		expect(sure.tryAcquire()).toBeUndefined();
		// Without it the key knows neither its limit nor its window: one request alone first.
		const blind = new Governor({ now: () => T0 + 500 });
		take(blind, 1);
		expect(blind.tryAcquire()).toBeUndefined();
	});
});

describe("lanesOf: the keys' governors", () => {
	it("takes each pool key's GET /me made before the run into that key's window", async () => {
		const { lanesOf } = await import("../../src/core/lanes.js");
		const { createClient } = await import("../../src/api/client.js");
		const client = createClient({
			baseUrl: "http://127.0.0.1:9/api/v1",
			apiKey: "pivotal_live_LanesKey0000a1b2",
		});
		const now = Date.now();
		const rateLimit = {
			limit: 60,
			remaining: 59,
			resetAtMs: now + 6_000,
			resetSec: Math.ceil((now + 6_000) / 1000),
		};
		const [asked, unasked] = lanesOf(
			{ keyFingerprint: "sha256:0" },
			{
				client,
				keys: [
					{
						client,
						fingerprint: "sha256:a",
						label: "a",
						meAnswer: { sentAt: now - 5, answeredAt: now, rateLimit },
					},
					{ client, fingerprint: "sha256:b", label: "b" },
				],
			},
			Date.now,
		);
		expect(asked?.governor.used()).toBe(1);
		expect(asked?.governor.limit).toBe(60);
		expect(unasked?.governor.used()).toBe(0);
		expect(unasked?.governor.limit).toBeUndefined();
		await client.close();
	});
});
