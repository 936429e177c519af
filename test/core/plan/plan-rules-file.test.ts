import { describe, expect, it } from "vitest";
import {
	deleteOperation,
	hasChanges,
	type PlanBody,
	planOperation,
	planRules,
	syncRulesOf,
} from "../../../src/core/plan/plan-file.js";
import type { Operation } from "../../../src/core/plan/planner.js";
import type { SyncRules } from "../../../src/core/plan/sync-rules.js";
import type { SourceRecord } from "../../../src/model/records.js";

const record: SourceRecord = {
	pass: "customers",
	key: "c1",
	line: 4,
	body: { name: "Acme" },
	columns: {},
};
const copy = { id: "cus_1", outcome: "created" as const, v: { name: "Acme", domain: "acme.test" } };

const zero = { create: 0, match: 0, update: 0, unchanged: 0, blocked: 0, kept: 0, skipped: 0, delete: 0 };
const counts = (customers: Partial<typeof zero>): PlanBody["counts"] => ({
	customers: { ...zero, ...customers },
	contacts: zero,
	onboardings: zero,
});

describe("the sync rules a plan file carries", () => {
	it.each<[string, SyncRules]>([
		["no rules", {}],
		["--only update", { only: "update" }],
		["--only create", { only: "create" }],
		["--empty clear --keep-pivotal-edits", { empty: "clear", keepPivotalEdits: true }],
		["--delete-missing --max-deletes 0", { deleteMissing: true, maxDeletes: 0 }],
		["--delete-missing (default limit)", { deleteMissing: true }],
	])("%s: spelled out in the file, and read back as the same rules", (_, rules) => {
		const spelled = planRules(rules);
		expect(Object.keys(spelled).sort()).toEqual(
			["deleteMissing", "empty", "keepPivotalEdits", "maxDeletes", "only"].sort(),
		);
		expect(syncRulesOf(JSON.parse(JSON.stringify(spelled)))).toEqual(rules);
	});
});

describe("the operations a plan file lists under the sync rules", () => {
	it.each<[string, Operation, SyncRules, unknown]>([
		[
			"a row --only update leaves out",
			{ kind: "skipped", reason: "not_in_pivotal" },
			{ only: "update" },
			{ pass: "customers", key: "c1", line: 4, op: "skipped", reason: "not_in_pivotal" },
		],
		[
			"a change --only create leaves out, with the record's id",
			{ kind: "skipped", reason: "only_create", copy },
			{ only: "create" },
			{ pass: "customers", key: "c1", line: 4, op: "skipped", reason: "only_create", id: "cus_1" },
		],
		[
			"a cleared field: before → null",
			{
				kind: "update",
				copy,
				changes: [{ field: "domain", before: "acme.test", after: null, isCleared: true }],
			},
			{ empty: "clear" },
			{
				pass: "customers",
				key: "c1",
				line: 4,
				op: "update",
				id: "cus_1",
				changes: [{ field: "domain", before: "acme.test", after: null, isCleared: true }],
			},
		],
		[
			"an update --keep-pivotal-edits reads first",
			{ kind: "update", copy, changes: [{ field: "name", before: "Acme", after: "Acme Inc" }] },
			{ keepPivotalEdits: true },
			{
				pass: "customers",
				key: "c1",
				line: 4,
				op: "update",
				id: "cus_1",
				changes: [{ field: "name", before: "Acme", after: "Acme Inc" }],
				read: true,
			},
		],
	])("%s", (_, op, rules, listed) => {
		expect(planOperation(record, op, rules)).toEqual(listed);
	});

	it("lists a delete by id, with the customer it was made under and no line", () => {
		expect(
			deleteOperation({
				pass: "contacts",
				key: "c1/a@x.test",
				copy: { id: "con_9", outcome: "created" },
				parentKey: "c1",
			}),
		).toEqual({ pass: "contacts", key: "c1/a@x.test", op: "delete", id: "con_9", parentKey: "c1" });
	});
});

describe("--detailed-exitcode: does the plan change Pivotal?", () => {
	it.each([
		["only deletes", { delete: 2 }, true],
		["only an update (a cleared field is one)", { update: 1 }, true],
		["only rows --only update leaves out (not_in_pivotal)", { skipped: 3 }, false],
		["only unchanged, blocked and kept rows", { unchanged: 5, blocked: 1, kept: 1 }, false],
	])("%s → %s", (_, customers, expected) => {
		expect(hasChanges(counts(customers))).toBe(expected);
	});
});
