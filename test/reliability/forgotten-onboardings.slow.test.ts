/**
 * A state that forgot onboardings it sent (adversarial finding I-F10): a journal cut back at a
 * line boundary, or yesterday's copy put back, passes every check a state can make of itself.
 * Customers and contacts are saved by their uniqueness rules; onboardings have none, and their
 * creates were sent straight to the customers the import made. Now an onboarding with no state
 * under a customer this process did not create is looked for under it first: no onboarding twice,
 * for one list request per such customer, or, past a few, a walk of the workspace's onboardings.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LISTS_BEFORE_WALK } from "../../src/core/execute/workspace-walk.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

const PASSES = ["customers", "contacts", "onboardings"] as const;
const LISTS = "GET /customers/:id/onboardings 200";
/** A page of the workspace's onboardings, which a look-up of many customers walks instead. */
const PAGES = "GET /onboardings 200";

async function fixtures(idempotencyTtlMs: number) {
	const dir = tempDir("pivotal-forgotten-");
	const files = { customers: "", contacts: "", onboardings: "" };
	for (const pass of PASSES) {
		files[pass] = join(dir, `${pass}.csv`);
		copyFileSync(new URL(`../../fixtures/${pass}.csv`, import.meta.url), files[pass]);
	}
	const sim = await startSimulator({
		seed: 7,
		rateLimit: 100_000,
		idempotencyTtlMs,
		faults: { latencyMinMs: 5, latencyMaxMs: 15 },
	});
	sims.push(sim);
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const args = [
		"import",
		files.customers,
		"--contacts",
		files.contacts,
		"--onboardings",
		files.onboardings,
		"--concurrency",
		"2",
		"--headless",
	];
	return { files, sim, env, args, state: `${files.customers}.checkpoint.json` };
}

const count = (sim: Simulator, route: string): number => sim.counters().byRoute[route] ?? 0;
const live = (sim: Simulator) => sim.state().onboardings.filter((o) => !o.deleted).length;
const rows = (file: string): number => readFileSync(file, "utf8").trim().split("\n").length - 1;

describe("a state that forgot onboardings it sent", { timeout: 120_000 }, () => {
	it("killed mid-onboardings, cut back at a line boundary, the keys forgotten: no onboarding twice", async () => {
		const { files, sim, env, args, state } = await fixtures(1_000);
		const { child, result } = startCli(args, { env });
		await until(() => count(sim, "POST /onboardings 201") >= 60);
		child.kill("SIGKILL");
		await result;
		const made = count(sim, "POST /onboardings 201");
		expect(made).toBeLessThan(rows(files.onboardings));
		// The state cut back to the onboardings' tenth line: what it sent since is forgotten.
		const lines = readFileSync(state, "utf8").split("\n");
		const first = lines.findIndex((line) => line.includes('"p":"onboardings"'));
		expect(first).toBeGreaterThan(0);
		writeFileSync(state, `${lines.slice(0, first + 10).join("\n")}\n`);
		// Pivotal forgets the idempotency keys too (a retention of one second).
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		const lists = count(sim, LISTS);
		const pages = count(sim, PAGES);

		const run = await runCli(args, { env });
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(sim.duplicates().total).toBe(0);
		expect(live(sim)).toBe(rows(files.onboardings));
		// One list per customer with onboardings the state does not know, none for the rest.
		const customers = new Set(
			readFileSync(files.onboardings, "utf8")
				.trim()
				.split("\n")
				.slice(1)
				.map((line) => line.split(",")[0]),
		);
		const extra = count(sim, LISTS) - lists;
		const walked = count(sim, PAGES) - pages;
		// A few customers' lists, then the workspace's two pages (117 onboardings) answer the rest.
		expect(extra).toBeGreaterThanOrEqual(LISTS_BEFORE_WALK);
		expect(extra).toBeLessThan(customers.size / 2);
		expect(walked).toBeGreaterThanOrEqual(1);
		expect(walked).toBeLessThanOrEqual(2);
		process.stdout.write(
			`forgotten onboardings: ${made} made before the kill; the resume took ${extra} customers' lists and ${walked} pages of the workspace's (${customers.size} customers have onboardings)\n`,
		);
	});

	it("a resume after a kill, the state whole: no onboarding twice, for a few customers' lists and a page of the workspace's", async () => {
		const { files, sim, env, args } = await fixtures(86_400_000);
		const { child, result } = startCli(args, { env });
		await until(() => count(sim, "POST /onboardings 201") >= 60);
		child.kill("SIGKILL");
		await result;
		const made = count(sim, "POST /onboardings 201");
		const requests = sim.counters().requests;
		const lists = count(sim, LISTS);
		const pages = count(sim, PAGES);

		const run = await runCli(args, { env });
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(sim.duplicates().total).toBe(0);
		expect(live(sim)).toBe(rows(files.onboardings));
		const extra = count(sim, LISTS) - lists + count(sim, PAGES) - pages;
		const left = rows(files.onboardings) - made;
		expect(extra).toBeLessThanOrEqual(left / 2);
		process.stdout.write(
			`resume, state whole: ${left} onboardings left after the kill, ${sim.counters().requests - requests} requests in the resume, ${extra} of them look-ups (customers' lists and workspace pages)\n`,
		);
	});

	it("a refresh with no new onboardings lists none; a new onboarding under an old customer costs one list", async () => {
		const { files, sim, env, args } = await fixtures(86_400_000);
		expect((await runCli(args, { env })).code).toBe(0);
		// A first import creates every customer in the same process as their onboardings: no list.
		expect(count(sim, LISTS)).toBe(0);
		editRows(files.customers, "name", 3, (name) => `${name} Renamed`);
		expect((await runCli(args, { env })).code).toBe(0);
		expect(count(sim, LISTS)).toBe(0);

		const text = readFileSync(files.onboardings, "utf8");
		writeFileSync(
			files.onboardings,
			`${text}crm-1001,Cobalt Media second site,,program_design,active,,false,\n`,
		);
		const posts = count(sim, "POST /onboardings 201");
		const run = await runCli(args, { env });
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(count(sim, LISTS)).toBe(1);
		expect(count(sim, PAGES)).toBe(0);
		expect(count(sim, "POST /onboardings 201") - posts).toBe(1);
		expect(sim.duplicates().total).toBe(0);
	});
});
