/**
 * `--delete-missing` reads each record before its DELETE; a read that fails (an error, or an answer
 * that is not the record) deletes nothing on its word, where the DELETE went out unread
 * (adversarial finding K-F6). The record fails, its copy kept, and a later run deletes it.
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
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

describe("--delete-missing when the read before a DELETE fails", () => {
	it("deletes nothing until the record can be read", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		writeFileSync(customers, "external_id,name,slug\nx1,A One,a-one\n");
		writeFileSync(
			onboardings,
			"customer_external_id,name,phase,state\nx1,Rollout,program_design,active\nx1,Expansion,program_design,active\n",
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
		expect((await runCli(args, { env })).code).toBe(0);
		writeFileSync(onboardings, "customer_external_id,name,phase,state\nx1,Rollout,program_design,active\n");
		const deleting = [...args, "--delete-missing", "--max-deletes", "5"];
		const live = () => sim.state().onboardings.filter((o) => !(o as { deleted?: boolean }).deleted).length;

		sim.pushFault({ method: "GET", route: "/onboardings/:id", status: 400, code: "bad_request" });
		const unread = await runCli(deleting, { env });
		expect(unread.code).toBe(1);
		expect(live()).toBe(2);
		expect(sim.counters().byRoute["DELETE /onboardings/:id 200"] ?? 0).toBe(0);

		sim.clearScriptedFaults();
		const read = await runCli(deleting, { env });
		expect(read.code).toBe(0);
		expect(live()).toBe(1);
	}, 60_000);
});
