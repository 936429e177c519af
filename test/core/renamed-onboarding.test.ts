import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ImportPlan } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import type { SourceFiles } from "../../src/source/index.js";
import { importToEnd, liveOnboardings as live, simulatorsPerTest } from "../support/import-harness.js";

// An onboarding renamed in the export in spelling only (`Kickoff` → `Kick-off`) is the same
// onboarding: its name is PATCHed, where it was created a second time in its phase (Pivotal's
// automations fired again) and, with --delete-missing, the first deleted (adversarial finding Q18).
const prepared = simulatorsPerTest();

const CUSTOMERS = "external_id,name\nrn-1,Renamed One\nrn-2,Renamed Two\n";
const ONBOARDINGS = `customer_external_id,name,phase,state
rn-1,Kickoff,launch,active
rn-2,Kickoff,launch,active
rn-2,Renewal,program_design,active
`;

const run = async (sim: Simulator, files: SourceFiles, plan: Partial<ImportPlan> = {}) =>
	(await importToEnd(sim, files, plan)).summary;

const count = (sim: Simulator, method: string) =>
	Object.entries(sim.counters().byRoute)
		.filter(
			([route]) => route.startsWith(`${method} /onboardings`) || route.startsWith(`${method} /customers/`),
		)
		.filter(([route]) => route.includes("onboardings"))
		.reduce((n, [, c]) => n + c, 0);

/** A customer file and `onboardings`, imported once on a simulator of their own. */
async function importedWith(onboardings: string) {
	const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
	const files = { customers: join(dir, "customers.csv"), onboardings: join(dir, "onboardings.csv") };
	writeFileSync(files.customers, CUSTOMERS);
	writeFileSync(files.onboardings, onboardings);
	const first = await run(sim, files);
	return { sim, files, first };
}

describe("an onboarding renamed in the export", () => {
	it("in spelling only: its name is PATCHed, nothing created or deleted, and the next sync finds it under the new name", async () => {
		const { sim, files, first } = await importedWith(ONBOARDINGS);
		expect(first.passes.onboardings).toMatchObject({ created: 3 });
		const posts = count(sim, "POST");
		expect(posts).toBe(3);
		const rules = { rules: { deleteMissing: true, maxDeletes: 100 } };

		writeFileSync(
			files.onboardings,
			ONBOARDINGS.replace("rn-1,Kickoff", "rn-1,Kick-off").replace("rn-2,Renewal", "rn-2,renewal"),
		);
		const renamed = await run(sim, files, rules);
		expect(renamed.passes.onboardings).toMatchObject({ created: 0, failed: 0 });
		expect(count(sim, "POST")).toBe(posts);
		expect(count(sim, "DELETE")).toBe(0);
		expect(live(sim)).toEqual(["Kick-off:launch", "Kickoff:launch", "renewal:program_design"]);

		// Again: the entry under the old key is found by the name last written, nothing to send.
		const patches = count(sim, "PATCH");
		expect(patches).toBe(2);
		await run(sim, files, rules);
		expect(count(sim, "PATCH")).toBe(patches);
		expect(count(sim, "POST")).toBe(posts);
		expect(count(sim, "DELETE")).toBe(0);
	});

	it("of a name that repeated: the record closest to the row is taken (finding S4); gone from the file later, it is deleted (finding S11)", async () => {
		const { sim, files } = await importedWith(
			"customer_external_id,name,phase,state\nrn-1,Kickoff,program_design,active\nrn-1,Kickoff,launch,active\nrn-2,Other,review,active\n",
		);
		const posts = count(sim, "POST");
		const rules = { rules: { deleteMissing: true, maxDeletes: 100 } };
		// One row left, re-spelled, with the launched one's values: it takes that one; the other goes.
		writeFileSync(
			files.onboardings,
			"customer_external_id,name,phase,state\nrn-1,Kick-off,launch,active\nrn-2,Other,review,active\n",
		);
		const renamed = await run(sim, files, rules);
		expect(renamed.passes.onboardings).toMatchObject({ created: 0, failed: 0 });
		expect(count(sim, "POST")).toBe(posts);
		expect(count(sim, "DELETE")).toBe(1);
		expect(live(sim)).toEqual(["Kick-off:launch", "Other:review"]);

		// The re-spelled row removed: its record (under its old key, with the new name) is deleted, not failed.
		writeFileSync(files.onboardings, "customer_external_id,name,phase,state\nrn-2,Other,review,active\n");
		const removed = await run(sim, files, rules);
		expect(removed.passes.onboardings).toMatchObject({ failed: 0 });
		expect(count(sim, "DELETE")).toBe(2);
		expect(live(sim)).toEqual(["Other:review"]);
	});

	it("one row of a name that repeated re-spelled, the other kept: each row takes its own record (finding T4)", async () => {
		const { sim, files } = await importedWith(
			"customer_external_id,name,phase,state\nrn-1,Kickoff,launch,active\nrn-1,Kickoff,program_design,active\n",
		);
		const posts = count(sim, "POST");
		writeFileSync(
			files.onboardings,
			"customer_external_id,name,phase,state\nrn-1,Kickoff,program_design,active\nrn-1,Kick-off,launch,active\n",
		);
		const again = await run(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		expect(again.passes.onboardings).toMatchObject({ created: 0, failed: 0 });
		expect(count(sim, "POST")).toBe(posts);
		expect(count(sim, "DELETE")).toBe(0);
		expect(live(sim)).toEqual(["Kick-off:launch", "Kickoff:program_design"]);
	});

	it("two records as close to a re-spelled row: neither is taken, and --delete-missing deletes neither (finding T10)", async () => {
		const { sim, files } = await importedWith(
			"customer_external_id,name,phase,state\nrn-1,Kickoff,launch,active\nrn-1,Kick off,program_design,active\n",
		);
		writeFileSync(files.onboardings, "customer_external_id,name,phase,state\nrn-1,Kick-off,review,active\n");
		await run(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		expect(count(sim, "DELETE")).toBe(0);
		expect(live(sim)).toContain("Kickoff:launch");
		expect(live(sim)).toContain("Kick off:program_design");
	});

	it("to another name: a new onboarding, as ever (and --delete-missing takes the old one)", async () => {
		const { sim, files } = await importedWith(ONBOARDINGS);
		writeFileSync(files.onboardings, ONBOARDINGS.replace("rn-1,Kickoff", "rn-1,Go-live"));
		const moved = await run(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		expect(moved.passes.onboardings).toMatchObject({ created: 1 });
		expect(count(sim, "DELETE")).toBe(1);
		expect(live(sim)).toEqual(["Go-live:launch", "Kickoff:launch", "Renewal:program_design"]);
	});
});
