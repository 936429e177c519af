import { describe, expect, it } from "vitest";
import { clampConcurrency } from "../../src/ui/model/plan.js";

describe("clampConcurrency: what + and - reach in the wizard", () => {
	it.each([
		[60, 60, "a live key's window at once, as a headless run sends it (finding L7: it stopped at 32)"],
		[65, 64, "no more than a key's connections"],
		[0, 1, "at least one"],
		[2.4, 2, "whole requests"],
	])("%s → %s (%s)", (n, expected) => {
		expect(clampConcurrency(n)).toBe(expected);
	});

	it("a pool's keys each bring their connections: 2 keys reach 128, not 64", () => {
		expect(clampConcurrency(120, 2)).toBe(120);
		expect(clampConcurrency(200, 2)).toBe(128);
		expect(clampConcurrency(0, 2)).toBe(1);
	});
});
