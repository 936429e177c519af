import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { changeDataset } from "../support/change-dataset.js";
import { runCli, startCli } from "../support/cli.js";
import { mulberry32 } from "../support/generate.js";
import { simTotals, TEST_KEY } from "../support/import-harness.js";
import { delay, mismatches, printMatrix, recordCase } from "./support.js";
import { PASSES, preparedPerTest, until } from "./sync-support.js";

const prepare = preparedPerTest();
afterAll(printMatrix);

function importArgs(files: SourceFiles) {
	return [
		"import",
		files.customers,
		"--contacts",
		files.contacts ?? "",
		"--onboardings",
		files.onboardings ?? "",
		"--concurrency",
		"4",
		"--yes",
	];
}

/** Responses to writes (POST and PATCH, whatever their status) the simulator has sent. */
function writes(sim: Simulator): number {
	return Object.entries(sim.counters().byRoute)
		.filter(([route]) => route.startsWith("POST") || route.startsWith("PATCH"))
		.reduce((n, [, v]) => n + v, 0);
}

describe("the built binary killed during a sync", () => {
	it("SIGKILL at random moments of a sync of many changed rows: every checkpoint loads, the re-runs finish it exactly once", async () => {
		const { sim, files, dataset } = await prepare(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 15 } },
			150,
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const imported = await runCli(importArgs(files), { env });
		expect(imported.code).toBe(0);
		// Keys only Pivotal holds: a metadata PATCH cut short by a kill must still not drop them.
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const owners = new Map<string, string>();
		for (const [i, c] of sim.state().customers.entries()) {
			if (i % 4 !== 0) continue;
			await client.updateRecord(
				"customers",
				String(c.id),
				JSON.stringify({ metadata: { ...(c.metadata as object), owner: `csm-${i}` } }),
			);
			owners.set(String(c.id), `csm-${i}`);
		}
		await client.close();
		const changes = await changeDataset(dataset, { share: 0.6, added: 6, seed: 23 });
		const changed = Object.values(changes.changed).reduce((n, keys) => n + keys.size, 0);
		expect(changed).toBeGreaterThan(220);
		const createdBefore = { ...sim.counters().created };

		const checkpoint = `${files.customers}.checkpoint.json`;
		const random = mulberry32(9);
		let runs = 0;
		let kills = 0;
		let finished = false;
		let armed = 0;
		let midSync = 0;
		let finishedRuns = 1;
		while (!finished && runs < 40) {
			runs += 1;
			// Now and then a PATCH is made but answered 500, so some kills land in a backoff; one
			// armed at a time, so that no record meets them all.
			if ((sim.counters().faultsInjected.scripted ?? 0) === armed) {
				sim.pushFault({ method: "PATCH", when: "after", times: 1 });
				armed += 1;
			}
			const atStart = writes(sim);
			const { child, result } = startCli([...importArgs(files), "--json"], { env });
			let exited = false;
			void result.then(() => {
				exited = true;
			});
			// A quarter of the kills at a random instant from the start (reading the files,
			// opening the checkpoint), the others once a random number of writes were answered.
			if (random() < 0.25) {
				await delay(Math.floor(random() * 700));
			} else {
				const target = 1 + Math.floor(random() * 50);
				await until(() => exited || writes(sim) - atStart >= target);
				await delay(Math.floor(random() * 15));
			}
			if (!exited) child.kill("SIGKILL");
			const outcome = await result;
			if (outcome.signal === "SIGKILL") {
				kills += 1;
				if (writes(sim) > atStart) midSync += 1;
				// Loads without throwing whatever instant the kill hit, and is this import's.
				const data = await readCheckpoint(checkpoint);
				expect(data, `after kill ${kills}`).toBeDefined();
				expect(data?.header.keyFingerprint).toMatch(/^sha256:/);
				finishedRuns = data?.counters.runsFinished ?? 0;
			} else {
				expect(outcome.stderr).toBe("");
				expect(outcome.code).toBe(0);
				finished = true;
				const summary = JSON.parse(outcome.stdout.trim().split("\n").at(-1) ?? "{}");
				// The killed sessions and this one are one run, the sync (run 2), and its summary
				// counts what they all did; unless a killed session had finished it already.
				const isSyncRun = finishedRuns < 2;
				expect(summary.run).toBe(isSyncRun ? 2 : 3);
				for (const pass of PASSES) {
					const changed = changes.changed[pass].size;
					const added = changes.added[pass].size;
					const counts = summary.passes[pass];
					expect(counts.failed, pass).toBe(0);
					expect(counts.updated, pass).toBe(isSyncRun ? changed : 0);
					// A new onboarding whose answer a kill took is looked up, found and adopted ("existed").
					expect(counts.created + counts.existed, pass).toBe(isSyncRun ? added : 0);
					expect(counts.unchanged, pass).toBe(isSyncRun ? 150 - changed : 156);
				}
			}
		}
		expect(finished).toBe(true);
		expect(midSync).toBeGreaterThanOrEqual(5);

		expect(await mismatches(sim, files)).toEqual([]);
		const result = await recordCase(`CLI: SIGKILL x${kills} during a sync`, runs, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
		expect(simTotals(sim)).toEqual({ customers: 156, contacts: 156, onboardings: 156, duplicates: 0 });
		// The six new customers and their children were created once each, whatever the kills.
		const created = sim.counters().created;
		expect(created.customers - createdBefore.customers).toBe(6);
		expect(created.contacts - createdBefore.contacts).toBe(6);
		expect(created.onboardings - createdBefore.onboardings).toBe(6);
		const after = new Map(sim.state().customers.map((c) => [String(c.id), c]));
		for (const [id, owner] of owners) expect(after.get(id)?.metadata, id).toMatchObject({ owner });

		// The checkpoint knows it all: one more run writes nothing.
		const writesBefore = writes(sim);
		const again = await runCli(importArgs(files), { env });
		expect(again.code).toBe(0);
		expect(writes(sim)).toBe(writesBefore);
	}, 180_000);
});
