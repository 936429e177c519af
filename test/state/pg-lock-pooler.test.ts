import pg from "pg";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { PostgresState } from "../../src/core/state/pg-state.js";
import type { Simulator } from "../../src/sim/index.js";
import { type CliResult, runCli, startCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { type Pgbouncer, pgbouncerBinary, startPgbouncer } from "../support/pgbouncer.js";
import { PG_PASSWORD, testPostgres } from "../support/postgres.js";

const db = testPostgres();
const prepared = simulatorsPerTest();
const binary = pgbouncerBinary();

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

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
	for (let i = 0; i < 3000; i++) {
		if (await condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error(`timed out waiting for ${what}`);
}

function databaseOf(url: string): string {
	return new URL(url).pathname.slice(1);
}

const DATA = { customers: 40, contactsPerCustomer: 1, onboardingsPerCustomer: 0, withSlugs: false } as const;
// About 5 s one request at a time: the other process meets the first one still running.
const SLOWER = { rateLimit: 100_000, faults: { latencyMinMs: 50, latencyMaxMs: 80 } };
const SLOW = { rateLimit: 100_000, faults: { latencyMinMs: 15, latencyMaxMs: 30 } };

function started(sim: Simulator): boolean {
	return sim.counters().created.customers >= 3;
}

describe.skipIf(binary === undefined)("one run per import behind PgBouncer in transaction mode", () => {
	async function pooler(poolSize: number, settings: readonly string[] = []): Promise<Pgbouncer> {
		const port = Number(new URL(db.url()).port);
		return startPgbouncer(binary as string, port, poolSize, settings);
	}

	it("a second run through the pooler is refused (exit 6, naming the holder); after a kill -9 the next takes over at once", async () => {
		const bouncer = await pooler(5);
		try {
			const { sim, files } = await prepared(SLOWER, DATA);
			const url = bouncer.url(databaseOf(await db.newDatabase()));
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			const a = startCli(importArgs(files, url, "--concurrency", "1"), { env });
			await until(() => started(sim) || a.child.exitCode !== null, "the first run's creates");
			const second = await runCli(importArgs(files, url), { env });
			expect(second.code, second.stdout + second.stderr).toBe(6);
			expect(second.stderr).toMatch(
				new RegExp(
					`is in use by another pivotal-tui \\(host .+, pid ${a.child.pid}, since .+\\); let that run finish`,
				),
			);
			const undo = await runCli(["undo", files.customers, "--state", url, "--headless", "--yes", "--all"], {
				env,
			});
			expect(undo.code, undo.stdout + undo.stderr).toBe(6);
			a.child.kill("SIGKILL");
			expect((await a.result).signal).toBe("SIGKILL");
			const resumed = await runCli(importArgs(files, url, "--concurrency", "4"), { env });
			expect(resumed.code, resumed.stderr).toBe(0);
			expect(resumed.stdout).toMatch(/^Resuming import/m);
			expect(simTotals(sim)).toMatchObject({ customers: 40, contacts: 40, duplicates: 0 });
		} finally {
			await bouncer.stop();
		}
	}, 90_000);

	it("a pool of one server connection is refused within PIVOTAL_STATE_TIMEOUT in one sentence saying what to do", async () => {
		const bouncer = await pooler(1);
		try {
			const { sim, files } = await prepared(SLOW, DATA);
			const url = bouncer.url(databaseOf(await db.newDatabase()));
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, PIVOTAL_STATE_TIMEOUT: "2" };
			const began = Date.now();
			const run: CliResult = await runCli(importArgs(files, url), { env });
			expect(Date.now() - began).toBeLessThan(15_000);
			expect(run.code).toBe(2);
			expect(run.stderr).toMatch(
				/^The state database postgres:\/\/pivotal:\*\*\*@127\.0\.0\.1:\d+\/\w+ did not answer within 2 s once this run held its lock; behind a pooler in transaction mode that means each of its server connections is kept by a running import's lock, none left for this run's writes: give --state a direct or session-mode URL, or make the pool larger than the number of imports running at once\.\n$/,
			);
			expect(run.stderr).not.toContain(PG_PASSWORD);
			expect(sim.counters().requests).toBe(0);
		} finally {
			await bouncer.stop();
		}
	}, 60_000);

	it("a pool that a run's lock would leave with no connection for writes: that run is refused within 5 s and the running import goes on", async () => {
		const bouncer = await pooler(2);
		try {
			const { sim, files } = await prepared(SLOWER, DATA);
			const url = bouncer.url(databaseOf(await db.newDatabase()));
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			const a = startCli(importArgs(files, url, "--concurrency", "1"), { env });
			await until(() => started(sim) || a.child.exitCode !== null, "the first run's creates");
			const began = Date.now();
			const other = await runCli(importArgs(files, url, "--name", "another"), { env });
			expect(Date.now() - began).toBeLessThan(12_000);
			expect(other.code, other.stdout + other.stderr).toBe(2);
			expect(other.stderr).toMatch(/did not answer within 5 s once this run held its lock; behind a pooler/);
			const first = await a.result;
			expect(first.code, first.stdout + first.stderr).toBe(0);
			expect(simTotals(sim)).toMatchObject({ customers: 40, contacts: 40, duplicates: 0 });
		} finally {
			await bouncer.stop();
		}
	}, 90_000);

	it("a pooler that ends the lock's idle transaction stops the run (exit 3, one sentence), never goes on unlocked; the import resumes through a direct URL", async () => {
		const bouncer = await pooler(5, ["idle_transaction_timeout = 1"]);
		try {
			const { sim, files } = await prepared(SLOWER, DATA);
			const url = bouncer.url(databaseOf(await db.newDatabase()));
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			const ended = await runCli(importArgs(files, url, "--concurrency", "1"), { env });
			expect(ended.code, ended.stdout + ended.stderr).toBe(3);
			expect(ended.stderr).toMatch(
				/^The state database postgres:\/\/pivotal:\*\*\*@127\.0\.0\.1:\d+\/\w+ ended the connection that held this run's lock on the import customers \(.+\); the run stops so that no other run works beside it: lift the pooler's or server's limit on idle transactions \(PgBouncer's idle_transaction_timeout\) or give --state a direct URL, then run the same command again to resume\. Stopped so that no progress goes unrecorded\.\n$/,
			);
			expect(ended.stdout.match(/^error: .*ended the connection that held/gm) ?? []).toHaveLength(1);
			expect(sim.counters().created.customers).toBeLessThan(40);
			const direct = await runCli(importArgs(files, db.url(databaseOf(url))), { env });
			expect(direct.code, direct.stderr).toBe(0);
			expect(simTotals(sim)).toMatchObject({ customers: 40, contacts: 40, duplicates: 0 });
		} finally {
			await bouncer.stop();
		}
	}, 90_000);
});

