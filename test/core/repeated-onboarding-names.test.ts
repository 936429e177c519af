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

		// The first "Rollout" row removed: the third position is gone from the file, its name is not.
		writeFileSync(files.onboardings, ONBOARDINGS.replace("zz-1,Rollout,program_design,active\n", ""));
		await run(sim, files, rules);
		expect(deletes(sim)).toBe(0);
		const live = sim.state().onboardings.filter((o) => o.deleted !== true);
		expect(live.filter((o) => o.name === "Rollout")).toHaveLength(3);
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
});
