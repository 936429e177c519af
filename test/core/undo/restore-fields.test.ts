import { describe, expect, it } from "vitest";
import { restoreFields } from "../../../src/core/undo/restore-fields.js";
import { planUndo } from "../../../src/core/undo/undo-plan.js";
import type { PassName, RecordState } from "../../../src/model/records.js";

describe("restoreFields: what undo may put back", () => {
	const before = { name: "Acme", title: null, metadata: { tier: "silver", region: null } };
	const after = { name: "Acme Inc", title: "CTO", metadata: { tier: "gold", region: "eu" } };

	it("puts back what still holds the import's value; an empty field is cleared with null", () => {
		const server = {
			name: "Acme Inc",
			title: "CTO",
			metadata: { tier: "gold", region: "eu", owner: "sales" },
		};
		expect(restoreFields("contacts", before, after, server)).toEqual({
			patch: { name: "Acme", title: null, metadata: { tier: "silver", owner: "sales" } },
			restored: ["name", "title", "metadata.tier", "metadata.region"],
			kept: [],
		});
	});

	it("keeps a field edited in Pivotal since, and sends nothing for one already back", () => {
		const server = { name: "Acme Renamed", title: null, metadata: { tier: "silver", region: "eu" } };
		const decision = restoreFields("contacts", before, after, server);
		expect(decision.kept).toEqual(["name"]);
		expect(decision.restored).toEqual(["metadata.region"]);
		expect(decision.patch).toEqual({ metadata: { tier: "silver" } });
	});

	it("sends nothing when everything is back already (an undo killed after its PATCH)", () => {
		const server = { name: "Acme", metadata: { tier: "silver" } };
		expect(restoreFields("contacts", before, after, server)).toEqual({
			patch: undefined,
			restored: [],
			kept: [],
		});
	});
});

describe("planUndo", () => {
	const states: Record<PassName, [string, RecordState][]> = {
		customers: [
			["c1", { s: "done", attempts: 1, id: "cus_1", outcome: "created", c: 1 }],
			[
				"c2",
				{
					s: "done",
					attempts: 1,
					id: "cus_2",
					outcome: "existed",
					ch: [{ run: 2, before: { name: "B" }, after: { name: "B2" } }],
				},
			],
			["c3", { s: "done", attempts: 1, id: "cus_3", outcome: "created", c: 2 }],
			["c4", { s: "removed", why: "undone", id: "cus_4", g: 1 }],
		],
		contacts: [["c1/a", { s: "done", attempts: 1, id: "con_1", outcome: "created", c: 1 }]],
		onboardings: [],
	};
	const entries = (pass: PassName) => states[pass];

	it("takes back the most recent run by default: its creates deleted, its updates restored, adopted never deleted", () => {
		const plan = planUndo(entries, { kind: "last" });
		expect(plan.runs).toEqual([2]);
		expect(plan.operations.customers.map((op) => `${op.kind} ${op.key}`)).toEqual([
			"restore c2",
			"delete c3",
		]);
		expect(plan.operations.contacts).toEqual([]);
	});

	it("--all takes back every run", () => {
		const plan = planUndo(entries, { kind: "all" });
		expect(plan.runs).toEqual([1, 2]);
		expect(plan.counts).toEqual({
			customers: { delete: 2, restore: 1 },
			contacts: { delete: 1, restore: 0 },
			onboardings: { delete: 0, restore: 0 },
		});
	});

	it("re-creates what a sync's --delete-missing deleted, unless its creation is taken back too", () => {
		const deleted = (run: number, c: number): RecordState => ({
			s: "removed",
			why: "deleted",
			id: "cus_5",
			g: 1,
			run,
			was: { id: "cus_5", outcome: "created", c, v: { name: "E" } },
		});
		const withDeletes = (pass: PassName) =>
			pass === "customers"
				? [...states.customers, ["c5", deleted(3, 1)] as [string, RecordState]]
				: states[pass];
		const last = planUndo(withDeletes, { kind: "last" });
		expect(last.runs).toEqual([3]);
		expect(last.operations.customers).toEqual([
			{
				kind: "recreate",
				pass: "customers",
				key: "c5",
				copy: { id: "cus_5", outcome: "created", c: 1, v: { name: "E" } },
				generation: 1,
			},
		]);
		expect(last.counts.customers).toEqual({ delete: 0, restore: 0, recreate: 1 });
		// It is looked for first, in a walk of the workspace's customers: a page for the four the
		// state holds and the one re-created.
		expect(last.listPages).toBe(1);
		// --all takes back run 1, which created it: it stays deleted.
		const all = planUndo(withDeletes, { kind: "all" });
		expect(all.operations.customers.map((op) => `${op.kind} ${op.key}`)).toEqual([
			"delete c1",
			"restore c2",
			"delete c3",
		]);
	});

	it("keeps a customer it created with a record it adopted under it: deleting it would hide that record (finding AG2)", () => {
		const adopted: RecordState = { s: "done", attempts: 1, id: "con_9", outcome: "existed", r: 2 };
		const withAdopted = (pass: PassName) =>
			pass === "contacts" ? [...states.contacts, ["c3/x", adopted] as [string, RecordState]] : states[pass];
		for (const scope of [{ kind: "last" }, { kind: "all" }] as const) {
			const plan = planUndo(withAdopted, scope);
			expect(plan.operations.customers.map((op) => `${op.kind} ${op.key}`)).not.toContain("delete c3");
			expect(plan.kept).toEqual({ pass: "customers", keys: ["c3"], count: 1 });
			expect(plan.operations.contacts.map((op) => op.key)).not.toContain("c3/x");
		}
		// Its own contacts go with it as before: c1 holds only the one it created.
		expect(
			planUndo(withAdopted, { kind: "all" }).operations.customers.map((op) => `${op.kind} ${op.key}`),
		).toEqual(["delete c1", "restore c2"]);
		expect(planUndo(entries, { kind: "all" }).kept).toBeUndefined();
	});
});
