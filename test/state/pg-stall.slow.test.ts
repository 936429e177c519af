import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { runCli, startCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { PG_PASSWORD, testPostgres } from "../support/postgres.js";

const db = testPostgres();
const prepared = simulatorsPerTest();

function importArgs(files: SourceFiles, url: string, ...more: string[]): string[] {
	return [
		"import",
		files.customers,
		"--contacts",
		files.contacts ?? "",
		"--state",
		url,
		"--headless",
		"--concurrency",
		"1",
		...more,
	];
}

/** The server process of the run's connection (the test runs where it may signal it). */
async function backendOf(database: string): Promise<number> {
	for (let i = 0; i < 100; i++) {
		const rows = await db.query<{ pid: number }>(
			database,
			"SELECT pid FROM pg_stat_activity WHERE application_name = 'pivotal-tui' AND datname = $1",
			[database],
		);
		if (rows[0]) return rows[0].pid;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error("the run's connection never showed in pg_stat_activity");
}

describe("a Postgres server that stops answering mid-run (the built binary against a real server)", () => {
	it.each(["alone", "with a Ctrl-C while a write waits"])(
		"the run ends %s, in one sentence, exit 3; after the server wakes the same command resumes exactly once",
		async (how) => {
			const { sim, files } = await prepared(
				{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 10 } },
				// Enough that the server is stopped mid-run (after 5 creates, one request at a time)
				// with most of the run still to resume.
				{ customers: 50, contactsPerCustomer: 1, onboardingsPerCustomer: 0 },
			);
			const url = await db.newDatabase();
			const database = url.split("/").pop() ?? "";
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, PIVOTAL_STATE_TIMEOUT: "3" };
			const { child, result } = startCli(importArgs(files, url), { env });
			await new Promise<void>((resolve) => {
				const poll = setInterval(() => {
					if (sim.counters().posts >= 5 || child.exitCode !== null) {
						clearInterval(poll);
						resolve();
					}
				}, 5);
			});
			const backend = await backendOf(database);
			process.kill(backend, "SIGSTOP");
			const stoppedAt = Date.now();
			const atStop = sim.counters().requests;
			let ended: Awaited<typeof result>;
			let afterStop = 0;
			try {
				if (how !== "alone") {
					await new Promise((resolve) => setTimeout(resolve, 300));
					child.kill("SIGINT");
				}
				ended = await result;
				afterStop = Date.now() - stoppedAt;
			} finally {
				process.kill(backend, "SIGCONT");
			}
			expect(ended.code, `${ended.stdout}\n${ended.stderr}`).toBe(3);
			// Guarded sends (idempotency keys) may go on while the state is slow; none is sent twice.
			expect(sim.counters().requests).toBeGreaterThanOrEqual(atStop);
			expect(`${ended.stdout}${ended.stderr}`).not.toContain(PG_PASSWORD);
			if (how === "alone") expect(ended.stderr).toContain("did not answer within 3 s");
			// Within the bound: once a query timed out the connection is known dead, and the last
			// save and the lock's release fail at once instead of waiting a second 3 s.
			expect(afterStop, ended.stdout).toBeLessThan(5_000);
			// The sentence once among the run's lines (then the summary's title and stderr).
			expect(ended.stdout.match(/^error: .*did not answer within 3 s/gm) ?? []).toHaveLength(1);
			// The summary's time is the run's: it began before the stop and ended after it.
			const time = Number(/time (\d+) s$/m.exec(ended.stdout)?.[1]);
			expect(time, ended.stdout).toBeGreaterThanOrEqual(Math.floor(afterStop / 1000) - 1);

			const resumed = await runCli(importArgs(files, url, "--lock-timeout", "30"), { env });
			expect(resumed.code, resumed.stderr).toBe(0);
			expect(simTotals(sim)).toMatchObject({ customers: 50, contacts: 50, duplicates: 0 });
		},
		90_000,
	);
});
