/**
 * An onboarding create a killed run left in doubt (it may be in Pivotal), its row then re-spelled
 * (`Kickoff` → `Kick-off`): the plan is refused before anything is sent, where the row was
 * created as a second onboarding in its phase (adversarial finding T8).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { until } from "../reliability/sync-support.js";
import { runCli, startCli } from "../support/cli.js";
import { simulatorsClosedAfterEach, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const startSim = simulatorsClosedAfterEach();

const live = (sim: Simulator) =>
	sim
		.state()
		.onboardings.filter((o) => o.deleted !== true)
		.map((o) => `${o.name}:${o.phase}`)
		.sort();

describe("an onboarding create left in doubt, its row re-spelled", { timeout: 60_000 }, () => {
	it("is refused before anything is sent; the name put back, the create is looked up and the rename then PATCHed", async () => {
		const sim = await startSim({ seed: 21, rateLimit: 100_000 });
		const dir = tempDir("pivotal-respelled-doubt-");
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
		writeFileSync(customers, "external_id,name\nob15,Cust Ob\n");
		writeFileSync(onboardings, "customer_external_id,name,phase\nob15,Welcome,program_design\n");
		expect((await runCli(args, { env })).code).toBe(0);

		writeFileSync(
			onboardings,
			"customer_external_id,name,phase\nob15,Welcome,program_design\nob15,Kickoff,launch\n",
		);
		sim.pushFault({ method: "POST", kind: "hang", hangMs: 1_500 });
		const { child, result } = startCli([...args, "--concurrency", "1"], { env });
		await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		// The server carries the held create out, as Pivotal would after the client went away.
		await until(() => live(sim).length === 2);
		const requests = sim.counters().requests;

		writeFileSync(
			onboardings,
			"customer_external_id,name,phase\nob15,Welcome,program_design\nob15,Kick-off,launch\n",
		);
		for (const extra of [[], ["--dry-run"], ["--delete-missing"]]) {
			const run = await runCli([...args, ...extra], { env });
			expect(run.code, run.stderr).toBe(2);
			expect(run.stderr).toContain(
				`${onboardings}: line 3's new onboarding "Kick-off" of customer "ob15" reads as "Kickoff", whose create an earlier run sent without an answer. That create may be in Pivotal`,
			);
		}
		expect(sim.counters().requests).toBe(requests);
		expect(live(sim)).toEqual(["Kickoff:launch", "Welcome:program_design"]);

		// As the sentence says: the name back for one run, then the rename.
		writeFileSync(
			onboardings,
			"customer_external_id,name,phase\nob15,Welcome,program_design\nob15,Kickoff,launch\n",
		);
		const back = await runCli(args, { env });
		expect(back.code, back.stderr).toBe(0);
		writeFileSync(
			onboardings,
			"customer_external_id,name,phase\nob15,Welcome,program_design\nob15,Kick-off,launch\n",
		);
		const renamed = await runCli(args, { env });
		expect(renamed.code, renamed.stderr).toBe(0);
		expect(live(sim)).toEqual(["Kick-off:launch", "Welcome:program_design"]);
	});

	it("a new row of another name beside the create in doubt is made as ever", async () => {
		const sim = await startSim({ seed: 22, rateLimit: 100_000 });
		const dir = tempDir("pivotal-respelled-doubt-other-");
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
		writeFileSync(customers, "external_id,name\nob16,Cust Ob\n");
		writeFileSync(onboardings, "customer_external_id,name,phase\nob16,Kickoff,launch\n");
		sim.pushFault({ method: "POST", kind: "hang", hangMs: 1_500, times: 1, match: { name: "Kickoff" } });
		const { child, result } = startCli([...args, "--concurrency", "1"], { env });
		await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		await until(() => live(sim).length === 1);

		writeFileSync(
			onboardings,
			"customer_external_id,name,phase\nob16,Kickoff,launch\nob16,Kick-start,launch\n",
		);
		const run = await runCli(args, { env });
		expect(run.code, run.stderr).toBe(0);
		expect(live(sim)).toEqual(["Kick-start:launch", "Kickoff:launch"]);
	});
});

describe("a re-spelled onboarding row that cannot be told apart between records", { timeout: 60_000 }, () => {
	async function imported(onboardingRows: string) {
		const sim = await startSim({ seed: 23, rateLimit: 100_000 });
		const dir = tempDir("pivotal-respelled-tie-");
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
		writeFileSync(customers, "external_id,name\no14,Cust Tie\n");
		writeFileSync(onboardings, `customer_external_id,name,phase,notes\n${onboardingRows}`);
		const first = await runCli(args, { env });
		expect(first.code, first.stderr).toBe(0);
		return { sim, onboardings, env, args };
	}

	it("two records as close to the row: refused, nothing sent, with or without --delete-missing (finding T10)", async () => {
		const { sim, onboardings, env, args } = await imported(
			"o14,Kickoff,launch,A\no14,Kick off,program_design,B\n",
		);
		const requests = sim.counters().requests;
		writeFileSync(onboardings, "customer_external_id,name,phase,notes\no14,Kick-off,program_design,A\n");
		for (const extra of [[], ["--delete-missing", "--max-deletes", "5"]]) {
			const run = await runCli([...args, ...extra], { env });
			expect(run.code, run.stderr).toBe(2);
			expect(run.stderr).toContain(
				`${onboardings}: line 2's onboarding "Kick-off" of customer "o14" reads as "Kickoff" and as "Kick off", which no row holds as named, and which it stands for cannot be told.`,
			);
		}
		expect(sim.counters().requests).toBe(requests);
		expect(live(sim)).toEqual(["Kick off:program_design", "Kickoff:launch"]);
	});

	it("a row of the re-spelled name added above the one that holds the record's values: refused, where the first row took the record (finding T9)", async () => {
		const { sim, onboardings, env, args } = await imported("o14,Kickoff,launch,A\n");
		const requests = sim.counters().requests;
		writeFileSync(
			onboardings,
			"customer_external_id,name,phase,notes\no14,Kick-off,program_design,B\no14,Kick-off,launch,A\n",
		);
		const run = await runCli(args, { env });
		expect(run.code, run.stderr).toBe(2);
		expect(run.stderr).toContain(`line 2's onboarding "Kick-off" of customer "o14" reads as "Kickoff"`);
		expect(sim.counters().requests).toBe(requests);
		expect(live(sim)).toEqual(["Kickoff:launch"]);

		// The rows the other way round: the first holds the record's values and takes it; the
		// second is new.
		writeFileSync(
			onboardings,
			"customer_external_id,name,phase,notes\no14,Kick-off,launch,A\no14,Kick-off,program_design,B\n",
		);
		const other = await runCli(args, { env });
		expect(other.code, other.stderr).toBe(0);
		expect(live(sim)).toEqual(["Kick-off:launch", "Kick-off:program_design"]);
	});
});
