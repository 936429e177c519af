import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ImportPlan } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import type { SourceFiles } from "../../src/source/index.js";
import { importToEnd, simulatorsPerTest } from "../support/import-harness.js";

// Onboardings whose name repeats within their customer are told apart by position only. A row
// added, removed or reordered moves their keys; `--delete-missing` must still never delete an
// onboarding whose name is among its customer's rows in the file.
const prepared = simulatorsPerTest();

const CUSTOMERS = `external_id,name,status
zz-1,Aurora Labs,active
zz-2,Bright Foods,active
`;
const ONBOARDINGS = `customer_external_id,name,phase,state
zz-1,Rollout,program_design,active
zz-1,Rollout,review,active
zz-1,Rollout,internal_qa,active
zz-2,Only,program_design,active
`;

const run = async (sim: Simulator, files: SourceFiles, plan: Partial<ImportPlan> = {}) =>
	(await importToEnd(sim, files, plan)).summary;

const deletes = (sim: Simulator) =>
	Object.entries(sim.counters().byRoute)
		.filter(([route]) => route.startsWith("DELETE"))
		.reduce((n, [, count]) => n + count, 0);

describe("--delete-missing with onboarding names that repeat within a customer", () => {
	it("deletes none whose name is still among its customer's rows: a name starting to repeat, a repeated row removed", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv"), onboardings: join(dir, "onboardings.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		writeFileSync(files.onboardings, ONBOARDINGS);
		expect((await run(sim, files)).passes.onboardings).toMatchObject({ created: 4 });
		const rules = { rules: { deleteMissing: true, maxDeletes: 100 } };

		// "Only" starts to repeat: its rows are keyed by position now, the record under its name stays.
		writeFileSync(files.onboardings, `${ONBOARDINGS}zz-2,Only,review,active\n`);
		await run(sim, files, rules);
		expect(deletes(sim)).toBe(0);
		// The row that kept the name's values took over the record made under the name: one more, not two.
		const only = sim.state().onboardings.filter((o) => o.deleted !== true && o.name === "Only");
		expect(only.map((o) => o.phase).sort()).toEqual(["program_design", "review"]);

		// The first "Rollout" row removed: the third position is gone from the file, its name is not.
		// (The second "Only" row is gone too, and "Only" one row's again: that row's record goes.)
		writeFileSync(files.onboardings, ONBOARDINGS.replace("zz-1,Rollout,program_design,active\n", ""));
		await run(sim, files, rules);
		expect(deletes(sim)).toBe(1);
		const live = sim.state().onboardings.filter((o) => o.deleted !== true);
		expect(live.filter((o) => o.name === "Rollout")).toHaveLength(3);
		expect(live.filter((o) => o.name === "Only").map((o) => o.phase)).toEqual(["program_design"]);
	});

	it("still deletes an onboarding whose name left the file", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv"), onboardings: join(dir, "onboardings.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		writeFileSync(files.onboardings, ONBOARDINGS);
		await run(sim, files);
		writeFileSync(files.onboardings, ONBOARDINGS.replace("zz-2,Only,program_design,active\n", ""));
		const summary = await run(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		expect(summary.passes.onboardings).toMatchObject({ deleted: 1 });
		expect(deletes(sim)).toBe(1);
	});

	it.each([
		["the first", "program_design", "review"],
		["the second", "review", "program_design"],
	])("a name that stops repeating keeps %s row's record, and deletes the other's", async (_, kept, gone) => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv"), onboardings: join(dir, "onboardings.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		const twoRows = `customer_external_id,name,phase,state
zz-1,Rollout,program_design,active
zz-1,Rollout,review,active
`;
		writeFileSync(files.onboardings, twoRows);
		await run(sim, files);
		const byPhase = new Map(sim.state().onboardings.map((o) => [o.phase, o.id]));
		const live = () => sim.state().onboardings.filter((o) => o.deleted !== true);

		// Without --delete-missing: the remaining row is its own record again, nothing created.
		writeFileSync(files.onboardings, twoRows.replace(`zz-1,Rollout,${gone},active\n`, ""));
		const sync = await run(sim, files);
		expect(sync.passes.onboardings).toMatchObject({ created: 0, updated: 0 });
		expect(live()).toHaveLength(2);

		// With it: the other row's record, created by this import and now in no row, goes.
		const deleting = await run(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		expect(deleting.passes.onboardings).toMatchObject({ created: 0, updated: 0, deleted: 1 });
		expect(live().map((o) => [o.id, o.phase])).toEqual([[byPhase.get(kept), kept]]);
	});

	it("never takes over a record a later row of the file holds by its own key", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv"), onboardings: join(dir, "onboardings.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		writeFileSync(
			files.onboardings,
			"customer_external_id,name,phase,state\nzz-1,Twin,program_design,active\nzz-1,Twin,review,active\n",
		);
		await run(sim, files);
		// "Twin" is one row's now, with the values of the record at position 2; the row at position 2
		// has no name, so it holds that record by position: the named row takes the record at 1.
		writeFileSync(
			files.onboardings,
			"customer_external_id,name,phase,state\nzz-1,Twin,review,active\nzz-1,,internal_qa,active\n",
		);
		const sync = await run(sim, files);
		expect(sync.passes.onboardings).toMatchObject({ created: 0, updated: 2 });
		const live = sim.state().onboardings.filter((o) => o.deleted !== true);
		expect(live.map((o) => o.phase).sort()).toEqual(["internal_qa", "review"]);
	});

	it("deletes none with no name while a row of its customer has none: such rows too are told apart by position", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv"), onboardings: join(dir, "onboardings.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		const blank = "customer_external_id,name,phase,state\nzz-1,,review,active\nzz-1,,internal_qa,active\n";
		writeFileSync(files.onboardings, blank);
		await run(sim, files);
		writeFileSync(files.onboardings, blank.replace("zz-1,,review,active\n", ""));
		await run(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		expect(deletes(sim)).toBe(0);
		// Gone from the file as a whole, they go.
		writeFileSync(files.onboardings, "customer_external_id,name,phase,state\nzz-2,Only,review,active\n");
		await run(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		expect(deletes(sim)).toBe(2);
	});
});
