import { copyFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { simTotals, simulatorsPerTest, TEST_KEY, tempDir } from "../support/import-harness.js";
import { PG_PASSWORD, testPostgres } from "../support/postgres.js";

const db = testPostgres();
const prepared = simulatorsPerTest();

function importArgs(files: SourceFiles, state: string): string[] {
	return [
		"import",
		files.customers,
		"--contacts",
		files.contacts ?? "",
		"--onboardings",
		files.onboardings ?? "",
		"--state",
		state,
		"--headless",
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

describe("state in Postgres (the built binary against a real server)", () => {
	it("a fresh runner with only the CSVs and the same state URL syncs 3 edited rows with 3 PATCHes and GET /me, writes no state file, and undoes the last run", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 30, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
		);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const first = await runCli(importArgs(files, url), { env });
		expect(first.stderr).toBe("");
		expect(first.code).toBe(0);
		expect(first.stdout).not.toContain(PG_PASSWORD);
		expect(first.stdout).toContain("pivotal:***@127.0.0.1");
		expect(readdirSync(dir).filter((f) => f.includes("checkpoint"))).toEqual([]);

		// A fresh runner: the CSVs only, in another folder, three names edited.
		const runner = tempDir();
		const copied: SourceFiles = {
			customers: join(runner, basename(files.customers)),
			contacts: join(runner, basename(files.contacts ?? "")),
			onboardings: join(runner, basename(files.onboardings ?? "")),
		};
		for (const pass of ["customers", "contacts", "onboardings"] as const)
			copyFileSync(files[pass] ?? "", copied[pass] ?? "");
		const oldNames: string[] = [];
		editRows(copied.customers, "name", 3, (old) => {
			oldNames.push(old);
			return `${old} Renamed`;
		});
		const names = (): string[] => sim.state().customers.map((c) => String(c.name));
		const before = byRoute(sim);
		const synced = await runCli(importArgs(copied, url), { env });
		expect(synced.code).toBe(0);
		expect(diff(byRoute(sim), before)).toEqual({ "GET /me": 1, "PATCH /customers/:id": 3 });
		expect(readdirSync(runner).sort()).toEqual(["contacts.csv", "customers.csv", "onboardings.csv"]);
		for (const old of oldNames) expect(names()).toContain(`${old} Renamed`);

		// Undo from the runner takes back the sync: the three names as they were, nothing deleted.
		const undone = await runCli(["undo", copied.customers, "--state", url, "--yes", "--headless"], { env });
		expect(undone.code).toBe(0);
		for (const old of oldNames) expect(names()).toContain(old);
		expect(names().filter((n) => n.endsWith(" Renamed"))).toEqual([]);
		expect(simTotals(sim)).toMatchObject({ customers: 30, contacts: 30, onboardings: 30, duplicates: 0 });
		expect(existsSync(`${copied.customers}.checkpoint.json`)).toBe(false);
	});

	it("PIVOTAL_STATE_URL and --name: two imports in one database, each its own state", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 5, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, PIVOTAL_STATE_URL: url };
		const args = ["import", files.customers, "--headless"];
		expect((await runCli([...args, "--name", "nightly"], { env })).code).toBe(0);
		const before = sim.counters().requests;
		// Same name: nothing to do. Another name: a first sync, which adopts what is there.
		const again = await runCli([...args, "--name", "nightly"], { env });
		expect(again.code).toBe(0);
		expect(sim.counters().requests - before).toBe(1);
		expect((await runCli([...args, "--name", "other"], { env })).code).toBe(0);
		const names = await db.query(
			url.split("/").pop() ?? "",
			"SELECT name FROM pivotal_tui.imports ORDER BY name",
		);
		expect(names.map((r) => r.name)).toEqual(["nightly", "other"]);
		// A file state beside the customers file, which the environment's database passes over: said.
		expect(again.stderr).not.toContain("is not used");
		expect(
			(
				await runCli(["import", files.customers, "--headless"], {
					env: { ...env, PIVOTAL_STATE_URL: undefined },
				})
			).code,
		).toBe(0);
		const beside = await runCli([...args, "--name", "nightly"], { env });
		expect(beside.code).toBe(0);
		expect(beside.stderr).toContain(
			`PIVOTAL_STATE_URL names the state (the import nightly in a database); the file state ${files.customers}.checkpoint.json beside the customers file is not used.`,
		);
		expect(simTotals(sim)).toMatchObject({ customers: 5, duplicates: 0 });
		const listed = await runCli(["state", "list", "--state", url], { env });
		expect(listed.code).toBe(0);
		expect(listed.stdout).toMatch(/^NAME\s+WORKSPACE\s+RECORDS\s+LAST RUN\s+OUTCOME$/m);
		expect(listed.stdout).toMatch(/^nightly\s+\S.*\s5\s+\d{4}-\d\d-\d\dT\S+Z\s+completed$/m);
		expect(listed.stdout).not.toContain(PG_PASSWORD);
	});

	it("a schema newer than this pivotal-tui knows is refused in one sentence, nothing sent", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(["state", "list", "--state", url], { env })).code).toBe(0);
		await db.query(
			url.split("/").pop() ?? "",
			"INSERT INTO pivotal_tui.schema_version (version) VALUES (99)",
		);
		const refused = await runCli(["import", files.customers, "--state", url, "--headless"], { env });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toBe(
			`The state database postgres://pivotal:***@${new URL(url).host}/${new URL(url).pathname.slice(1)} holds pivotal_tui schema version 99, newer than this pivotal-tui knows (1); upgrade pivotal-tui to use it.\n`,
		);
		expect(sim.counters().requests).toBe(0);
	});

	it("a wrong password, an unreachable server: one sentence each, exit 2, no password shown", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const url = new URL(db.url());
		url.password = "Wrong-Pass-77";
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const wrong = await runCli(["import", files.customers, "--state", url.href, "--headless"], { env });
		expect(wrong.code).toBe(2);
		expect(wrong.stderr.trim().split("\n")).toHaveLength(1);
		expect(wrong.stderr).toMatch(
			/^The state database postgres:\/\/pivotal:\*\*\*@127\.0\.0\.1:\d+\/postgres refused the login \(.*\); check the user and the password/,
		);
		expect(wrong.stderr + wrong.stdout).not.toContain("Wrong-Pass-77");
		expect(wrong.stderr).not.toMatch(/\n\s+at /);
		url.port = "1";
		const down = await runCli(["undo", files.customers, "--state", url.href, "--headless", "--yes"], { env });
		expect(down.code).toBe(2);
		expect(down.stderr).toBe(
			"Cannot reach the state database postgres://pivotal:***@127.0.0.1:1/postgres (ECONNREFUSED); check the host and port in --state and that the server is running.\n",
		);
		expect(sim.counters().requests).toBe(0);
	});

	it("takes the password from PGPASSWORD or a .pgpass file when the URL has none, and says nothing else", async () => {
		const url = new URL(await db.newDatabase());
		url.password = "";
		const bare = url.href;
		const viaEnv = await runCli(["state", "list", "--state", bare], { env: { PGPASSWORD: PG_PASSWORD } });
		expect(viaEnv.stderr).toBe("");
		expect(viaEnv.stdout).toMatch(/^postgres:\/\/pivotal@127\.0\.0\.1:\d+\/\w+ holds no import yet\.\n$/);
		const pgpass = join(tempDir(), "pgpass");
		writeFileSync(pgpass, `127.0.0.1:${url.port}:*:pivotal:${PG_PASSWORD}\n`, { mode: 0o600 });
		const viaFile = await runCli(["state", "list", "--state", bare], {
			env: { PGPASSWORD: undefined, PGPASSFILE: pgpass },
		});
		expect(viaFile.stderr).toBe("");
		expect(viaFile.code).toBe(0);
		const none = await runCli(["state", "list", "--state", bare], {
			env: { PGPASSWORD: undefined, PGPASSFILE: join(tempDir(), "none") },
		});
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(
			/^The state database postgres:\/\/pivotal@127\.0\.0\.1:\d+\/\w+ asked for a password and none was given; put it in the URL, PGPASSWORD or ~\/\.pgpass\.\n$/,
		);
	});

	it("usage: --state and --checkpoint together refused; undo of a name the database does not hold says so", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const both = await runCli(
			["import", files.customers, "--state", url, "--checkpoint", "x.json", "--headless"],
			{
				env,
			},
		);
		expect(both.code).toBe(2);
		expect(both.stderr).toBe(
			"Give the state once: --state LOC, or --checkpoint FILE (a file only), not both.\n",
		);
		const none = await runCli(["undo", files.customers, "--state", url, "--name", "nope", "--yes"], { env });
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(
			/^There is no import state at postgres:\/\/pivotal:\*\*\*@[^ ]+ \(import nope\), so there is nothing to undo; give the --name the import ran under\.\n$/,
		);
		expect(sim.counters().requests).toBe(0);
	});
});
