import { describe, expect, it } from "vitest";
import type { SyncPlan } from "../../src/core/plan/make-plan.js";
import { planText } from "../../src/report/plan-text.js";
import { undoPlanText } from "../../src/report/undo-text.js";
import { passPlan, syncPlan, undoPlan } from "../ui/plan-fixtures.js";

/** A first sync under `--only update`: look-ups, derived slugs, a cleared field, a long value, more automations than shown. */
function firstSync(): SyncPlan {
	const plan = syncPlan();
	return {
		...plan,
		isFirstSync: true,
		rules: { only: "update" },
		passes: {
			...plan.passes,
			customers: passPlan({
				rows: 4,
				ops: { match: 2, update: 3, unchanged: 1 },
				fields: { name: 1, website: 2 },
				examples: [
					{
						key: "crm-1",
						line: 2,
						changes: [
							{ field: "website", before: "https://example.test/a/very/long/path/that/goes/on", after: null },
							{ field: "name", before: null, after: "Acme", isCleared: false },
						],
					},
					{ key: "crm-2", line: 3, changes: [{ field: "website", before: "x", after: "", isCleared: true }] },
				],
				slugs: [{ key: "crm-3", line: 4, slug: "acme-3" }],
				slugCount: 2,
			}),
			onboardings: passPlan({
				rows: 9,
				ops: { create: 9 },
				automations: [{ key: "crm-1/Go", line: 2, phase: "completed" }],
				automationCount: 3,
			}),
		},
	};
}

describe("the plan and the undo plan as the command prints them", () => {
	it("prints a sync plan: counts per pass, then what changes", () => {
		expect(planText(syncPlan())).toMatchInlineSnapshot(`
			"pass           rows  create  update  unchanged  blocked  failed  gone  not in files
			customers       121       1       2        115        0       2     1             1
			contacts        243       1       1        236        5       0     0             0
			onboardings     117       0       1        115        1       0     0             0
			customers: 2 to update (name 1, status 1)
			  crm-1003 (line 4): name "Acme" → "Acme Corporation"
			  crm-1010 (line 11): status "trial" → "active"
			customers: 1 in the state but no longer in the file: reported, never deleted by import.
			contacts: 1 to update (title 1)
			  crm-1004/ann@acme.test (line 9): title "CTO" → "CEO"
			onboardings: 1 to update (phase 1)
			  crm-1005/Rollout (line 6): phase "program_buildout" → "launch"
			onboardings: 1 enter launch or completed — Pivotal fires its automations (Slack, calendar, e-mail):
			  crm-1005/Rollout (line 6): phase → launch
			"
		`);
	});

	it("prints a first sync under rules: look-ups, slugs, cleared and long values, the automations left out", () => {
		expect(planText(firstSync())).toMatchInlineSnapshot(`
			"Sync rules: update only (nothing created).
			pass           rows  create  update  unchanged  blocked  failed  gone  not in files
			customers         4       2       3          1        0       0     0             0
			contacts        243       1       1        236        5       0     0             0
			onboardings       9       9       0          0        0       0     0             0
			customers: 2 without state are looked up in Pivotal first (adopted and updated when found, else reported not_in_pivotal, never created).
			customers: 3 to update (website 2, name 1)
			  crm-1 (line 2): website "https://example.test/a/very/long/path/… → (none); name (none) → "Acme"
			  crm-2 (line 3): website "x" → (cleared)
			  …and 1 more
			customers: 2 without a slug get one derived from the name (unique in the file; suffixed if Pivotal has it for another customer):
			  crm-3 (line 4): slug acme-3
			  …and 1 more
			contacts: 1 to update (title 1)
			  crm-1004/ann@acme.test (line 9): title "CTO" → "CEO"
			onboardings: 3 enter launch or completed — Pivotal fires its automations (Slack, calendar, e-mail):
			  crm-1/Go (line 2): phase → completed
			  …and 2 more
			"
		`);
	});

	it("prints an undo plan: children first, the fields put back, the warning", () => {
		expect(undoPlanText(undoPlan(), "Acme Inc")).toMatchInlineSnapshot(`
			"Undo of run 2 in the workspace Acme Inc:
			pass          delete  restore
			onboardings        2        0
			contacts           2        0
			customers          2        1
			fields put back: customers.name 1, customers.metadata.region 1
			  (a field edited in Pivotal since the import is kept as it is, and reported)
			  (each goes back to the value the import knew before that run; an edit made in Pivotal before a sync overwrote it is not known)
			Deleting 2 customers: contacts or onboardings others added under them drop out of Pivotal's lists with them.
			Records found in Pivotal and adopted by the import are never deleted.
			"
		`);
		const plan = undoPlan();
		const recreate = {
			...plan,
			runs: [2, 3],
			counts: { ...plan.counts, contacts: { delete: 0, restore: 0, recreate: 2 } },
		};
		expect(undoPlanText(recreate, undefined)).toMatchInlineSnapshot(`
			"Undo of runs 2, 3:
			pass          delete  restore
			onboardings        2        0
			contacts           0        0
			customers          2        1
			fields put back: customers.name 1, customers.metadata.region 1
			  (a field edited in Pivotal since the import is kept as it is, and reported)
			  (each goes back to the value the import knew before that run; an edit made in Pivotal before a sync overwrote it is not known)
			To re-create (deleted by --delete-missing; Pivotal has no undelete): 2 contacts, under new ids, with the values the import last wrote.
			  (one Pivotal holds again, a customer with its external id or a contact with its e-mail, is reported exists_again and left, not made twice)
			Deleting 2 customers: contacts or onboardings others added under them drop out of Pivotal's lists with them.
			Records found in Pivotal and adopted by the import are never deleted.
			"
		`);
	});
});
