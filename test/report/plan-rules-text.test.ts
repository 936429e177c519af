import { describe, expect, it } from "vitest";
import type { PassPlan } from "../../src/core/plan/make-plan.js";
import { syncRuleLines } from "../../src/report/plan-rules-text.js";

const plan = (deleteKept: number, deleteKeptByName: number): PassPlan =>
	({ deleteCount: 0, deleteKept, deleteKeptByName }) as unknown as PassPlan;

describe("syncRuleLines: records --delete-missing keeps, and why", () => {
	it.each<[string, number, number, readonly RegExp[]]>([
		[
			"found in Pivotal only",
			2,
			0,
			[/2 gone from the files but found in Pivotal, not created by this import/],
		],
		[
			"created, kept for a repeated name only",
			1,
			1,
			[/1 gone from the files but kept: rows of the same name/],
		],
		[
			"both, each with its own reason",
			3,
			1,
			[/2 gone from the files but found in Pivotal/, /1 gone from the files but kept: rows of the same name/],
		],
	])("%s", (_, kept, byName, expected) => {
		const lines = syncRuleLines("onboardings", plan(kept, byName), { deleteMissing: true });
		expect(lines).toHaveLength(expected.length);
		expected.forEach((pattern, i) => {
			expect(lines[i]).toMatch(pattern);
		});
	});
});