describe("the import's lock is a transaction's, on a connection of its own (plain Postgres)", () => {
	it("held idle in transaction (past a server idle limit) while the run writes on another connection; state list says running; if that connection is ended the run stops (exit 3) and resumes", async () => {
		const { sim, files } = await prepared(SLOWER, DATA);
		const url = await db.newDatabase();
		const database = databaseOf(url);
		// A server's idle limit would end the lock's transaction: the lock turns it off for itself.
		await db.query(database, `ALTER DATABASE ${database} SET idle_in_transaction_session_timeout = '300ms'`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const a = startCli(importArgs(files, url, "--concurrency", "1"), { env });
		await until(() => started(sim) || a.child.exitCode !== null, "the first run's creates");
		await new Promise((resolve) => setTimeout(resolve, 800));
		expect(a.child.exitCode).toBeNull();
		const holders = await db.query<{
			pid: number;
			state: string;
			application_name: string;
			holds_vacuum_back: boolean;
		}>(
			database,
			// A transaction with an xid or a snapshot would hold back vacuum for the whole run.
			`SELECT a.pid, a.state, a.application_name, (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL) AS holds_vacuum_back
			 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND a.datname = $1`,
			[database],
		);
		expect(holders).toHaveLength(1);
		expect(holders[0]).toMatchObject({
			state: "idle in transaction",
			application_name: "pivotal-tui lock",
			holds_vacuum_back: false,
		});
		const listed = await runCli(["state", "list", "--state", url], { env });
		expect(listed.stdout).toMatch(
			new RegExp(`^customers\\s.*running \\(host .+, pid ${a.child.pid}, since`, "m"),
		);
		await db.query(database, "SELECT pg_terminate_backend($1)", [holders[0]?.pid]);
		const ended = await a.result;
		expect(ended.code, ended.stdout + ended.stderr).toBe(3);
		expect(ended.stderr).toContain("ended the connection that held this run's lock on the import customers");
		expect(sim.counters().created.customers).toBeLessThan(40);
		const resumed = await runCli(importArgs(files, url), { env });
		expect(resumed.code, resumed.stderr).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 40, contacts: 40, duplicates: 0 });
	}, 60_000);

	it("a run waiting out its rate limit stops as soon as its lock's connection ends, not when it next writes", async () => {
		// Six requests per 30 s: the run sends its window's worth, then waits most of 30 s.
		const { sim, files } = await prepared({ rateLimit: 6, windowMs: 30_000 }, DATA);
		const url = await db.newDatabase();
		const database = databaseOf(url);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const a = startCli(importArgs(files, url, "--concurrency", "1"), { env });
		await until(() => sim.counters().requests >= 6 || a.child.exitCode !== null, "the window's requests");
		const holders = await db.query<{ pid: number }>(
			database,
			`SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND a.datname = $1`,
			[database],
		);
		expect(holders).toHaveLength(1);
		const ended = Date.now();
		await db.query(database, "SELECT pg_terminate_backend($1)", [holders[0]?.pid]);
		const result = await a.result;
		expect(result.code, result.stdout + result.stderr).toBe(3);
		expect(Date.now() - ended).toBeLessThan(8_000);
		expect(result.stderr).toContain("ended the connection that held this run's lock on the import customers");
		expect(sim.counters(), JSON.stringify(sim.counters())).toMatchObject({ requests: 6, rateLimited: 0 });
	}, 60_000);

	it("a name with quotes and backslashes locks the key state list looks for, and a second connect is refused", async () => {
		const url = await db.newDatabase();
		const name = "o'brien \\x '' \\' end";
		const state = await PostgresState.connect(url, name);
		try {
			const rows = await db.query<{ held: boolean }>(
				databaseOf(url),
				`SELECT EXISTS (SELECT 1 FROM pg_locks l, (SELECT hashtextextended('pivotal_tui:' || $1, 0) AS k) h
				 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
				 AND l.classid = ((h.k >> 32) & 4294967295)::oid AND l.objid = (h.k & 4294967295)::oid) AS held`,
				[name],
			);
			expect(rows[0]?.held).toBe(true);
			await expect(PostgresState.connect(url, name)).rejects.toMatchObject({ code: "locked" });
		} finally {
			await state.release();
		}
		const again = await PostgresState.connect(url, name);
		await again.release();
	});

	it("a killed run's holder row is not named as the holder of a lock taken since", async () => {
		const { sim, files } = await prepared(SLOW, DATA);
		const url = await db.newDatabase();
		await (await PostgresState.connect(url, "customers")).release();
		await db.query(
			databaseOf(url),
			"INSERT INTO pivotal_tui.holders (name, host, pid, started_at) VALUES ('customers', 'gone-host', 1, now() - interval '1 day')",
		);
		// Another run between taking its lock and writing its row.
		const other = new pg.Client({ connectionString: url });
		await other.connect();
		try {
			await other.query("BEGIN");
			await other.query("SELECT pg_advisory_xact_lock(hashtextextended('pivotal_tui:customers', 0))");
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			const refused = await runCli(importArgs(files, url), { env });
			expect(refused.code).toBe(6);
			expect(refused.stderr).toMatch(/is in use by another pivotal-tui; let that run finish/);
			expect(refused.stderr).not.toContain("gone-host");
		} finally {
			await other.end();
		}
	});
});
