import { describe, expect, it } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import { emptyPassTally } from "../../src/core/events.js";
import { initialSnapshot, reduceProgress } from "../../src/core/progress.js";
import { LineReporter } from "../../src/report/headless.js";

function feed(events: readonly ImportEvent[], noun: "import" | "undo" = "import"): string {
	let out = "";
	let clock = 0;
	const reporter = new LineReporter(
		{ write: (text: string) => (out += text) },
		{ intervalMs: 1_000, now: () => clock, noun },
	);
	let snapshot = initialSnapshot(0);
	for (const event of events) {
		clock = event.at;
		snapshot = reduceProgress(snapshot, event);
		reporter.onEvent(event, snapshot);
	}
	return out;
}

const limit = { limit: 60, remaining: 59, resetAtMs: 60_000 };

describe("LineReporter", () => {
	it("prints no progress line before the run has started, then at most one per interval", () => {
		const out = feed([
			{ type: "response", at: 5_000, status: 200, durationMs: 3, rateLimit: limit },
			{
				type: "run-started",
				at: 5_001,
				runId: "r1",
				resumed: false,
				checkpointPath: "c.json",
				concurrency: 4,
				totals: { customers: 2, contacts: 0, onboardings: 0 },
			},
			{
				type: "pass-started",
				at: 5_002,
				pass: "customers",
				total: 2,
				already: { ...emptyPassTally(), created: 0, existed: 0, failed: 0, blocked: 0 },
			},
			{ type: "response", at: 6_500, status: 201, durationMs: 3, rateLimit: limit },
			{
				type: "record-done",
				at: 6_500,
				pass: "customers",
				key: "a",
				outcome: "created",
				id: "cus_1",
				attempts: 1,
			},
			{ type: "response", at: 6_600, status: 201, durationMs: 3, rateLimit: limit },
		]);
		const progress = out.split("\n").filter((line) => line.startsWith("["));
		expect(progress).toEqual([expect.stringMatching(/^\[customers\] 0\/2 \(0%\)/)]);
		expect(out).toMatch(/^Starting import r1: 2 customers/);
	});

	it("an undo's progress counts what it deletes and puts back, not what an import creates", () => {
		const out = feed(
			[
				{
					type: "run-started",
					at: 1_000,
					runId: "r2",
					resumed: false,
					checkpointPath: "c.json",
					concurrency: 4,
					totals: { customers: 0, contacts: 0, onboardings: 3 },
				},
				{
					type: "pass-started",
					at: 1_001,
					pass: "onboardings",
					total: 3,
					already: { ...emptyPassTally(), created: 0, existed: 0, failed: 0, blocked: 0 },
				},
				{ type: "response", at: 2_500, status: 204, durationMs: 3, rateLimit: limit },
			],
			"undo",
		);
		const progress = out.split("\n").filter((line) => line.startsWith("["));
		expect(progress).toEqual([
			expect.stringMatching(/^\[onboardings\] 0\/3 \(0%\) · 0 deleted, 0 restored, 0 failed/),
		]);
		expect(progress[0]).not.toContain("created");
	});

	it("says a failure that names records in Pivotal though nothing was sent, and not another such failure", () => {
		const failed = (code: string) =>
			({
				type: "record-failed",
				at: 1,
				pass: "customers",
				key: "h1",
				line: 2,
				status: null,
				code,
				message: `${code} message`,
				attempts: 0,
			}) as const;
		const out = feed([failed("ambiguous_match"), failed("exists_again"), failed("lookup_failed")]);
		expect(out).toBe(
			"  ✗ customers h1 (line 2): ambiguous_match: ambiguous_match message\n  ✗ customers h1 (line 2): exists_again: exists_again message\n",
		);
	});
});

describe("progressLine with a pool of keys", () => {
	it("gives the pool's headroom over its keys, not whichever key answered last (finding AA2)", async () => {
		const { progressLine } = await import("../../src/report/headless.js");
		let snapshot = initialSnapshot(0);
		const events: ImportEvent[] = [
			{
				type: "run-started",
				at: 1,
				runId: "r1",
				resumed: false,
				checkpointPath: "c.json",
				concurrency: 4,
				totals: { customers: 4, contacts: 0, onboardings: 0 },
			},
			{
				type: "response",
				at: 10,
				status: 201,
				durationMs: 3,
				rateLimit: { limit: 600, remaining: 598, resetAtMs: 60_000 },
				keyLabel: "paid",
			},
			{
				type: "response",
				at: 20,
				status: 201,
				durationMs: 3,
				rateLimit: { limit: 30, remaining: 5, resetAtMs: 60_000 },
				keyLabel: "live",
			},
		];
		for (const event of events) snapshot = reduceProgress(snapshot, event);
		expect(progressLine(snapshot, 30)).toContain("603/630 left in window over 2 keys");
	});
});

describe("LineReporter's 429 line", () => {
	it("holds all requests with one key, the refused key's with several (finding AA5)", () => {
		const answer = (keyLabel: string): ImportEvent => ({
			type: "response",
			at: 10,
			status: 201,
			durationMs: 3,
			rateLimit: limit,
			keyLabel,
		});
		const held: ImportEvent = { type: "rate-limited", at: 20, untilMs: 8_020, keyLabel: "pivotal_…a1b2" };
		expect(feed([answer("pivotal_…a1b2"), held])).toContain(
			"Rate limited (429): holding all requests for 8 s",
		);
		expect(feed([answer("pivotal_…a1b2"), answer("pivotal_…c3d4"), held])).toContain(
			"Rate limited (429): holding the requests of key pivotal_…a1b2 for 8 s",
		);
	});
});
