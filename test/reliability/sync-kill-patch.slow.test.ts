/**
 * The built binary killed while its PATCHes are out: the server holds them (a slow answer) and
 * carries them out after the kill. The state must know they may have landed: a re-run with the
 * export put back corrects them, and an undo takes back that half-done sync, not the import.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { startSimulator } from "../../src/sim/index.js";
import { changeDataset } from "../support/change-dataset.js";
import { runCli, startCli } from "../support/cli.js";
import { simTotals, TEST_KEY } from "../support/import-harness.js";
import { mismatches, printMatrix, recordRow } from "./support.js";
import { PASSES, PATCH_ROUTES, preparedPerTest, until } from "./sync-support.js";

const prepare = preparedPerTest();
afterAll(printMatrix);

const HANG_MS = 1_500;

function importArgs(files: SourceFiles): string[] {
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

/**
 * 12 customers with a contact and an onboarding each, imported through the binary; then a newer
 * export changes half the rows and a sync is started with every PATCH held by the server for
 * 1.5 s, and killed once PATCHes are out. Resolves once the server has carried them out.
 */
async function killedMidPatch() {
	const ready = await prepare({ rateLimit: 100_000 }, 12);
	const { sim, files, dataset } = ready;
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	expect((await runCli(importArgs(files), { env })).code).toBe(0);
	const original = PASSES.map((pass) => readFileSync(dataset[pass], "utf8"));
	const changes = await changeDataset(dataset, { share: 0.5, seed: 4 });
	const revert = () => {
		for (const [i, pass] of PASSES.entries()) writeFileSync(dataset[pass], original[i] ?? "");
	};
	sim.pushFault({ method: "PATCH", kind: "hang", hangMs: HANG_MS });
	const patched = () =>
		PASSES.reduce((n, pass) => n + (sim.counters().byRoute[`PATCH ${PATCH_ROUTES[pass]} 200`] ?? 0), 0);
	const { child, result } = startCli([...importArgs(files), "--json"], { env });
	// A PATCH has reached the server, which holds it: the kill lands while it is out.
	await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
	child.kill("SIGKILL");
	expect((await result).signal).toBe("SIGKILL");
	const held = sim.counters().faultsInjected.scripted ?? 0;
	// The server carries out what it held, as Pivotal would after the client went away.
	await until(() => patched() >= held);
	sim.clearScriptedFaults();
	// Pivotal now holds the new export's values for those records, and the state never heard back.
	revert();
	const wrong = await mismatches(sim, files);
	expect(wrong.length).toBeGreaterThanOrEqual(1);
	return { ...ready, env, changes, held, wrong };
}

describe("the binary killed while PATCHes are out", () => {
	it("export reverted afterwards: the re-run reads the records in doubt back and puts the file's values back", async () => {
		const { sim, files, env, held, wrong } = await killedMidPatch();
		const again = await runCli(importArgs(files), { env });
		expect(again.stderr).toBe("");
		expect(again.code).toBe(0);
		expect(await mismatches(sim, files)).toEqual([]);
		expect(sim.duplicates().total).toBe(0);
		expect(simTotals(sim)).toEqual({ customers: 12, contacts: 12, onboardings: 12, duplicates: 0 });
		recordRow({
			case: `CLI: SIGKILL with ${held} PATCHes out, export reverted (${wrong.length} fields to correct)`,
			runs: 3,
			records: 36,
			duplicates: sim.duplicates().total,
			lost: (await mismatches(sim, files)).length,
		});
	}, 120_000);

	it("undo after the kill takes back the half-done sync only: every record stays, every field is back", async () => {
		const { sim, files, env } = await killedMidPatch();
		const undo = await runCli(["undo", files.customers, "--yes"], { env });
		expect(undo.stderr).toBe("");
		expect(undo.code).toBe(0);
		// Nothing the import created was deleted: the undo took back run 2, the killed sync.
		expect(undo.stdout).toContain("run 2");
		expect(simTotals(sim)).toEqual({ customers: 12, contacts: 12, onboardings: 12, duplicates: 0 });
		// The files are back at the import's values, and so is Pivotal.
		expect(await mismatches(sim, files)).toEqual([]);
		recordRow({
			case: "CLI: undo after a SIGKILL mid-PATCH (takes back the sync, not the import)",
			runs: 3,
			records: 36,
			duplicates: sim.duplicates().total,
			lost: (await mismatches(sim, files)).length,
		});
	}, 120_000);

	it("undo (and import) against another server of the same workspace: refused in one sentence, exit 2, nothing sent anywhere", async () => {
		const { sim, files } = await prepare({ rateLimit: 100_000 }, 6);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(importArgs(files), { env })).code).toBe(0);
		const other = await startSimulator({ rateLimit: 100_000 });
		try {
			const requestsBefore = sim.counters().requests;
			const wrong = await runCli(["undo", files.customers, "--yes", "--base-url", other.baseUrl], {
				env: { PIVOTAL_API_KEY: TEST_KEY },
			});
			expect(wrong.code).toBe(2);
			expect(wrong.stderr).toBe(
				`${files.customers}.checkpoint.json belongs to an import into ${sim.baseUrl}, not ${other.baseUrl}; nothing was sent: pass --base-url ${sim.baseUrl}, or another --checkpoint file.\n`,
			);
			// An import against it is refused the same way, before the key is shown to that server.
			const imported = await runCli([...importArgs(files), "--base-url", other.baseUrl], {
				env: { PIVOTAL_API_KEY: TEST_KEY },
			});
			expect(imported.code).toBe(2);
			expect(imported.stderr).toBe(wrong.stderr);
			expect(other.counters().requests).toBe(0);
			expect(sim.counters().requests).toBe(requestsBefore);
			// The right server's undo still takes the import back.
			const right = await runCli(["undo", files.customers, "--yes"], { env });
			expect(right.code).toBe(0);
			expect(simTotals(sim)).toMatchObject({ customers: 0, contacts: 0, onboardings: 0 });
			recordRow({
				case: "CLI: undo against the wrong server (refused), then the right one",
				runs: 2,
				records: 18,
				duplicates: 0,
				lost: 0,
			});
		} finally {
			await other.close();
		}
	}, 120_000);
});
