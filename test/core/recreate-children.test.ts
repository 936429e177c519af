import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import type { ImportPlan } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import type { SourceFiles } from "../../src/source/index.js";
import { importToEnd, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

// A customer deleted in Pivotal takes its contacts and onboardings with it. `--recreate` makes
// the customer anew; its children, which the state still holds as done under the old record,
// must be made anew under the new one, not taken as unchanged.
const prepared = simulatorsPerTest();

const CUSTOMERS = `external_id,name,status
crm-1,Aurora Labs,active
crm-2,Bright Foods,active
`;
const CONTACTS = `customer_external_id,name,email,is_primary
crm-1,Ada Ode,ada@aurora.test,true
crm-2,Ben Bay,ben@bright.test,true
`;
const ONBOARDINGS = `customer_external_id,name,phase,state
crm-1,Aurora rollout,program_design,active
crm-2,Bright rollout,program_design,active
`;

const run = async (sim: Simulator, files: SourceFiles, plan: Partial<ImportPlan> = {}) =>
	(await importToEnd(sim, files, plan)).summary;

function live(sim: Simulator) {
	const state = sim.state();
	const alive = <T extends { deleted?: unknown }>(rows: T[]) => rows.filter((r) => r.deleted !== true);
	return {
		customers: alive(state.customers) as unknown as {
			id: string;
			name: string;
			metadata: { external_id: string };
		}[],
		contacts: alive(state.contacts) as unknown as { customer_id: string; email: string }[],
		onboardings: alive(state.onboardings) as unknown as { customer_id: string; name: string }[],
	};
}

describe("--recreate after a customer was deleted in Pivotal", () => {
	it("makes the customer anew and its contacts and onboardings under it, once; the next sync sends nothing", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = {
			customers: join(dir, "customers.csv"),
			contacts: join(dir, "contacts.csv"),
			onboardings: join(dir, "onboardings.csv"),
		};
		writeFileSync(files.customers, CUSTOMERS);
		writeFileSync(files.contacts, CONTACTS);
		writeFileSync(files.onboardings, ONBOARDINGS);
		expect((await run(sim, files)).outcome).toBe("completed");

		const gone = live(sim).customers.find((c) => c.metadata.external_id === "crm-1");
		const api = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await api.deleteRecord("customers", gone?.id ?? "");
		await api.close();

		// The next sync finds it gone (its rename answered 404) and blocks its children.
		writeFileSync(files.customers, CUSTOMERS.replace("Aurora Labs", "Aurora Laboratories"));
		const { summary: noticed, failures } = await importToEnd(sim, files);
		const why = failures.map((f) => [f.key, f.code, f.message]);
		expect(noticed.passes.customers).toMatchObject({ failed: 1 });
		expect(why).toEqual([
			[
				"crm-1",
				"deleted_in_pivotal",
				`deleted in Pivotal since the last sync (${gone?.id}); not re-created in this run: the next run with --recreate creates it again.`,
			],
		]);
		expect(noticed.passes.onboardings).toMatchObject({ blocked: 1, unchanged: 1 });

		const recreated = await run(sim, files, { recreate: true });
		expect(recreated.passes.customers).toMatchObject({ created: 1 });
		expect(recreated.passes.contacts).toMatchObject({ created: 1, unchanged: 1 });
		expect(recreated.passes.onboardings).toMatchObject({ created: 1, unchanged: 1 });
		const now = live(sim);
		const aurora = now.customers.find((c) => c.metadata.external_id === "crm-1");
		expect(aurora?.id).not.toBe(gone?.id);
		expect(now.contacts.filter((c) => c.customer_id === aurora?.id).map((c) => c.email)).toEqual([
			"ada@aurora.test",
		]);
		expect(now.onboardings.filter((o) => o.customer_id === aurora?.id).map((o) => o.name)).toEqual([
			"Aurora rollout",
		]);
		// The customer was made twice, as asked (the first is deleted); nothing else was.
		const twice = sim.duplicates();
		expect(twice.customers.map((c) => [c.external_id, c.count])).toEqual([["crm-1", 2]]);
		expect(twice.contacts).toEqual([]);
		expect(twice.onboardings).toEqual([]);

		const quiet = await run(sim, files);
		expect(quiet.passes.customers).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
		expect(quiet.passes.contacts).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
		expect(quiet.passes.onboardings).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
	});
});
