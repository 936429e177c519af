/**
 * An update left in doubt by a stopped run (its PATCH landed, its answer never written), then
 * fields edited in Pivotal by someone, then the export put back as it was last synced: the
 * read-back sets right what the lost PATCH sent and keeps, and reports, every other edit. Before,
 * it corrected every field the file owns back to the file, people's edits with it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { openCheckpoint, readCheckpoint } from "../../src/core/checkpoint/index.js";
import type { PivotalCopy } from "../../src/model/records.js";
import { importToEnd, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

const CUSTOMERS = `external_id,name,slug,status,plan,mrr,metadata.segment
crm-1,Aurora Labs,aurora-labs,active,growth,120000,smb
crm-3,Cobalt Health,cobalt-health,active,enterprise,990000,enterprise
`;

describe("an update in doubt, read back after fields were edited in Pivotal", () => {
	it("sets right only what the lost update sent; every other edit is kept and reported, and stays", async () => {
		const { sim, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const files = { customers: join(dir, "customers.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		await importToEnd(sim, files);
		const path = `${files.customers}.checkpoint.json`;
		const done = (await readCheckpoint(path))?.records.customers.get("crm-3");
		if (done?.s !== "done") throw new Error("crm-3 is done after the import");
		const { s: _s, attempts: _a, ...copy } = done;
		// The lost update: mrr sent, landed in Pivotal, its answer never written.
		const pending: PivotalCopy = {
			...copy,
			ch: [...(copy.ch ?? []), { run: 2, before: { mrr: 990000 }, after: { mrr: 777000 } }],
		};
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await client.updateRecord("customers", copy.id, JSON.stringify({ mrr: 777000 }));
		// Someone's edits in Pivotal since, to fields the lost update never sent.
		await client.updateRecord("customers", copy.id, JSON.stringify({ plan: "starter", status: "at_risk" }));
		await client.close();
		const { store } = await openCheckpoint({ path, create: () => done as never });
		store.set("customers", "crm-3", { s: "sent", attempts: 1, was: pending });
		await store.close();

		const again = await importToEnd(sim, files);
		const cobalt = () => sim.state().customers.find((c) => c.id === copy.id) as Record<string, unknown>;
		expect(cobalt()).toMatchObject({ mrr: 990000, plan: "starter", status: "at_risk" });
		expect(again.failures.find((f) => f.key === "crm-3")).toMatchObject({ code: "edited_in_pivotal" });
		expect(again.summary.passes.customers.updated).toBe(1);

		// The next sync sends nothing: the edits stay.
		const writes = () =>
			Object.entries(sim.counters().byRoute)
				.filter(([route]) => route.startsWith("PATCH"))
				.reduce((n, [, count]) => n + count, 0);
		const before = writes();
		await importToEnd(sim, files);
		expect(writes()).toBe(before);
		expect(cobalt()).toMatchObject({ mrr: 990000, plan: "starter", status: "at_risk" });
	});
});
