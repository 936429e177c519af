import { describe, expect, it } from "vitest";
import type { SyncPlan } from "../../src/core/plan/make-plan.js";
import { estimatePlan } from "../../src/ui/model/plan.js";
import {
	changeLines,
	nothingToSendNote,
	planNotes,
	planRows,
	shownValue,
} from "../../src/ui/model/plan-view.js";
import { passPlan, syncPlan } from "./plan-fixtures.js";

describe("the plan step's view of a sync plan", () => {
	it("counts per pass: creates include look-ups, failed leaves out the records gone from Pivotal", () => {
		expect(planRows(syncPlan())).toEqual([
			{
				pass: "customers",
				rows: 121,
				create: 1,
				update: 2,
				unchanged: 115,
				blocked: 0,
				failed: 2,
				gone: 1,
				notInFiles: 1,
			},
			{
				pass: "contacts",
				rows: 243,
				create: 1,
				update: 1,
				unchanged: 236,
				blocked: 5,
				failed: 0,
				gone: 0,
				notInFiles: 0,
			},
			{
				pass: "onboardings",
				rows: 117,
				create: 0,
				update: 1,
				unchanged: 115,
				blocked: 1,
				failed: 0,
				gone: 0,
				notInFiles: 0,
			},
		]);
		const firstSync = {
			...syncPlan(),
			passes: { ...syncPlan().passes, contacts: passPlan({ rows: 3, ops: { match: 2, create: 1 } }) },
		};
		expect(planRows(firstSync)[1]).toMatchObject({ pass: "contacts", create: 3 });
	});

	it("leaves out a pass with no rows and nothing left in the state", () => {
		const plan = syncPlan();
		const rows = planRows({ ...plan, passes: { ...plan.passes, onboardings: passPlan() } });
		expect(rows.map((r) => r.pass)).toEqual(["customers", "contacts"]);
	});

	it.each([
		["Acme", '"Acme"'],
		[null, "(none)"],
		[undefined, "(none)"],
		[1200, "1200"],
		[true, "true"],
		["A name far longer than the plan has room for", '"A name far longer than the p…'],
	])("shows %j as %s", (value, text) => {
		expect(shownValue(value)).toBe(text);
	});

	it("lists the first changes with before → after, in pass order, and counts the rest", () => {
		const { lines, more } = changeLines(syncPlan(), 2);
		expect(lines).toEqual([
			'customers crm-1003 · name "Acme" → "Acme Corporation"',
			'customers crm-1010 · status "trial" → "active"',
		]);
		expect(more).toBe(2);
	});

	it.each([
		// budget, the kinds of line in order
		[8, ["change", "change", "change", "change", "warn", "warn-detail"]],
		[5, ["change", "change", "change", "change", "warn"]],
		[4, ["change", "change", "more", "warn"]],
		[2, ["more", "warn"]],
		[1, ["warn"]],
	])("keeps the automation warning first within a budget of %i lines", (budget, kinds) => {
		const notes = planNotes(syncPlan(), budget);
		expect(notes.map((n) => n.kind)).toEqual(kinds);
		expect(notes.length).toBeLessThanOrEqual(budget);
		expect(notes.find((n) => n.kind === "warn")?.text).toBe(
			"1 onboarding enters launch or completed: Pivotal fires its automations.",
		);
	});

	it("says how many updates there are when no example fits, and names the phases that fire automations", () => {
		expect(planNotes(syncPlan(), 2)[0]?.text).toBe("4 to update");
		expect(planNotes(syncPlan(), 4)[2]?.text).toBe("… and 2 more to update");
		expect(planNotes(syncPlan(), 8)[5]?.text).toBe("crm-1005/Rollout → launch");
	});

	it("says a first sync looks records up before creating them, when there is room", () => {
		const plan = {
			isFirstSync: true,
			requests: 12,
			passes: {
				customers: passPlan({ rows: 12, ops: { match: 12 } }),
				contacts: passPlan(),
				onboardings: passPlan(),
			},
		};
		expect(planNotes(plan, 3)).toEqual([
			{ kind: "note", text: "12 without state are looked up in Pivotal first (adopted when found)." },
		]);
		expect(planNotes(plan, 0)).toEqual([]);
	});

	it("warns of creates that landed and were not found since: looked up, not made (finding AG6)", () => {
		const plan = {
			isFirstSync: false,
			requests: 2,
			passes: {
				customers: passPlan({ rows: 2, ops: { create: 2 }, landed: 1 }),
				contacts: passPlan({ rows: 1, ops: { create: 1 }, landedRemade: 1 }),
				onboardings: passPlan(),
			},
		};
		expect(planNotes(plan, 2)).toEqual([
			{
				kind: "warn",
				text: "1 whose create Pivotal said landed, not found since (landed_not_found), is looked up again and never sent a second time: each fails again until found (import --recreate makes it anew).",
			},
			{
				kind: "warn",
				text: "1 whose create Pivotal said landed, not found since, is looked up once more and made anew where still not found (--recreate).",
			},
		]);
		expect(planNotes(plan, 1)).toHaveLength(1);
	});

	it("estimates from the plan's requests, not the rows", () => {
		expect(estimatePlan(syncPlan().requests, 60).requests).toBe(7);
		expect(estimatePlan({ customers: 121, contacts: 243, onboardings: 117 }, 60).requests).toBe(481);
	});
});

describe("the plan's footer when it sends nothing", () => {
	const idle = (passes: Partial<SyncPlan["passes"]>): SyncPlan => ({
		...syncPlan(),
		requests: 0,
		passes: { customers: passPlan(), contacts: passPlan(), onboardings: passPlan(), ...passes },
	});

	it("says every record is as the files have it only when that is so", () => {
		expect(nothingToSendNote(idle({ customers: passPlan({ rows: 5, ops: { unchanged: 5 } }) }))).toBe(
			"every record is as the files have it",
		);
	});

	it("names the records deleted in Pivotal, blocked and failed before, with the flag that takes them up", () => {
		const plan = idle({
			customers: passPlan({ rows: 30, ops: { kept: 31 }, gone: 30 }),
			contacts: passPlan({ rows: 30, ops: { blocked: 30 } }),
		});
		expect(nothingToSendNote(plan)).toBe(
			"nothing to send: 30 deleted in Pivotal (made again by import --recreate), 30 blocked under a missing customer, 1 failed before (sent again by import --retry-failed)",
		);
	});
});
