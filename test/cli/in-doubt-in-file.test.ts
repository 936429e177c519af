/**
 * A create the server is still working on (it hangs; the retries meet 409 idempotency_key_in_use)
 * stays in doubt in the state. Its row is in the file: the summary must not call it a record
 * "no longer in the file" and ask for its row back (adversarial finding Q14).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

describe("a create still in doubt whose row is in the file", { timeout: 60_000 }, () => {
	it("is reported as failed with the server's answer, never as a row gone from the file", async () => {
		const sim = await startSimulator({ seed: 7, rateLimit: 100_000 });
		sims.push(sim);
		sim.setFaults("hang=1,hang-ms=600000,methods=post");
		const file = join(tempDir("pivotal-in-doubt-"), "c.csv");
		writeFileSync(file, "external_id,name\nhg1,Hang One\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, PIVOTAL_TIMEOUT_SECONDS: "2" };
		const run = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(run.code, run.stderr).toBe(1);
		expect(run.stdout).toContain("failures by code: idempotency_key_in_use ×1");
		expect(run.stdout).not.toContain("no longer in the file");
		expect(run.stdout).not.toContain("put its row back");
		// In doubt in the state: the next run looks it up rather than sending it blind.
		expect(readFileSync(`${file}.checkpoint.json`, "utf8")).toContain('"s":"sent"');
	});
});
