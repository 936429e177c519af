/**
 * A summary named over another of the run's files is refused, and the refusal leaves that file as
 * it was: the reviewed plan, earlier steps' job summary, a results file (adversarial finding V4).
 * `apply` checks `$GITHUB_STEP_SUMMARY` before sending, as `import` does (V5).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simulatorsClosedAfterEach, TEST_KEY, tempDir } from "../support/import-harness.js";

const startSim = simulatorsClosedAfterEach();

describe("a summary over another of the run's files", { timeout: 60_000 }, () => {
	it("is refused, and the file it names is left as it was", async () => {
		const sim = await startSim({ seed: 51, rateLimit: 100_000 });
		const dir = tempDir("pivotal-summary-clash-");
		const csv = join(dir, "c.csv");
		const plan = join(dir, "rev.json");
		const earlier = join(dir, "gs.md");
		const results = join(dir, "r.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		writeFileSync(csv, "external_id,name\ns1,S One\n");
		writeFileSync(plan, "REVIEWED PLAN");
		writeFileSync(earlier, "## earlier step\nkeep me\n");
		writeFileSync(results, "earlier results");
		const cases = [
			{
				args: ["--dry-run", "--plan-out", plan, "--summary-md", plan],
				env: {},
				file: plan,
				before: "REVIEWED PLAN",
			},
			{
				args: ["--summary-md", earlier],
				env: { GITHUB_STEP_SUMMARY: earlier },
				file: earlier,
				before: "## earlier step\nkeep me\n",
			},
			{
				args: ["--summary-md", results, "--results-csv", results],
				env: {},
				file: results,
				before: "earlier results",
			},
		];
		for (const c of cases) {
			const run = await runCli(["import", csv, "--headless", "--yes", ...c.args], {
				env: { ...env, ...c.env },
			});
			expect(run.code, run.stderr).toBe(2);
			expect(run.stderr).toContain("give");
			expect(readFileSync(c.file, "utf8")).toBe(c.before);
		}
		expect(sim.state().customers).toHaveLength(0);
	});

	it("apply with $GITHUB_STEP_SUMMARY naming the plan: refused before anything is sent (finding V5)", async () => {
		const sim = await startSim({ seed: 52, rateLimit: 100_000 });
		const dir = tempDir("pivotal-summary-clash-apply-");
		const csv = join(dir, "c.csv");
		const plan = join(dir, "plan.json");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		writeFileSync(csv, "external_id,name\ns1,S One\n");
		expect((await runCli(["import", csv, "--headless", "--dry-run", "--plan-out", plan], { env })).code).toBe(
			0,
		);
		const planned = readFileSync(plan, "utf8");
		const requests = sim.counters().requests;
		const run = await runCli(["apply", plan, "--headless", "--yes"], {
			env: { ...env, GITHUB_STEP_SUMMARY: plan },
		});
		expect(run.code).toBe(2);
		expect(run.stderr).toContain(`$GITHUB_STEP_SUMMARY ${plan} is the plan ${plan}`);
		expect(sim.counters().requests).toBe(requests);
		expect(sim.state().customers).toHaveLength(0);
		expect(readFileSync(plan, "utf8")).toBe(planned);
	});
});
