import { describe, expect, it } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import { emptyPassTally } from "../../src/core/events.js";
import type { InFlightRow } from "../../src/core/progress.js";
import { describeState, perWindow, statusLine } from "../../src/ui/model/run-view.js";
import { snapshotOf, T0 } from "./helpers.js";

const row = (over: Partial<InFlightRow>): InFlightRow => ({
	pass: "contacts",
	key: "c-1/ann@acme.com",
	line: 2,
	attempt: 1,
	state: "backoff",
	since: 1_000,
	untilMs: 3_000,
	cause: "503",
	...over,
});

describe("describeState", () => {
	it.each([
		[row({ state: "slot", cause: "window full" }), 1_500, false, "next slot in 2s"],
		[row({ state: "slot", cause: "429" }), 1_500, false, "Retry-After 2s (429)"],
		[row({ state: "retry-after", cause: "429" }), 2_001, false, "Retry-After 1s (429)"],
		[row({ state: "backoff" }), 1_500, false, "backoff 2s after 503"],
		[row({ state: "key-in-use", cause: "409" }), 1_500, false, "key in use, retry in 2s (409)"],
		// A countdown that is over says what the record waits for, never 0s.
		[row({ state: "retry-after", cause: "429" }), 3_000, false, "waiting for a slot"],
		[row({ state: "backoff" }), 9_000, false, "waiting for a slot"],
		[row({ state: "slot", untilMs: 1_000 }), 1_000, false, "waiting for a slot"],
		// Paused: a wait that is over, and any wait for a slot, is held by the pause.
		[row({ state: "backoff" }), 1_500, true, "backoff 2s after 503"],
		[row({ state: "backoff" }), 4_000, true, "held by the pause"],
		[row({ state: "slot" }), 1_500, true, "held by the pause"],
		[row({ state: "sending" }), 4_000, true, "sending"],
	])("%o at %i (paused %s) reads %s", (r, now, isPaused, text) => {
		expect(describeState(r, now, isPaused)).toBe(text);
	});

	it("never shows 0s: each second of a countdown to its end reads a whole second or the reason", () => {
		const waiting = row({ state: "slot", untilMs: 5_000 });
		for (let now = 1_000; now <= 6_000; now += 50) {
			expect(describeState(waiting, now)).not.toMatch(/\b0s\b/);
		}
	});
});

describe("statusLine", () => {
	const base: ImportEvent[] = [
		{
			type: "run-started",
			at: T0,
			runId: "r",
			resumed: false,
			checkpointPath: "/c.json",
			concurrency: 4,
			totals: { customers: 10, contacts: 0, onboardings: 0 },
		},
		{
			type: "pass-started",
			at: T0,
			pass: "customers",
			total: 10,
			already: { ...emptyPassTally(), created: 0, existed: 0, failed: 0, blocked: 0 },
		},
	];
	const slot = (key: string, untilMs: number): ImportEvent => ({
		type: "request-waiting",
		at: T0 + 10,
		pass: "customers",
		key,
		line: 3,
		attempt: 1,
		reason: "slot",
		untilMs,
		cause: "window full",
	});

	it("says the window is full and when the next slot frees, then what it waits for", () => {
		const s = snapshotOf([...base, slot("c1", T0 + 3_000), slot("c2", T0 + 5_000)]);
		expect(statusLine(s, T0 + 100)).toBe("running — customers · window full, next slot in 3s");
		expect(statusLine(s, T0 + 3_500)).toBe("running — customers · window full, next slot in 2s");
		expect(statusLine(s, T0 + 5_000)).toBe("running — customers · window full, waiting for a slot");
		expect(statusLine(snapshotOf(base), T0)).toBe("running — customers");
	});

	it("says a 429 holds dispatch with its Retry-After, and counts only requests on the wire as draining", () => {
		const held = snapshotOf([...base, { type: "rate-limited", at: T0, untilMs: T0 + 12_000 }]);
		expect(statusLine(held, T0 + 500)).toBe("running — customers · rate limited (429), Retry-After 12s");
		const pausing = snapshotOf([
			...base,
			{ type: "request-started", at: T0 + 1, pass: "customers", key: "c9", line: 10, attempt: 1 },
			slot("c1", T0 + 3_000),
			{ type: "pause-requested", at: T0 + 20 },
		]);
		expect(statusLine(pausing, T0 + 30)).toBe("pausing — draining 1 in flight");
	});
});

describe("perWindow", () => {
	it("names the window in whole seconds, a minute as min, and marks a guess", () => {
		expect(perWindow(6_004)).toBe("per 6s");
		expect(perWindow(60_028)).toBe("per min");
		expect(perWindow(60_848)).toBe("per min");
		expect(perWindow(3_600_900)).toBe("per 1h00m");
		expect(perWindow(undefined)).toBe("per min?");
	});
});
