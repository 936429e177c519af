import { describe, expect, it } from "vitest";
import { ServerClock } from "../../src/api/server-clock.js";
import { WholeSecondWindow } from "../../src/core/whole-second-window.js";
import { runPace } from "./pace-harness.js";

const T0 = 1_800_000_000_000;

describe("ServerClock: our clock's lead over the server's, from Date headers", () => {
	it("brackets the lead between a send and an answer of the same second, then narrows at a tick", () => {
		const clock = new ServerClock();
		// Server 250 ms behind: sent at T0 + 400 (server T0 + 150), answered 4 ms later, Date T0.
		clock.observe(T0 + 400, T0 + 404, T0);
		expect(clock.aheadAtMostMs).toBe(404);
		expect(clock.aheadMoreThanMs).toBe(-600);
		// Just after the server's tick (T0 + 1 000 server = T0 + 1 250 ours): written at 1 001.
		clock.observe(T0 + 1_249, T0 + 1_253, T0 + 1_000);
		expect(clock.aheadAtMostMs).toBe(253);
		// Just before the next one: sent at T0 + 2 246 ours, still dated T0 + 1 000.
		clock.observe(T0 + 2_246, T0 + 2_250, T0 + 1_000);
		expect(clock.aheadMoreThanMs).toBe(246);
	});

	it("starts again from the newest answer when the clock steps", () => {
		const clock = new ServerClock();
		clock.observe(T0 + 400, T0 + 404, T0);
		// Our clock jumped 5 s ahead: this answer contradicts the interval.
		clock.observe(T0 + 5_400, T0 + 5_404, T0);
		expect(clock.aheadAtMostMs).toBe(5_404);
		expect(clock.aheadMoreThanMs).toBe(4_400);
	});
});

describe("WholeSecondWindow: Reset's second against the server's clock", () => {
	const cases = [
		// The oldest was sent at T0 + 300 on a clock in step with the server's, answered 4 ms later.
		{
			name: "lead known to the second only: the bound may be a second long",
			top: 404,
			bottom: -600,
			upper: 7_000,
		},
		{ name: "lead pinned by a tick: the window itself", top: 3, bottom: -2, upper: 6_000 },
		{
			name: "a lead proven larger than the send's place in its second: a second longer",
			top: 340,
			bottom: 320,
			upper: 7_000,
		},
	];
	it.each(cases)("$name", ({ top, bottom, upper }) => {
		// Window 6 s, oldest counted at T0 + 300 on the server's clock: Reset = ceil(T0 + 6 300) = T0 + 7 s.
		const window = new WholeSecondWindow();
		window.observeReset((T0 + 7_000) / 1000, T0 + 300, 404, T0 + 304);
		expect(window.upperMs({ aheadAtMostMs: top, aheadMoreThanMs: bottom })).toBe(upper);
	});

	it("asks the server's clock just before the instant a tick would prove the shorter window", () => {
		const window = new WholeSecondWindow();
		window.observeReset((T0 + 7_000) / 1000, T0 + 300, 404, T0 + 304);
		const clock = { aheadAtMostMs: 404, aheadMoreThanMs: -600 };
		// The bound assumes the oldest arrived in second T0 − 1 s… T0; a lead under 300 ms proves T0 + 1 s.
		expect(window.pinAt(T0 + 400, clock, 30, 7_000)).toEqual({ startAt: T0 + 1_270, until: T0 + 1_300 });
		// Proven no lower than that lead: nothing to gain.
		expect(window.pinAt(T0 + 400, { aheadAtMostMs: 404, aheadMoreThanMs: 300 }, 30, 7_000)).toBeUndefined();
	});

	it("rounds a Count bound down to whole seconds", () => {
		const window = new WholeSecondWindow();
		window.observeCount(6_012);
		expect(window.upperMs(undefined)).toBe(6_000);
	});
});

describe("Governor: the window learnt within the first window, any count, any window", () => {
	const windows = [
		{ windowMs: 1_000, limit: 30 },
		{ windowMs: 2_000, limit: 60 },
		{ windowMs: 6_000, limit: 60 },
		{ windowMs: 60_000, limit: 60 },
		{ windowMs: 3_600_000, limit: 100 },
	];
	const counts = [1.8, 2, 3.8];
	const cases = windows.flatMap((w) => counts.map((times) => ({ ...w, times })));
	it.each(cases)("$windowMs ms × $limit, N = $times × limit: no extra window, never early", (c) => {
		const requests = Math.round(c.times * c.limit);
		for (const startAt of [T0 + 123, T0 + 501, T0 + 987]) {
			for (const serverBehindMs of [0, 370]) {
				const run = runPace({ ...c, requests, startAt, serverBehindMs, concurrency: 16 });
				expect(run.rateLimited).toBe(0);
				expect(run.shortestWindowMs).toBeGreaterThanOrEqual(c.windowMs);
				expect(run.makespanMs / run.minimumMs).toBeLessThanOrEqual(1.03);
				// No slot held back, and few asks of the server's clock.
				expect(run.clockAsks).toBeLessThanOrEqual(40);
			}
		}
	});

	it("asks nothing of the server's clock when the run fits in one window", () => {
		const run = runPace({ windowMs: 2_000, limit: 60, requests: 59, startAt: T0 + 501 });
		expect(run.clockAsks).toBe(0);
	});

	it("without Reset's second, learns as before (probes), never early", () => {
		const run = runPace({
			windowMs: 2_000,
			limit: 60,
			requests: 181,
			startAt: T0 + 501,
			wholeSeconds: false,
		});
		expect(run.rateLimited).toBe(0);
		expect(run.shortestWindowMs).toBeGreaterThanOrEqual(2_000);
	});
});
