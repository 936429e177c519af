/**
 * A state database whose server closes idle sessions (`idle_session_timeout`, Postgres 14+, common
 * on managed servers): the run's state connection sits idle while it waits for the rate limit's
 * window, and was closed there, ending every run at its next write (adversarial finding P5).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simulatorsClosedAfterEach, TEST_KEY } from "../support/import-harness.js";
import { testPostgres } from "../support/postgres.js";
import { tempDir } from "../support/temp-dirs.js";

const db = testPostgres();
const startSim = simulatorsClosedAfterEach();

describe("a state database that closes idle sessions", { timeout: 90_000 }, () => {
	it("a run that waits longer than the limit for its rate-limit window still finishes, every record once", async () => {
		const url = await db.newDatabase();
		const database = new URL(url).pathname.slice(1);
		await db.query("postgres", `ALTER DATABASE "${database}" SET idle_session_timeout = '1s'`);
		// A connection of the database's own now closes after a second idle: the limit is in force.
		const shown = await db.query<{ idle_session_timeout: string }>(database, "SHOW idle_session_timeout");
		expect(shown[0]?.idle_session_timeout).toBe("1s");

		// 5 requests per 2.5 s window: 9 customers and GET /me wait out one window (2.5 s idle).
		const sim = await startSim({ seed: 5, rateLimit: 5, testRateLimit: 5, windowMs: 2_500 });
		const file = join(tempDir("pivotal-pg-idle-"), "c.csv");
		writeFileSync(
			file,
			`external_id,name\n${Array.from({ length: 9 }, (_, i) => `id${i},Idle ${i}`).join("\n")}\n`,
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const run = await runCli(
			["import", file, "--state", url, "--name", "idle", "--headless", "--yes", "--window", "2.5"],
			{
				env,
			},
		);
		expect(run.stderr).toBe("");
		expect(run.code).toBe(0);
		const live = sim.state().customers.filter((c) => !c.deleted);
		expect(live).toHaveLength(9);
	});
});
