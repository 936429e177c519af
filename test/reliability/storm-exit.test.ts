/**
 * A run the storm brake stops ends with its summary: no wait for a slot in a window it spent
 * keeps the process alive afterwards (adversarial finding L3: a run stopped at 0.2 s exited a
 * whole window later, an hour with a server whose window is an hour).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { startCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

describe("a run the storm brake stops", () => {
	it("exits with its summary, not a window later", { timeout: 60_000 }, async () => {
		// Every create answered 500, a window of 60 per 10 minutes: the burst spends it.
		const sim = await startSimulator({
			seed: 7,
			rateLimit: 60,
			windowMs: 600_000,
			faults: { serverError: 1 },
		});
		sims.push(sim);
		const file = join(tempDir("pivotal-storm-exit-"), "c.csv");
		const rows = Array.from({ length: 200 }, (_, i) => `c${i},Customer ${i}`);
		writeFileSync(file, `external_id,name\n${rows.join("\n")}\n`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const { child, result } = startCli(["import", file, "--headless", "--yes"], { env });
		// A process kept alive by a wait for that window would still run after 45 s (a bound far
		// beyond any loaded machine's seconds, far below the window): killed then, and failed.
		const bound = setTimeout(() => child.kill("SIGKILL"), 45_000);
		const run = await result;
		clearTimeout(bound);
		expect(run.stderr).toContain("The server is failing");
		expect(run.code).toBe(3);
	});
});
