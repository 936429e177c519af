import { linkSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

describe("an output that is a hard link to an input or the state (the built binary)", () => {
	it("--summary-md and $GITHUB_STEP_SUMMARY naming a hard link are refused; the file is untouched, nothing sent", async () => {
		const { sim, files, dir } = await prepared({ rateLimit: 100_000 }, { customers: 3 });
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(["import", files.customers, "--headless"], { env })).code).toBe(0);
		const state = `${files.customers}.checkpoint.json`;
		const customersBytes = readFileSync(files.customers, "utf8");
		const stateBytes = readFileSync(state, "utf8");
		const toCustomers = join(dir, "summary.md");
		const toState = join(dir, "step-summary.md");
		linkSync(files.customers, toCustomers);
		linkSync(state, toState);
		const requests = sim.counters().requests;

		const flagged = await runCli(["import", files.customers, "--headless", "--summary-md", toCustomers], {
			env,
		});
		expect(flagged.code).toBe(2);
		expect(flagged.stderr).toContain("is the customers file");
		const stepped = await runCli(["import", files.customers, "--headless"], {
			env: { ...env, GITHUB_STEP_SUMMARY: toState },
		});
		expect(stepped.code).toBe(2);
		expect(stepped.stderr).toContain("is the state");
		expect(readFileSync(files.customers, "utf8")).toBe(customersBytes);
		expect(readFileSync(state, "utf8")).toBe(stateBytes);
		expect(sim.counters().requests).toBe(requests);
	});
});
