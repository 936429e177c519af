import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { changeDataset } from "../support/change-dataset.js";
import { TEST_KEY } from "../support/import-harness.js";
import { failingFs, mismatches, printMatrix, recordCase, start } from "./support.js";
import { PASSES, preparedPerTest } from "./sync-support.js";

const prepare = preparedPerTest();
afterAll(printMatrix);

/**
 * 12 customers with a contact and an onboarding each, imported; then a newer export changes
 * half the rows. `revert()` puts the files back as they were at the import.
 */
async function importedThenChanged() {
	const ready = await prepare({ rateLimit: 100_000 }, 12);
	expect((await start(ready.sim, ready.files).finish()).outcome).toBe("completed");
	const { dataset } = ready;
	const original = PASSES.map((pass) => readFileSync(dataset[pass], "utf8"));
	const changes = await changeDataset(dataset, { share: 0.5, seed: 4 });
	const revert = () => {
		for (const [i, pass] of PASSES.entries()) writeFileSync(dataset[pass], original[i] ?? "");
	};
	return { ...ready, changes, revert };
}

describe("a failed sync, then the export goes back to what it was", () => {
	it("PATCHes carried out but answered 500 until given up: the next sync puts the file's values back", async () => {
		const { sim, files, changes, revert } = await importedThenChanged();
		// Every PATCH is carried out, then answered 500, until its attempts run out.
		sim.pushFault({ method: "PATCH", when: "after" });
		// The brake is set past this run: here every PATCH is meant to be tried and given up.
		const failed = await start(sim, files, {
			options: { maxAttempts: 2, brake: { failures: 1000, rateLimited: 1000 } },
		}).finish();
		for (const pass of PASSES) {
			expect(failed.passes[pass], pass).toMatchObject({ updated: 0, failed: changes.changed[pass].size });
			// Every record is in Pivotal and in the state, the failed updates' too (finding Z6).
			expect(failed.passes[pass].checkpointDone, pass).toBe(failed.passes[pass].total);
		}
		sim.clearScriptedFaults();
		// Pivotal holds the new values all the same: the 500s came after the work.
		expect(await mismatches(sim, files)).toEqual([]);

		revert();
		const again = start(sim, files);
		const summary = await again.run.done;
		const failures = again.run.failures();
		await again.close();
		expect(summary.outcome).toBe("completed");
		// Record by record, Pivotal is back at what the files say, and nothing is left failed.
		expect(await mismatches(sim, files)).toEqual([]);
		expect(failures).toEqual([]);
		expect(summary.failuresByCode).toEqual({});
		for (const pass of PASSES) expect(summary.passes[pass], pass).toMatchObject({ failed: 0 });
		const result = await recordCase("sync: PATCHes given up after the work, file reverted", 2, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	}, 60_000);

	it("an update in doubt whose record was deleted in Pivotal since, export reverted: reported deleted_in_pivotal, not created again", async () => {
		const { sim, files, changes, revert } = await importedThenChanged();
		sim.pushFault({ method: "PATCH", route: "/customers/:id", kind: "reset", when: "after" });
		const failed = start(sim, files, { options: { maxAttempts: 2 } });
		const first = await failed.run.done;
		const [key] = [...changes.changed.customers];
		const state = failed.run.state("customers", key ?? "");
		await failed.close();
		expect(first.passes.customers.failed).toBe(changes.changed.customers.size);
		sim.clearScriptedFaults();
		const id = state?.s === "failed" ? state.was?.id : undefined;
		expect(id).toBeDefined();
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await client.deleteRecord("customers", String(id));
		await client.close();

		revert();
		const created = { ...sim.counters().created };
		const again = start(sim, files);
		const summary = await again.run.done;
		const failures = again.run.failures();
		await again.close();
		// Read by id, the deleted one is reported; the others are found with the lost PATCHes'
		// values and patched back to the file's.
		expect(summary.passes.customers).toMatchObject({ gone: 1, updated: changes.changed.customers.size - 1 });
		expect(failures).toEqual([expect.objectContaining({ key, code: "deleted_in_pivotal", status: 404 })]);
		expect(sim.counters().created).toEqual(created);
		expect(sim.duplicates().total).toBe(0);
		// Only the deleted customer is missing, and its contact and onboarding with it.
		const wrong = await mismatches(sim, files);
		expect(wrong).toEqual([
			`customers:${key} (missing)`,
			expect.stringMatching(new RegExp(`^contacts:${key}/.* \\(missing\\)$`)),
			expect.stringMatching(new RegExp(`^onboardings:${key}/name:.* \\(missing\\)$`)),
		]);
	}, 60_000);

	it("PATCHes refused with a 400: once the file is back at Pivotal's values the rows are done, not failed", async () => {
		const { sim, files, changes, revert } = await importedThenChanged();
		sim.pushFault({ method: "PATCH", status: 400, code: "invalid_value" });
		const refused = await start(sim, files, {
			options: { circuitBreaker: { threshold: 1_000, action: "stop" } },
		}).finish();
		const changed = PASSES.reduce((n, pass) => n + changes.changed[pass].size, 0);
		expect(refused.failuresByCode).toEqual({ invalid_value: changed });
		sim.clearScriptedFaults();

		revert();
		const posts = sim.counters().posts;
		const again = start(sim, files);
		const summary = await again.run.done;
		const failures = again.run.failures();
		await again.close();
		expect(summary.outcome).toBe("completed");
		expect(await mismatches(sim, files)).toEqual([]);
		expect(sim.counters().posts).toBe(posts);
		expect(failures).toEqual([]);
		expect(summary.failuresByCode).toEqual({});
		// And they stay done: a later sync reports no failure either.
		const later = await start(sim, files).finish();
		expect(later.failuresByCode).toEqual({});
		for (const pass of PASSES) expect(later.passes[pass], pass).toMatchObject({ unchanged: 12, failed: 0 });
		const result = await recordCase("sync: PATCHes refused (400), file reverted", 3, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	}, 60_000);
	// An update writes its in-doubt line before the PATCH leaves: a session that ends between the
	// answer and the checkpoint write (a kill, a full disk) leaves the record in doubt, and the
	// resume reads it back by id rather than trust the copy from before.
	it("a session that ends between a PATCH's answer and its checkpoint write, then the export goes back", async () => {
		const { sim, files, revert } = await importedThenChanged();
		const fs = failingFs();
		// As a kill would: the PATCH is made and answered, and its record's new state never written.
		const first = start(sim, files, {
			plan: { concurrency: 1 },
			checkpointFs: fs,
			onEvent: (event, _run, events) => {
				if (event.type === "response" && events.some((e) => e.type === "request-started")) fs.errno = "EIO";
			},
		});
		expect((await first.finish()).outcome).toBe("checkpoint-failed");
		expect(sim.counters().byRoute["PATCH /customers/:id 200"]).toBeGreaterThanOrEqual(1);

		revert();
		const resumed = await start(sim, files).finish();
		expect(resumed.outcome).toBe("completed");
		expect(await mismatches(sim, files)).toEqual([]);
	}, 60_000);
});
