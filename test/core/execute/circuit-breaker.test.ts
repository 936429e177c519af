import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../src/core/execute/circuit-breaker.js";

const SLUG = "customers|409|slug_taken|slug";
const PLAN = "customers|400|invalid_request|plan";
/** No trip at this step. */
const _ = undefined;

/** Feed `signatures` to a fresh breaker; the streak length it reports at each step. */
function run(threshold: number, steps: readonly (string | "ok")[]): (number | undefined)[] {
	const breaker = new CircuitBreaker(threshold);
	return steps.map((step) => {
		if (step === "ok") {
			breaker.succeeded();
			return undefined;
		}
		return breaker.failed(step);
	});
}

describe("CircuitBreaker", () => {
	it.each([
		{ name: "trips at the threshold", threshold: 3, steps: [SLUG, SLUG, SLUG], trips: [_, _, 3] },
		{ name: "a threshold of 1 trips on the first failure", threshold: 1, steps: [SLUG], trips: [1] },
		{
			name: "a different signature starts the count again",
			threshold: 3,
			steps: [SLUG, SLUG, PLAN, SLUG, SLUG, SLUG],
			trips: [_, _, _, _, _, 3],
		},
		{
			name: "a success resets the streak",
			threshold: 3,
			steps: [SLUG, SLUG, "ok", SLUG, SLUG, SLUG],
			trips: [_, _, _, _, _, 3],
		},
		{
			name: "after a trip it counts from zero",
			threshold: 2,
			steps: [PLAN, PLAN, PLAN, PLAN],
			trips: [_, 2, _, 2],
		},
		{
			name: "a new signature after a trip starts at one",
			threshold: 2,
			steps: [PLAN, PLAN, SLUG, SLUG],
			trips: [_, 2, _, 2],
		},
	])("$name", ({ threshold, steps, trips }) => {
		expect(run(threshold, steps)).toEqual(trips);
	});

	it("never trips while failures alternate with successes", () => {
		const steps = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? SLUG : "ok"));
		expect(run(2, steps).every((trip) => trip === undefined)).toBe(true);
	});

	it.each([0, -1, 1.5, Number.NaN])("refuses a threshold of %s", (threshold) => {
		expect(() => new CircuitBreaker(threshold)).toThrow(RangeError);
		expect(() => new CircuitBreaker(threshold)).toThrow(String(threshold));
	});
});
