import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { PG_PASSWORD, testPostgres } from "../support/postgres.js";

const db = testPostgres();
const prepared = simulatorsPerTest();

function importArgs(files: SourceFiles, ...more: string[]): string[] {
	return [
		"import",
		files.customers,
		"--contacts",
		files.contacts ?? "",
		"--onboardings",
		files.onboardings ?? "",
		"--headless",
		...more,
	];
}

function byRoute(sim: Simulator): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [route, n] of Object.entries(sim.counters().byRoute)) {
		const [method, path] = route.split(" ");
		const name = `${method} ${path?.replace(/\/[a-z]+_[A-Za-z0-9]+/g, "/:id")}`;
		out[name] = (out[name] ?? 0) + n;
	}
	return out;
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [k, n] of Object.entries(after)) if (n - (before[k] ?? 0) > 0) out[k] = n - (before[k] ?? 0);
	return out;
}

describe("plans made with a Postgres state (the built binary against a real server)", () => {
	it("plan with --state, apply with PIVOTAL_STATE_URL: exactly the planned requests; the plan holds no URL; a second apply is stale", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 20, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
		);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const first = await runCli(importArgs(files, "--state", url, "--name", "n1"), { env });
		expect(first.code).toBe(0);
		editRows(files.customers, "name", 3, (old) => `${old} Renamed`);

		const planFile = join(dir, "plan.json");
		const planned = await runCli(
			importArgs(
				files,
				"--state",
				url,
				"--name",
				"n1",
				"--dry-run",
				"--plan-out",
				planFile,
				"--detailed-exitcode",
			),
			{ env },
		);
		expect(planned.stderr).toBe("");
		expect(planned.code).toBe(5);
		const text = readFileSync(planFile, "utf8");
		expect(text).not.toContain("postgres:");
		expect(text).not.toContain(PG_PASSWORD);
		expect(JSON.parse(text).state).toMatchObject({ path: null, kind: "postgres", name: "n1" });

		// No state given: one sentence naming the import, nothing sent.
		const before = byRoute(sim);
		const missing = await runCli(["apply", planFile, "--headless"], { env });
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('the import "n1" in a database');
		const otherName = await runCli(["apply", planFile, "--headless", "--state", url, "--name", "n2"], {
			env,
		});
		expect(otherName.code).toBe(2);
		expect(otherName.stderr).toContain('not "n2"');
		expect(diff(byRoute(sim), before)).toEqual({});

		const applied = await runCli(["apply", planFile, "--headless"], {
			env: { ...env, PIVOTAL_STATE_URL: url },
		});
		expect(applied.stderr).toBe("");
		expect(applied.code).toBe(0);
		expect(applied.stdout).not.toContain(PG_PASSWORD);
		expect(diff(byRoute(sim), before)).toEqual({ "GET /me": 1, "PATCH /customers/:id": 3 });

		const again = byRoute(sim);
		const stale = await runCli(["apply", planFile, "--headless", "--state", url], { env });
		expect(stale.code).toBe(2);
		expect(stale.stderr).toContain(
			"this plan was applied already: its run (run 2 of the import) finished, and the state of the import n1 has changed only by it.",
		);
		expect(diff(byRoute(sim), again)).toEqual({});

		// The state says the import ran: a sync now finds nothing to do.
		const quiet = byRoute(sim);
		const sync = await runCli(importArgs(files, "--state", url, "--name", "n1"), { env });
		expect(sync.code).toBe(0);
		expect(diff(byRoute(sim), quiet)).toEqual({ "GET /me": 1 });
	});
});
