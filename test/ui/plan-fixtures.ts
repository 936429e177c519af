import type { PassPlan, SyncPlan } from "../../src/core/plan/make-plan.js";
import type { UndoOperation, UndoPlan } from "../../src/core/undo/undo-plan.js";
import type { PassName } from "../../src/model/records.js";

/** One pass of a sync plan: every count 0 unless given. */
export function passPlan(
	over: Partial<Omit<PassPlan, "ops">> & { ops?: Partial<PassPlan["ops"]> } = {},
): PassPlan {
	const { ops, ...rest } = over;
	return {
		rows: 0,
		fields: {},
		examples: [],
		automations: [],
		automationCount: 0,
		notInFiles: 0,
		gone: 0,
		...rest,
		ops: { create: 0, match: 0, update: 0, unchanged: 0, blocked: 0, kept: 0, skipped: 0, ...ops },
	};
}

/**
 * A re-run after an export changed: one new customer with its contact, two customers renamed or
 * moved on, a contact's title, an onboarding entering launch, one customer gone from the file,
 * one deleted in Pivotal, one failed for good.
 */
export function syncPlan(): SyncPlan {
	return {
		isFirstSync: false,
		requests: 7,
		passes: {
			customers: passPlan({
				rows: 121,
				ops: { create: 1, update: 2, unchanged: 115, kept: 3 },
				gone: 1,
				notInFiles: 1,
				fields: { name: 1, status: 1 },
				examples: [
					{
						key: "crm-1003",
						line: 4,
						changes: [{ field: "name", before: "Acme", after: "Acme Corporation" }],
					},
					{ key: "crm-1010", line: 11, changes: [{ field: "status", before: "trial", after: "active" }] },
				],
			}),
			contacts: passPlan({
				rows: 243,
				ops: { create: 1, update: 1, unchanged: 236, blocked: 5 },
				fields: { title: 1 },
				examples: [
					{
						key: "crm-1004/ann@acme.test",
						line: 9,
						changes: [{ field: "title", before: "CTO", after: "CEO" }],
					},
				],
			}),
			onboardings: passPlan({
				rows: 117,
				ops: { update: 1, unchanged: 115, blocked: 1 },
				fields: { phase: 1 },
				examples: [
					{
						key: "crm-1005/Rollout",
						line: 6,
						changes: [{ field: "phase", before: "program_buildout", after: "launch" }],
					},
				],
				automations: [{ key: "crm-1005/Rollout", line: 6, phase: "launch" }],
				automationCount: 1,
			}),
		},
	};
}

const copy = (id: string) => ({ id, outcome: "created" as const, c: 2 });

/** Undo of run 2: two customers with a contact and an onboarding each created, one customer renamed. */
export function undoPlan(): UndoPlan {
	const del = (pass: PassName, key: string): UndoOperation => ({
		kind: "delete",
		pass,
		key,
		copy: copy(`${pass}-${key}`),
	});
	const operations: Record<PassName, UndoOperation[]> = {
		onboardings: [del("onboardings", "c1/Rollout"), del("onboardings", "c2/Rollout")],
		contacts: [del("contacts", "c1/a@x.test"), del("contacts", "c2/b@x.test")],
		customers: [
			del("customers", "c1"),
			del("customers", "c2"),
			{
				kind: "restore",
				pass: "customers",
				key: "c0",
				copy: { id: "cus-c0", outcome: "existed" },
				before: { name: "Old Name", metadata: { region: "emea" } },
				after: { name: "New Name", metadata: { region: "apac" } },
				runs: [2],
			},
		],
	};
	return {
		runs: [2],
		operations,
		counts: {
			customers: { delete: 2, restore: 1 },
			contacts: { delete: 2, restore: 0 },
			onboardings: { delete: 2, restore: 0 },
		},
	};
}
