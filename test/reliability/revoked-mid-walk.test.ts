/**
 * A key revoked while the first sync walks the customer list (adversarial finding L11): the list's
 * page answered 401, and every record that needed the list failed `lookup_failed` (exit 1, no word
 * about the key). A key refused on a list's page stops the run as on a create: exit 4, one sentence.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { startCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

describe("a key revoked during the first sync's walk of the customer list", { timeout: 60_000 }, () => {
	it("exits 4 naming the refused key, and fails no record", async () => {
		// Answers take 0.7–1.2 s: the list page, sent once GET /me is answered, is read after the revoke.
		const sim = await startSimulator({
			seed: 7,
			rateLimit: 100_000,
			faults: { latencyMinMs: 700, latencyMaxMs: 1200 },
		});
		sims.push(sim);
		const file = join(tempDir("pivotal-revoked-walk-"), "c.csv");
		const rows = Array.from({ length: 50 }, (_, i) => `c${i},Customer ${i}`);
		writeFileSync(file, `external_id,name\n${rows.join("\n")}\n`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const { result } = startCli(["import", file, "--headless", "--yes"], { env });
		await until(() => (sim.counters().byRoute["GET /me 200"] ?? 0) >= 1);
		sim.revokeKey(TEST_KEY);
		const run = await result;
		expect(run.stderr).toMatch(/The API key was refused \(401 api_key_revoked\)/);
		expect(run.code).toBe(4);
		expect(run.stdout).not.toContain("lookup_failed");
		expect(sim.state().customers).toHaveLength(0);
	});
});
