/**
 * A last row whose external id has a space is a record, not a report footer (adversarial
 * finding M2): taken for a footer it was left out of the run, and `--delete-missing` deleted the
 * customer an earlier run had made for it.
 */
import { writeFileSync } from "node:fs";
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

describe("a last row whose id has a space", { timeout: 60_000 }, () => {
	it("is imported, synced, and never deleted as missing", async () => {
		const sim = await startSimulator({ seed: 7, rateLimit: 100_000 });
		sims.push(sim);
		const file = join(tempDir("pivotal-space-id-"), "c.csv");
		const rows = Array.from({ length: 10 }, (_, i) => `ft${i + 1},Foot ${i + 1}`);
		writeFileSync(file, `external_id,name\nft 0,Space Zero\n${rows.join("\n")}\n`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
		// The same rows, the spaced one moved last.
		writeFileSync(file, `external_id,name\n${rows.join("\n")}\nft 0,Space Zero\n`);
		const run = await runCli(["import", file, "--headless", "--yes", "--delete-missing"], { env });
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).not.toContain("footer");
		const live = sim.state().customers.filter((c) => !c.deleted);
		expect(live).toHaveLength(11);
		expect(live.some((c) => c.name === "Space Zero")).toBe(true);
		expect(sim.counters().byRoute["DELETE /customers/:id 200"] ?? 0).toBe(0);
	});
});
