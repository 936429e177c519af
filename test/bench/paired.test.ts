import { describe, expect, it } from "vitest";
import { MIN_ROUNDS, perRoundRatios, roundOrder, runRounds, spread } from "./paired.js";

describe("roundOrder", () => {
	it.each([
		[["a", "b"], 0, ["a", "b"]],
		[["a", "b"], 1, ["b", "a"]],
		[["a", "b"], 2, ["a", "b"]],
		[["a", "b", "c"], 1, ["b", "c", "a"]],
		[["a", "b", "c"], 2, ["c", "a", "b"]],
		[["a"], 3, ["a"]],
		[[], 1, []],
	])("%j in round %i runs as %j", (sides, round, expected) => {
		expect(roundOrder(sides, round)).toEqual(expected);
	});
});

describe("spread", () => {
	it.each([
		[[3], { median: 3, min: 3, max: 3 }],
		[[5, 1, 3], { median: 3, min: 1, max: 5 }],
		[[4, 1, 3, 2], { median: 2.5, min: 1, max: 4 }],
		[[0.7, 0.4, 0.63, 0.58, 0.71], { median: 0.63, min: 0.4, max: 0.71 }],
	])("of %j", (values, expected) => {
		expect(spread(values)).toEqual({ ...expected, count: values.length });
	});

	it("refuses an empty sample", () => {
		expect(() => spread([])).toThrow(/at least one/);
	});
});

describe("perRoundRatios", () => {
	it("divides within each round, not best by best", () => {
		// Best by best would give 10 ÷ 10 = 1; each round says 0.5.
		expect(perRoundRatios([5, 10], [10, 20])).toEqual([0.5, 0.5]);
	});

	it("refuses sides with different round counts", () => {
		expect(() => perRoundRatios([1, 2], [1])).toThrow(/as many rounds/);
	});
});

describe("runRounds", () => {
	it("alternates which side goes first, resets before every side and drops the warm-up rounds", async () => {
		const log: string[] = [];
		let tick = 0;
		const side = (name: string) => async () => {
			log.push(name);
			return tick++;
		};
		const measures = await runRounds(
			{ ours: side("ours"), bare: side("bare") },
			{ rounds: 5, warmups: 1, beforeEach: async () => void log.push("reset") },
		);
		const sides = log.filter((entry) => entry !== "reset");
		expect(sides).toEqual([
			"ours",
			"bare",
			"bare",
			"ours",
			"ours",
			"bare",
			"bare",
			"ours",
			"ours",
			"bare",
			"bare",
			"ours",
		]);
		expect(log.filter((entry) => entry === "reset")).toHaveLength(12);
		// Ticks 0 and 1 were the warm-up round.
		expect(measures).toEqual({ ours: [3, 4, 7, 8, 11], bare: [2, 5, 6, 9, 10] });
	});

	it(`runs at least ${MIN_ROUNDS} counted rounds whatever it is asked`, async () => {
		let calls = 0;
		const measures = await runRounds(
			{
				only: async () => {
					calls += 1;
					return 1;
				},
			},
			{ rounds: 2, warmups: 0 },
		);
		expect(calls).toBe(MIN_ROUNDS);
		expect(measures.only).toHaveLength(MIN_ROUNDS);
	});
});
