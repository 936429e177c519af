import { describe, expect, it } from "vitest";
import { estimateDurationMs, windowHintMs } from "../../src/core/estimate.js";

describe("estimateDurationMs", () => {
	it("spends the first window at once and one window per further batch", () => {
		// The API guide's sizing: 5,000 records at 60/min take about 83 windows.
		expect(estimateDurationMs({ requests: 5_000, limit: 60, concurrency: 4 })).toBe(83 * 60_000 + 5 * 250);
		expect(
			estimateDurationMs({ requests: 120, limit: 60, windowMs: 3_000, concurrency: 60, roundTripMs: 10 }),
		).toBe(3_000 + 10);
	});

	it("bounds a small import by its round trips, not by a window", () => {
		expect(estimateDurationMs({ requests: 479, limit: 600, concurrency: 20 })).toBe(24 * 250);
		expect(estimateDurationMs({ requests: 0, limit: 60 })).toBe(0);
	});
});

describe("windowHintMs", () => {
	const sentAt = 1_800_000_000_400;
	it("reads the window from a first answer's Reset: a second and a round trip over it", () => {
		const rateLimit = { limit: 60, remaining: 59, resetAtMs: sentAt + 10_000 + 1_000 + 30 };
		expect(windowHintMs(rateLimit, sentAt, sentAt + 30)).toBe(10_000);
		expect(windowHintMs({ ...rateLimit, resetAtMs: sentAt + 61_040 }, sentAt, sentAt + 40)).toBe(60_000);
	});

	it("reads the same window when the answer was written in the second the request arrived in", () => {
		// Counted just before a tick of the server's clock: Reset is the window and a fraction over.
		const rateLimit = { limit: 125, remaining: 124, resetAtMs: sentAt + 10_000 + 200 };
		expect(windowHintMs(rateLimit, sentAt, sentAt + 30)).toBe(10_000);
	});

	it("reads a minute, not the low end, when a slow answer leaves room for one (finding N11)", () => {
		// Counted as it arrived, answered 4 s later: Reset is a minute and a fraction after the send.
		const rateLimit = { limit: 60, remaining: 59, resetAtMs: sentAt + 60_000 + 500 };
		expect(windowHintMs(rateLimit, sentAt, sentAt + 4_000)).toBe(60_000);
		// A 10 s window (the simulator's) answered slowly still reads no minute.
		expect(windowHintMs({ ...rateLimit, resetAtMs: sentAt + 10_500 }, sentAt, sentAt + 2_000)).toBe(8_000);
	});

	it("says nothing when others' requests share the window", () => {
		expect(
			windowHintMs({ limit: 60, remaining: 40, resetAtMs: sentAt + 3_000 }, sentAt, sentAt + 5),
		).toBeUndefined();
	});
});
