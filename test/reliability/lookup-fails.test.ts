/**
 * The look-up before a create cannot be made (its customer's list answers 400): the record is not
 * created on that word, where the run warned and created it, a second copy of one already there
 * (adversarial finding K-F5). It fails, retryable, and the next run looks it up again.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

describe("a look-up that cannot be made", () => {
	it("creates nothing on its word: the record fails, retryable, and the next run takes the one there", async () => {
		// The server forgets idempotency keys at once: only the look-up stands between a resume and a second copy.
		const sim = await startSimulator({ rateLimit: 100_000, idempotencyTtlMs: 1 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		writeFileSync(customers, "external_id,name,slug\nx1,A One,a-one\n");
		writeFileSync(onboardings, "customer_external_id,name,phase,state\nx1,Rollout,program_design,active\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
		sim.pushFault({ method: "POST", route: "/onboardings", kind: "hang", hangMs: 1_500 });
		const { child, result } = startCli(args, { env });
		await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		await until(() => (sim.counters().byRoute["POST /onboardings 201"] ?? 0) >= 1);
		sim.clearScriptedFaults();
		await new Promise((resolve) => setTimeout(resolve, 50));
		const live = () => sim.state().onboardings.filter((o) => !(o as { deleted?: boolean }).deleted).length;

		sim.pushFault({ method: "GET", route: "/customers/:id/onboardings", status: 400, code: "bad_request" });
		const refused = await runCli(args, { env });
		expect(refused.code).toBe(1);
		expect(refused.stdout).toContain("lookup_failed");
		expect(live()).toBe(1);

		sim.clearScriptedFaults();
		const healed = await runCli(args, { env });
		expect(healed.code).toBe(0);
		expect(live()).toBe(1);
		expect(sim.duplicates().total).toBe(0);
	}, 60_000);
});
