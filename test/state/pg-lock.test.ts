import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { type CliResult, runCli, startCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { testPostgres } from "../support/postgres.js";

const db = testPostgres();
const prepared = simulatorsPerTest();

function importArgs(files: SourceFiles, state: string, ...more: string[]): string[] {
	return [
		"import",
		files.customers,
		"--contacts",
		files.contacts ?? "",
		"--state",
		state,
		"--headless",
		...more,
	];
}

function posts(sim: Simulator, route: string): number {
	return Object.entries(sim.counters().byRoute)
		.filter(([r]) => r.startsWith(`POST ${route} `))
		.reduce((n, [, count]) => n + count, 0);
}

async function until(condition: () => boolean, what: string): Promise<void> {
	for (let i = 0; i < 6000; i++) {
		if (condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	throw new Error(`timed out waiting for ${what}`);
}

// Customers without slugs and contacts: no uniqueness rule guards them, so every create is marked
// in doubt in the database before it leaves, and a resume looks those up before sending again.
const DATA = { customers: 40, contactsPerCustomer: 1, onboardingsPerCustomer: 0, withSlugs: false } as const;
const SLOW = { rateLimit: 100_000, faults: { latencyMinMs: 15, latencyMaxMs: 30 } };
// Long enough (80 requests one at a time, about 5 s) that the other process, however slow to
// start on a loaded machine, meets the first one still running.
const SLOWER = { rateLimit: 100_000, faults: { latencyMinMs: 50, latencyMaxMs: 80 } };

describe("one run per import at a time (two processes, one Postgres state)", () => {
	it("started together: one runs, the other exits 6 naming it (host, pid, since), and nothing is sent twice", async () => {
		const { sim, files } = await prepared(SLOWER, DATA);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const a = startCli(importArgs(files, url, "--concurrency", "1"), { env });
		const b = startCli(importArgs(files, url, "--concurrency", "1"), { env });
		const results = await Promise.all([a.result, b.result]);
		const codes = results.map((r) => r.code).sort();
		expect(codes).toEqual([0, 6]);
		const loser = results.find((r) => r.code === 6) as CliResult;
		const winnerPid = results[0] === loser ? b.child.pid : a.child.pid;
		expect(loser.stderr).toMatch(
			new RegExp(
				`^The import customers in postgres://pivotal:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/\\w+ is in use by another pivotal-tui \\(host ${hostname().replace(/[.]/g, "\\.")}, pid ${winnerPid}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); let that run finish or stop it, or wait for it with --lock-timeout SECONDS\\.\\n$`,
			),
		);
		expect(loser.stdout).toBe("");
		expect(simTotals(sim)).toMatchObject({ customers: 40, contacts: 40, duplicates: 0 });
		expect(posts(sim, "/customers")).toBe(40);
		expect(sim.counters().byRoute["GET /me 200"]).toBe(1);
	});

	it("with --lock-timeout 30 the second waits for the first, then finds nothing to do", async () => {
		const { sim, files } = await prepared(SLOWER, DATA);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const a = startCli(importArgs(files, url, "--concurrency", "1"), { env });
		// The first holds the lock from before its first request.
		await until(() => sim.counters().requests > 0, "the first run's first request");
		const b = startCli(importArgs(files, url, "--lock-timeout", "30"), { env });
		const [first, second] = await Promise.all([a.result, b.result]);
		expect(first.code).toBe(0);
		expect(second.code).toBe(0);
		expect(second.stderr).toMatch(
			/^The import customers is in use by another pivotal-tui \(host .*, pid \d+, since .*\); waiting up to 30 s for it\.\n$/,
		);
		// A sync of a finished state, not a resume; everything unchanged: no create, no update, no look-up.
		expect(second.stdout).toMatch(/^Syncing import /m);
		expect(second.stdout).not.toMatch(/^Resuming/m);
		expect(second.stdout).toMatch(/customers\s+40\s+40\s+0\s+0\s+40\s+0\n/);
		expect(second.stdout).toMatch(/contacts\s+40\s+40\s+0\s+0\s+40\s+0\n/);
		expect(simTotals(sim)).toMatchObject({ customers: 40, contacts: 40, duplicates: 0 });
		expect(posts(sim, "/customers")).toBe(40);
		expect(sim.counters().byRoute["GET /me 200"]).toBe(2);
	});

	it("kill -9 of the holder mid-run: the next run takes the lock at once and resumes exactly once", async () => {
		const { sim, files } = await prepared(SLOW, DATA);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const a = startCli(importArgs(files, url, "--concurrency", "3"), { env });
		await until(() => sim.counters().created.customers >= 15, "15 customers created");
		a.child.kill("SIGKILL");
		expect((await a.result).signal).toBe("SIGKILL");
		expect(sim.counters().created.customers).toBeLessThan(40);
		const listed = await runCli(["state", "list", "--state", url], { env });
		expect(listed.stdout).toMatch(/^customers\s+\S.*\s\d+\s+\S+Z\s+interrupted$/m);
		const resumed = await runCli(importArgs(files, url), { env });
		expect(resumed.stderr).not.toMatch(/in use/);
		expect(resumed.code).toBe(0);
		expect(resumed.stdout).toMatch(/^Resuming import/m);
		expect(simTotals(sim)).toMatchObject({ customers: 40, contacts: 40, duplicates: 0 });
		expect(sim.counters().created).toMatchObject({ customers: 40, contacts: 40 });
		// The holder row is this run's no more.
		const holders = await db.query(new URL(url).pathname.slice(1), "SELECT * FROM pivotal_tui.holders");
		expect(holders).toEqual([]);
	});
});
