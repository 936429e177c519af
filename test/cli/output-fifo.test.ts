import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { headlessImportArgs, runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

// A report path that is a FIFO nobody reads (adversarial finding O13): the open used to wait for a
// reader forever, the process past its run and deaf to SIGTERM. Each report now says it was not
// written, and the run ends with its own outcome.
describe("reports written to a FIFO with no reader", () => {
	it("are each said not written, and the run ends with its own exit code", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 2, contactsPerCustomer: 0 },
		);
		writeFileSync(files.customers, "external_id,name,domain\nq-1,Q One,\nq-2,Q Two,bad domain!\n");
		const fifos = ["failures", "results", "summary", "step"].map((name) => join(dir, `${name}.fifo`));
		for (const fifo of fifos) execFileSync("mkfifo", [fifo]);
		const [failures, results, summary, step] = fifos as [string, string, string, string];
		const run = await runCli(
			headlessImportArgs(
				files,
				"--skip-invalid",
				"--failures-csv",
				failures,
				"--results-csv",
				results,
				"--summary-md",
				summary,
			),
			{
				env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, GITHUB_STEP_SUMMARY: step },
				killAfterMs: 30_000,
			},
		);
		// 1: a row was left out; the one valid row is in Pivotal.
		expect(run.code).toBe(1);
		expect(sim.state().customers.map((c) => c.name)).toEqual(["Q One"]);
		expect(run.stderr).toContain(
			`Could not write --failures-csv ${failures} (ENXIO); the run's outcome is unchanged.`,
		);
		expect(run.stderr).toContain(`Could not write --results-csv ${results} (ENXIO)`);
		expect(run.stderr).toContain(`Could not write the summary to ${summary} (ENXIO)`);
		expect(run.stderr).toContain(`Could not write the summary to ${step} (ENXIO)`);
	}, 60_000);
});
