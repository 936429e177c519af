import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { headlessImportArgs, runCli, startCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

/** Requests the simulator answered, by method. */
function byMethod(sim: Simulator): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [route, count] of Object.entries(sim.counters().byRoute)) {
		const method = route.split(" ")[0] ?? "";
		out[method] = (out[method] ?? 0) + count;
	}
	return out;
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [method, n] of Object.entries(after))
		if (n - (before[method] ?? 0) > 0) out[method] = n - (before[method] ?? 0);
	return out;
}

/** Runs the binary and kills it (SIGKILL) once the simulator has answered `count` requests of `method`. */
async function killedAfter(
	sim: Simulator,
	args: string[],
	env: NodeJS.ProcessEnv,
	method: string,
	count: number,
): Promise<void> {
	const start = byMethod(sim)[method] ?? 0;
	const { child, result } = startCli(args, { env });
	await new Promise<void>((resolve) => {
		const poll = setInterval(() => {
			if ((byMethod(sim)[method] ?? 0) - start >= count || child.exitCode !== null) {
				clearInterval(poll);
				child.kill("SIGKILL");
				resolve();
			}
		}, 5);
	});
	expect((await result).signal).toBe("SIGKILL");
	// A request in flight when the process died still reaches the simulator: let it land.
	let last = JSON.stringify(byMethod(sim));
	for (let i = 0; i < 50; i++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		const now = JSON.stringify(byMethod(sim));
		if (now === last) break;
		last = now;
	}
}

const STALE =
	/^stale plan: the state \S+ changed since the plan was made: another run of the import \(not this plan's apply\) was interrupted there; plan again\. Nothing was sent\.$/;

describe("apply resumes only its own plan's interrupted run", () => {
	const setUp = async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 10 } },
			{ customers: 40, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const customers: SourceFiles = { customers: files.customers };
		expect((await runCli(headlessImportArgs(customers), { env })).code).toBe(0);
		return { sim, customers, dir, env, checkpoint: `${files.customers}.checkpoint.json` };
	};

	it("A: a --delete-missing import of another file, killed between plan and apply: apply refuses, nothing sent", async () => {
		const { sim, customers, dir, env, checkpoint } = await setUp();
		editRows(customers.customers, "name", 3, (old) => `${old} Renamed`);
		const plan = join(dir, "plan.json");
		expect((await runCli(headlessImportArgs(customers, "--dry-run", "--plan-out", plan), { env })).code).toBe(
			0,
		);
		// Another export of the same import, with half the customers gone.
		const fewer = join(dir, "fewer.csv");
		const lines = readFileSync(customers.customers, "utf8").trimEnd().split("\n");
		writeFileSync(fewer, `${lines.slice(0, 21).join("\n")}\n`);
		await killedAfter(
			sim,
			headlessImportArgs(
				{ customers: fewer },
				"--checkpoint",
				checkpoint,
				"--delete-missing",
				"--max-deletes",
				"40",
				"--concurrency",
				"1",
			),
			env,
			"DELETE",
			2,
		);
		const before = byMethod(sim);
		const applied = await runCli(["apply", plan, "--headless"], { env });
		expect(applied.stderr.trim()).toMatch(STALE);
		expect(applied.code).toBe(2);
		expect(minus(byMethod(sim), before)).toEqual({});
	}, 120_000);

	it("B: a killed import of another CSV: apply refuses, nothing sent", async () => {
		const { sim, customers, dir, env, checkpoint } = await setUp();
		const other = join(dir, "other.csv");
		copyFileSync(customers.customers, other);
		editRows(other, "name", 30, (old) => `${old} Other`);
		editRows(customers.customers, "name", 3, (old) => `${old} Renamed`);
		const plan = join(dir, "plan.json");
		expect((await runCli(headlessImportArgs(customers, "--dry-run", "--plan-out", plan), { env })).code).toBe(
			0,
		);
		await killedAfter(
			sim,
			headlessImportArgs({ customers: other }, "--checkpoint", checkpoint, "--concurrency", "1"),
			env,
			"PATCH",
			2,
		);
		const before = byMethod(sim);
		const applied = await runCli(["apply", plan, "--headless"], { env });
		expect(applied.stderr.trim()).toMatch(STALE);
		expect(applied.code).toBe(2);
		expect(minus(byMethod(sim), before)).toEqual({});
	}, 120_000);

	it("C: two plans from one state; apply A killed; apply B refused, apply A resumes", async () => {
		const { sim, customers, dir, env } = await setUp();
		editRows(customers.customers, "name", 30, (old) => `${old} Renamed`);
		const planA = join(dir, "a.plan.json");
		const planB = join(dir, "b.plan.json");
		expect(
			(await runCli(headlessImportArgs(customers, "--dry-run", "--plan-out", planA), { env })).code,
		).toBe(0);
		expect(
			(
				await runCli(headlessImportArgs(customers, "--dry-run", "--only", "update", "--plan-out", planB), {
					env,
				})
			).code,
		).toBe(0);
		await killedAfter(sim, ["apply", planA, "--headless", "--concurrency", "1"], env, "PATCH", 2);
		const before = byMethod(sim);
		const appliedB = await runCli(["apply", planB, "--headless"], { env });
		expect(appliedB.stderr.trim()).toMatch(STALE);
		expect(appliedB.code).toBe(2);
		expect(minus(byMethod(sim), before)).toEqual({});
		const resumedA = await runCli(["apply", planA, "--headless"], { env });
		expect(resumedA.code).toBe(0);
		expect(resumedA.stdout).toContain(`Resuming the interrupted apply of ${planA}.`);
	}, 120_000);
});
