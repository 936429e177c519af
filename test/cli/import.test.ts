import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { runCli, startCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

function importArgs(files: {
	customers: string;
	contacts?: string | undefined;
	onboardings?: string | undefined;
}) {
	return [
		"import",
		files.customers,
		...(files.contacts ? ["--contacts", files.contacts] : []),
		...(files.onboardings ? ["--onboardings", files.onboardings] : []),
		"--yes",
	];
}

describe("pivotal-tui import (the built binary)", () => {
	it("imports 100 customers with contacts and onboardings exactly once through faults, exit 0", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { serverError: 0.05, reset: 0.03, serverErrorAfter: 0.03 } },
			// About 400 requests meet some 44 faults of the three kinds (the engine test sends 1,200).
			{ customers: 100, contactsPerCustomer: 2, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		const result = await runCli([...importArgs(files), "--concurrency", "16"], {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl },
		});
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/every record is in Pivotal/);
		expect(simTotals(sim)).toEqual({ customers: 100, contacts: 200, onboardings: 100, duplicates: 0 });
		expect(sim.counters().faultsInjected["5xx-after"]).toBeGreaterThan(0);
	});

	it("survives SIGKILL at random moments: every checkpoint loads and the end state is exactly once", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 10, latencyMaxMs: 30, serverErrorAfter: 0.02 } },
			{ customers: 200, contactsPerCustomer: 2, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const checkpoint = `${files.customers}.checkpoint.json`;
		let kills = 0;
		let postsAtLastKill = -1;
		for (let round = 0; round < 20 && kills < 6; round++) {
			// The kill lands a random moment after the run's first request, however slow start-up is.
			const before = sim.counters().requests;
			const { child, result } = startCli([...importArgs(files), "--concurrency", "4"], { env });
			const killer = killAfterFirstRequest(child, () => sim.counters().requests > before, 1100);
			const outcome = await result;
			clearTimeout(await killer);
			if (outcome.signal === "SIGKILL") {
				// Loads without throwing, whatever instant the kill hit (none yet if it hit during start-up).
				const data = await readCheckpoint(checkpoint);
				if (data) {
					kills += 1;
					expect(data.header.keyFingerprint).toMatch(/^sha256:/);
				}
				expect(sim.counters().posts).toBeGreaterThanOrEqual(postsAtLastKill);
				postsAtLastKill = sim.counters().posts;
			} else {
				expect(outcome.code).toBe(0);
				break;
			}
		}
		expect(kills).toBeGreaterThanOrEqual(5);
		const last = await runCli(importArgs(files), { env });
		expect(last.code).toBe(0);
		expect(simTotals(sim)).toEqual({ customers: 200, contacts: 400, onboardings: 200, duplicates: 0 });
	});

	it("never writes or prints the API key, even when rows fail", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 30, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
		);
		sim.pushFault({
			method: "POST",
			route: "/customers",
			times: 3,
			status: 400,
			code: "invalid_domain",
			field: "domain",
		});
		sim.pushFault({ method: "POST", route: "/onboardings", times: 2, status: 500, code: "internal_error" });
		const failures = join(dir, "failures.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const human = await runCli([...importArgs(files), "--failures-csv", failures, "--verbose"], { env });
		expect(human.code).toBe(1);
		const json = await runCli([...importArgs(files), "--json"], { env });
		expect(json.code).toBe(1);
		const summary = JSON.parse(json.stdout.trim().split("\n").at(-1) ?? "{}");
		expect(summary).toMatchObject({ type: "summary", outcome: "completed" });
		expect(readFileSync(failures, "utf8")).toMatch(/invalid_domain/);
		const secret = TEST_KEY.slice("pivotal_".length);
		for (const text of [human.stdout, human.stderr, json.stdout, json.stderr])
			expect(text).not.toContain(secret);
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isFile()) expect(readFileSync(path, "utf8"), name).not.toContain(secret);
		}
	});

	it("exits 4 with a clear sentence when the key is refused, and sends no record", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, keys: ["pivotal_live_someOtherKey123456"] },
			{ customers: 5, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const result = await runCli(importArgs(files), {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl },
		});
		expect(result.code).toBe(4);
		expect(result.stderr).toMatch(/API key was refused \(401 invalid_api_key\)/);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(sim.counters().posts).toBe(0);
	});

	it("--dry-run validates and estimates without a request", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 50, contactsPerCustomer: 2, onboardingsPerCustomer: 1 },
		);
		const result = await runCli([...importArgs(files), "--dry-run"], {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl },
		});
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/50 customers, 100 contacts, 50 onboardings: 200 requests/);
		expect(sim.counters().requests).toBe(0);
	});

	it("syncs a changed source file: the new row is created and nothing else is sent; --fresh starts over", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 10, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(importArgs(files), { env })).code).toBe(0);
		const { appendFileSync } = await import("node:fs");
		appendFileSync(files.customers, "cus-extra-1,Extra Co,,,,,,,,\n");
		const before = sim.counters().requests;
		const synced = await runCli(importArgs(files), { env });
		expect(synced.code).toBe(0);
		// GET /me and the new customer's POST: the ten unchanged rows cost nothing.
		expect(sim.counters().requests - before).toBe(2);
		expect(simTotals(sim)).toMatchObject({ customers: 11, duplicates: 0 });
		const fresh = await runCli([...importArgs(files), "--fresh"], { env });
		expect(fresh.code).toBe(0);
		// A fresh run has a new run id, so the ten customers it finds by slug are adopted, not created twice.
		expect(simTotals(sim)).toMatchObject({ customers: 11, duplicates: 0 });
	});

	it("stops on a run of identical 400s (exit 3) and --retry-failed resends them once the cause is fixed", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 60, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		sim.pushFault({
			method: "POST",
			route: "/customers",
			status: 400,
			code: "invalid_enum_value",
			field: "status",
		});
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const stopped = await runCli([...importArgs(files), "--concurrency", "1"], { env });
		expect(stopped.code).toBe(3);
		expect(stopped.stderr).toMatch(
			/25 customers in a row failed with 400 invalid_enum_value on status.*--retry-failed/,
		);
		sim.clearScriptedFaults();
		const plain = await runCli(importArgs(files), { env });
		expect(plain.code).toBe(1); // the 25 stay failed without the flag
		const retried = await runCli([...importArgs(files), "--retry-failed"], { env });
		expect(retried.code).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 60, duplicates: 0 });
	});
});

/** SIGKILL `child` at a random moment within `spreadMs` after `hasSent()` first holds (checked every 10 ms). */
function killAfterFirstRequest(
	child: ChildProcess,
	hasSent: () => boolean,
	spreadMs: number,
): Promise<NodeJS.Timeout | undefined> {
	return new Promise((resolve) => {
		const poll = setInterval(() => {
			if (child.exitCode !== null || child.signalCode !== null) {
				clearInterval(poll);
				resolve(undefined);
			} else if (hasSent()) {
				clearInterval(poll);
				resolve(setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * spreadMs)));
			}
		}, 10);
	});
}
