/**
 * `undo` while an import of the same state is running and has changed nothing yet (its first
 * POST held by the server): refused like every other command meeting a held state, exit 6 naming
 * the holder (pid, host, since), with nothing sent; not "run 1 was interrupted", exit 0
 * (adversarial finding K-F7). An import's dry run likewise. File store and Postgres store alike.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { testPostgres } from "../support/postgres.js";
import { tempDir } from "../support/temp-dirs.js";
import { until } from "./sync-support.js";

const db = testPostgres();
const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

const host = hostname().replace(/[.]/g, "\\.");

describe("undo while an import of the state runs, before it changed anything", () => {
	for (const store of ["file", "postgres"] as const) {
		it(`${store} store: exit 6 naming the import that holds it, nothing sent, its lock left to it`, async () => {
			const sim = await startSimulator({ rateLimit: 100_000 });
			sims.push(sim);
			const csv = join(tempDir(), "c.csv");
			writeFileSync(csv, "external_id,name,slug\nx1,A One,a-one\nx2,B Two,b-two\n");
			const state = store === "file" ? [] : ["--state", await db.newDatabase()];
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			// A plan reviewed before the run (file store: apply reads the state file it names).
			const plan = join(tempDir(), "plan.json");
			if (store === "file")
				expect(
					(await runCli(["import", csv, "--dry-run", "--plan-out", plan, "--headless"], { env })).code,
				).toBe(0);
			// The import's first create is held by the server: it runs, and nothing exists yet.
			sim.pushFault({ method: "POST", kind: "hang", hangMs: 10_000 });
			const running = startCli(["import", csv, ...state, "--concurrency", "1", "--headless", "--yes"], {
				env,
			});
			await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
			const requests = sim.counters().requests;

			const undo = await runCli(["undo", csv, ...state, "--headless", "--yes"], { env });
			expect(undo.code).toBe(6);
			const holder =
				store === "file"
					? `in use by another pivotal-tui \\(pid ${running.child.pid} on ${host}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)`
					: `in use by another pivotal-tui \\(host ${host}, pid ${running.child.pid}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)`;
			expect(undo.stderr).toMatch(new RegExp(`^The (checkpoint|import) .* ${holder}[;:,] .*\\.\\n$`));
			expect(undo.stdout).not.toContain("Nothing to undo");
			// A dry run of the import is refused the same way, not planned from a state mid-run.
			const dryRun = await runCli(["import", csv, ...state, "--dry-run", "--headless"], { env });
			expect(dryRun.code).toBe(6);
			expect(dryRun.stderr).toMatch(new RegExp(`^The (checkpoint|import) .* ${holder}[;:,] .*\\.\\n$`));
			// So is an apply of the plan: the holder named, not "stale plan" (adversarial finding M5).
			if (store === "file") {
				const apply = await runCli(["apply", plan, "--headless", "--yes"], { env });
				expect(apply.stderr).toMatch(new RegExp(holder));
				expect(apply.code).toBe(6);
			}
			expect(sim.counters().requests).toBe(requests);

			// Neither took the holder's lock from it: it still names the running import.
			if (store === "file")
				expect(JSON.parse(readFileSync(`${csv}.checkpoint.json.lock`, "utf8"))).toMatchObject({
					pid: running.child.pid,
				});
			// Not waited for (its create is held for seconds more): stopped as a kill would.
			running.child.kill("SIGKILL");
			expect((await running.result).signal).toBe("SIGKILL");
		}, 60_000);
	}
});
