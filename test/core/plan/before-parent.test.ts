import { describe, expect, it } from "vitest";
import { isBeforeParent, type ParentView } from "../../../src/core/plan/planner.js";
import type { PivotalCopy } from "../../../src/model/records.js";

const child = (fields: Partial<PivotalCopy>): PivotalCopy => ({ id: "ob_1", outcome: "created", ...fields });
const parent = (fields: Partial<PivotalCopy>): ParentView => ({
	kind: "ready",
	copy: { id: "cus_1", outcome: "created", ...fields },
});

describe("isBeforeParent: a child record of an earlier incarnation of its customer", () => {
	it.each<[string, PivotalCopy, ParentView | undefined, boolean]>([
		["no parent (a customer)", child({ r: 1 }), undefined, false],
		["its customer is missing (blocked, not re-made)", child({ r: 1 }), { kind: "missing" }, false],
		["its customer is to be made by this plan", child({ r: 1 }), { kind: "planned" }, true],
		["customer made in run 1, child in run 1", child({ c: 1, r: 1 }), parent({ c: 1, r: 1 }), false],
		["customer made in run 1, child updated in run 3", child({ c: 1, r: 3 }), parent({ c: 1, r: 2 }), false],
		[
			"customer made anew in run 5, child last written in run 1",
			child({ c: 1, r: 1 }),
			parent({ c: 5, g: 1 }),
			true,
		],
		[
			"customer made anew in run 5, child made in run 5",
			child({ c: 5, r: 5 }),
			parent({ c: 5, g: 1 }),
			false,
		],
		[
			"customer adopted (existed): no birth run",
			child({ r: 1 }),
			parent({ outcome: "existed", r: 4 }),
			false,
		],
		["child with no run recorded (version-1 state)", child({}), parent({ c: 5 }), false],
		[
			"child adopted in run 2 (its c unset), customer made in run 4",
			child({ outcome: "existed", r: 2 }),
			parent({ c: 4 }),
			true,
		],
	])("%s → %s", (_, copy, view, expected) => {
		expect(isBeforeParent(copy, view)).toBe(expected);
	});
});
