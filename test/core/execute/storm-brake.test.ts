import { describe, expect, it } from "vitest";
import { type BrakeVerdict, isServerFailing, StormBrake } from "../../../src/core/execute/storm-brake.js";

/** Feed statuses, applying each verdict's concurrency; returns the concurrencies and the trip. */
function feed(brake: StormBrake, start: number, statuses: readonly number[]) {
	let concurrency = start;
	const seen: number[] = [];
	let tripped: BrakeVerdict["tripped"];
	for (const status of statuses) {
		const verdict = brake.observe(status, concurrency);
		if (verdict.concurrency !== undefined) concurrency = verdict.concurrency;
		tripped ??= verdict.tripped;
		seen.push(concurrency);
	}
	return { seen, tripped };
}

describe("StormBrake", () => {
	it.each([
		[0, true],
		[500, true],
		[503, true],
		[200, false],
		[201, false],
		[404, false],
		[429, false],
		// A redirect is never followed: the server, or its proxy, is misconfigured.
		[307, true],
		[301, true],
	])("status %i says the server is failing: %s", (status, failing) => {
		expect(isServerFailing(status)).toBe(failing);
	});

	it("halves the concurrency on each failure, down to 1, and gives it back one by one", () => {
		const { seen, tripped } = feed(
			new StormBrake({ failures: 16, rateLimited: 100 }),
			16,
			[500, 0, 503, 500, 500, 200, 200, 200],
		);
		expect(seen).toEqual([8, 4, 2, 1, 1, 2, 3, 4]);
		expect(tripped).toBeUndefined();
	});

	it("gives back no more than the concurrency before the storm", () => {
		const { seen } = feed(new StormBrake({ failures: 16, rateLimited: 100 }), 3, [500, 200, 200, 200, 200]);
		expect(seen).toEqual([1, 2, 3, 3, 3]);
	});

	it("trips at the threshold of failures in a row, and a sound answer restarts the count", () => {
		const brake = new StormBrake({ failures: 4, rateLimited: 100 });
		expect(feed(brake, 4, [500, 500, 500, 201, 500, 500, 500]).tripped).toBeUndefined();
		expect(feed(brake, 4, [0]).tripped).toEqual({ count: 4, kind: "failing" });
	});

	it("a 429 is neither a failure nor a sound answer", () => {
		const brake = new StormBrake({ failures: 3, rateLimited: 100 });
		expect(feed(brake, 4, [500, 429, 500, 429, 500]).tripped).toEqual({ count: 3, kind: "failing" });
	});

	it("trips on 429s in a row with nothing else between", () => {
		const brake = new StormBrake({ failures: 16, rateLimited: 3 });
		expect(feed(brake, 4, [429, 429, 201, 429, 429]).tripped).toBeUndefined();
		expect(feed(brake, 4, [429]).tripped).toEqual({ count: 3, kind: "rate-limited" });
	});
});

describe("StormBrake: a burst that fails together", () => {
	it("the requests out when the streak began lengthen it: 60 sent at once and failing, then 16 more", () => {
		const brake = new StormBrake({ failures: 16, rateLimited: 30 });
		let concurrency = 60;
		let out = 60;
		let trippedAt: number | undefined;
		for (let answer = 1; answer <= 100 && trippedAt === undefined; answer++) {
			out -= 1;
			const verdict = brake.observe(0, concurrency, out);
			if (verdict.concurrency !== undefined) concurrency = verdict.concurrency;
			if (verdict.tripped) trippedAt = answer;
			// Past the burst, one new request goes out for each answer, at the lowered concurrency.
			if (out < concurrency) out += 1;
		}
		// The first failure saw 59 others out: the streak may reach 16 + 59 before the run stops.
		expect(trippedAt).toBe(75);
		expect(concurrency).toBe(1);
	});

	it("a sound answer between ends the streak, and the next one counts from its own start", () => {
		const brake = new StormBrake({ failures: 3, rateLimited: 30 });
		expect(brake.observe(0, 8, 7).tripped).toBeUndefined();
		expect(brake.observe(200, 4, 0).tripped).toBeUndefined();
		// Alone on the wire now: three failures stop it.
		expect(brake.observe(500, 4, 0).tripped).toBeUndefined();
		expect(brake.observe(500, 2, 0).tripped).toBeUndefined();
		expect(brake.observe(500, 1, 0).tripped).toEqual({ count: 3, kind: "failing" });
	});

	it("a streak of 5xx answers counts as ever, whatever was out beside it: the server said it is failing", () => {
		const brake = new StormBrake({ failures: 3, rateLimited: 30 });
		expect(brake.observe(500, 60, 59).tripped).toBeUndefined();
		expect(brake.observe(503, 30, 58).tripped).toBeUndefined();
		expect(brake.observe(500, 15, 57).tripped).toEqual({ count: 3, kind: "failing" });
	});
});

describe("StormBrake: a burst refused together (adversarial finding L12)", () => {
	it("58 refusals answered at once are the burst's; the run stops only after 30 more in a row", () => {
		const brake = new StormBrake({ failures: 16, rateLimited: 30 });
		let trippedAt: number | undefined;
		for (let answer = 1; answer <= 100 && trippedAt === undefined; answer++) {
			const out = Math.max(0, 58 - answer);
			if (brake.observe(429, 60, out).tripped) trippedAt = answer;
		}
		expect(trippedAt).toBe(30 + 57);
	});
});
