/**
 * A base URL's user and password (an egress gateway's basic auth) are never written down: the
 * plan file is shared for review and the state is copied, so both keep the URL without them, as
 * they keep it without its query (adversarial findings Q2, V10).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simulatorsClosedAfterEach, TEST_KEY, tempDir } from "../support/import-harness.js";

const startSim = simulatorsClosedAfterEach();

describe("a base URL with a user and password", { timeout: 60_000 }, () => {
	it("is kept in the plan file and the state without them", async () => {
		const sim = await startSim({ seed: 61, rateLimit: 100_000 });
		const dir = tempDir("pivotal-base-url-secrets-");
		const csv = join(dir, "c.csv");
		const plan = join(dir, "plan.json");
		const withSecret = sim.baseUrl.replace("http://", "http://gwuser:GatewaySecret99@");
		writeFileSync(csv, "external_id,name\nb1,B One\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY };
		const dry = await runCli(
			["import", csv, "--headless", "--dry-run", "--plan-out", plan, "--base-url", withSecret],
			{
				env,
			},
		);
		expect(dry.code, dry.stderr).toBe(0);
		const run = await runCli(["import", csv, "--headless", "--yes", "--base-url", withSecret], { env });
		expect(run.code, run.stderr).toBe(0);
		for (const written of [readFileSync(plan, "utf8"), readFileSync(`${csv}.checkpoint.json`, "utf8")]) {
			expect(written).not.toContain("GatewaySecret99");
			expect(written).not.toContain("gwuser");
		}
		expect(`${dry.stdout}${dry.stderr}${run.stdout}${run.stderr}`).not.toContain("GatewaySecret99");
	});
});
