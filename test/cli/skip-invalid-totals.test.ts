/**
 * `--skip-invalid` and the run's totals (adversarial finding N11): a pass of 3 rows with 1
 * left out has 2 records to send. Its start, its progress and its summary count 2 (never
 * "2/3" at the end, nor 1 pending), and the state's resume line says 2.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const prepared = simulatorsPerTest();

describe("--skip-invalid totals", () => {
	it("count the records sent, not the rows left out", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const customers = join(tempDir(), "customers.csv");
		writeFileSync(customers, "external_id,name,mrr\ns1,One,100\ns2,Two,lots\ns3,Three,300\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const run = await runCli(["import", customers, "--yes", "--skip-invalid"], { env });
		expect(run.code).toBe(1);
		expect(run.stdout).toContain(": 2 customers, 0 contacts, 0 onboardings;");
		expect(run.stdout).toContain("Pass customers: 2 records");
		expect(run.stdout).toMatch(/customers\s+2\s+2\s+2\s+0\s+0\s+0\s+0\n/);
		// Once before the run, once after it, each saying its own thing (adversarial finding Q5).
		expect(run.stderr).toContain(
			"1 invalid row is left out (--skip-invalid); its contacts and onboardings are blocked.\n",
		);
		expect(run.stderr).toContain(
			"1 invalid row was left out (--skip-invalid), so not every record was imported (exit 1).\n",
		);
		// The headline does not say every record is in Pivotal (adversarial finding Q4).
		expect(run.stdout).toMatch(
			/: every record sent is in Pivotal; 1 invalid row left out \(--skip-invalid\)\n/,
		);
		expect(run.stdout).not.toContain("every record is in Pivotal");
		const state = await readCheckpoint(`${customers}.checkpoint.json`);
		expect(state?.header.sources.customers?.rows).toBe(2);
	});
});
