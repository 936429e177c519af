/**
 * A sync's progress counts each record once. The pass-started event carried the ledger's live
 * tally, and a progress store folds events only when its snapshot is read: read after the quick
 * records were settled, the pass counted them twice (a headless line read `4/3 (133%) · 4
 * unchanged`, an update among them shown as unchanged).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProgressStore } from "../../src/core/progress-store.js";
import { begin, importToEnd, simulatorsPerTest } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

describe("a sync's progress", () => {
	it("counts each record once, whenever the snapshot is read: the store's counts are the summary's", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv") };
		writeFileSync(files.customers, "external_id,name\na1,One\na2,Two\na3,Three\na4,Four\n");
		await importToEnd(sim, files);
		writeFileSync(files.customers, "external_id,name\na1,One Renamed\na2,Two\na3,Three\na4,Four\na5,Five\n");

		const { run, client } = begin(sim, files);
		const store = new ProgressStore({ intervalMs: 60_000 });
		run.subscribe(store.dispatch);
		const summary = await run.done;
		await run.close();
		await client.close();
		// Read once, at the end: every event folded together.
		const counted = store.getSnapshot().passes.customers;
		expect(summary.passes.customers).toMatchObject({ created: 1, updated: 1, unchanged: 3 });
		expect(counted).toMatchObject({ total: 5, created: 1, updated: 1, unchanged: 3, existed: 0 });
	});
});
