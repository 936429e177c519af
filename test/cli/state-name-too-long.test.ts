/**
 * A customers file whose name leaves no room for its state's (`<file>.checkpoint.json` and the
 * files kept beside it) past the file system's limit on a name: refused as input to fix (exit 2,
 * `--checkpoint` named), not as a run to resume (exit 3 on every try, which a scheduler retries
 * forever), and nothing is sent (adversarial finding N12).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ rateLimit: 100_000 });
});
afterAll(() => sim.close());

describe("a state whose name is too long for the file system", () => {
	it("is refused with exit 2 and the way out, before anything is sent", async () => {
		// 236 bytes: the file itself fits in a 255-byte name, its state's name does not.
		const customers = join(tempDir(), `${"ü".repeat(114)}abcd.csv`);
		writeFileSync(customers, "external_id,name\na1,A One\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const run = await runCli(["import", customers, "--headless", "--yes"], { env });
		expect(run.code).toBe(2);
		expect(run.stdout + run.stderr).toContain("too long for the file system");
		expect(run.stdout + run.stderr).toContain("--checkpoint");
		expect(sim.counters().byRoute["POST /customers 201"] ?? 0).toBe(0);
	});
});
