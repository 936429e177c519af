/**
 * An older copy of the state put back, and a customer the runs after it made renamed in the
 * export since (adversarial finding K-F3): its derived slug moved with the name, Pivotal has
 * forgotten the idempotency key, and nothing guarded it from being made a second time (and its
 * onboarding with it). Now a customer row the state does not know is first looked for among
 * the customers made since the state was last written: adopted, not made twice, for a walk of
 * the newest customers that stops at that time.
 */
import { copyFileSync, writeFileSync } from "node:fs";
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

const LIST = "GET /customers 200";

/** Pivotal's clock against ours: customers made "earlier" by setting it back. */
let clockOffsetMs = 0;

async function fixtures() {
	const dir = tempDir("pivotal-forgotten-customers-");
	const customers = join(dir, "c.csv");
	const onboardings = join(dir, "o.csv");
	clockOffsetMs = 0;
	// Pivotal forgets the idempotency keys after a second, as it does after 24 h.
	const sim = await startSimulator({
		seed: 7,
		rateLimit: 100_000,
		idempotencyTtlMs: 1_000,
		now: () => Date.now() + clockOffsetMs,
	});
	sims.push(sim);
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
	return { customers, onboardings, sim, env, args, state: `${customers}.checkpoint.json` };
}

const count = (sim: Simulator, route: string): number => sim.counters().byRoute[route] ?? 0;
const live = (sim: Simulator) => ({
	customers: sim.state().customers.filter((c) => !c.deleted).length,
	onboardings: sim.state().onboardings.filter((o) => !o.deleted).length,
});

describe("customers a state put back from an older copy does not know", { timeout: 60_000 }, () => {
	it("a customer renamed since is adopted by its external id, not made a second time", async () => {
		const { customers, onboardings, sim, env, args, state } = await fixtures();
		// Other customers, made by hand long before: the walk must not need them.
		writeFileSync(customers, "external_id,name\nd1,Delta One\n");
		writeFileSync(onboardings, "customer_external_id,name,phase,state\nd1,Rollout,program_design,paused\n");
		expect((await runCli(args, { env })).code).toBe(0);
		const older = `${state}.older`;
		copyFileSync(state, older);
		writeFileSync(customers, "external_id,name\nd1,Delta One\nd5,Foxtrot Five\n");
		writeFileSync(
			onboardings,
			"customer_external_id,name,phase,state\nd1,Rollout,program_design,paused\nd5,Kickoff,program_design,paused\n",
		);
		expect((await runCli(args, { env })).code).toBe(0);
		expect(live(sim)).toEqual({ customers: 2, onboardings: 2 });
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		// The older copy put back; the export renamed d5 since (its derived slug moves).
		copyFileSync(older, state);
		writeFileSync(customers, "external_id,name\nd1,Delta One\nd5,Foxtrot Renamed\n");
		const lists = count(sim, LIST);
		const run = await runCli(args, { env });
		expect(run.code, run.stderr).toBe(0);
		expect(live(sim)).toEqual({ customers: 2, onboardings: 2 });
		expect(sim.duplicates().total).toBe(0);
		// One page of the newest customers, not a walk of the workspace.
		expect(count(sim, LIST) - lists).toBe(1);
	});

	it("after a sound state the walk stops at its last write: a page; with no new customer row, none", async () => {
		const { customers, onboardings, sim, env, args } = await fixtures();
		const rows = Array.from({ length: 250 }, (_, i) => `c${i},Customer ${i}`);
		writeFileSync(customers, `external_id,name\n${rows.join("\n")}\n`);
		writeFileSync(onboardings, "customer_external_id,name,phase,state\n");
		// Made two hours ago by Pivotal's clock: long before the state's last write.
		clockOffsetMs = -2 * 3_600_000;
		expect((await runCli(args, { env })).code).toBe(0);
		clockOffsetMs = 0;
		writeFileSync(
			customers,
			`external_id,name\n${rows.join("\n").replace("Customer 7\n", "Customer Seven\n")}\n`,
		);
		let lists = count(sim, LIST);
		expect((await runCli(args, { env })).code).toBe(0);
		expect(count(sim, LIST) - lists).toBe(0);
		writeFileSync(customers, `external_id,name\n${rows.join("\n")}\nc999,Customer New\n`);
		lists = count(sim, LIST);
		expect((await runCli(args, { env })).code).toBe(0);
		// The newest page ends with a customer made before the state's last write: no second page.
		expect(count(sim, LIST) - lists).toBe(1);
		expect(live(sim).customers).toBe(251);
		expect(sim.duplicates().total).toBe(0);
	});
});
