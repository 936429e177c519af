import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CheckpointData, readCheckpoint } from "../../src/core/checkpoint/index.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import { PASSES } from "../../src/model/records.js";
import { runCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { simulatorsPerTest, TEST_KEY, tempDir } from "../support/import-harness.js";
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

function plain(data: CheckpointData | undefined) {
	if (!data) throw new Error("no state");
	return {
		header: data.header,
		counters: data.counters,
		records: Object.fromEntries(PASSES.map((pass) => [pass, Object.fromEntries(data.records[pass])])),
	};
}

describe("pivotal-tui state copy", () => {
	it("file → Postgres → file round-trips an import with revisions, and a sync after each copy sends nothing for unchanged rows", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 20, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const first = await runCli(importArgs(files), { env });
		expect(first.code, first.stdout + first.stderr).toBe(0);
		editRows(files.customers, "name", 4, (old) => `${old} v2`);
		expect((await runCli(importArgs(files), { env })).code).toBe(0);
		const file = `${files.customers}.checkpoint.json`;
		const original = plain(await readCheckpoint(file));
		const revised = Object.values(original.records.customers ?? {}).filter((s) => "ch" in s && s.ch?.length);
		expect(revised).toHaveLength(4);

		const url = await db.newDatabase();
		const up = await runCli(["state", "copy", file, url], { env });
		expect(up.stderr).toBe("");
		expect(up.code).toBe(0);
		expect(up.stdout).toMatch(
			/^Copied the state of .*customers\.csv\.checkpoint\.json to postgres:\/\/pivotal:\*\*\*@127\.0\.0\.1:\d+\/\w+ \(import customers\): 20 customers, 20 contacts, 20 onboardings, with their revisions and counters\.\n$/,
		);
		// A second copy to the same name would overwrite: refused.
		const again = await runCli(["state", "copy", file, url], { env });
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/already holds a state; copy under another --name/);

		const back = join(tempDir(), "back.checkpoint.json");
		const down = await runCli(["state", "copy", url, back, "--name", "customers"], { env });
		expect(down.code).toBe(0);
		expect(down.stdout + down.stderr).not.toContain(PG_PASSWORD);
		expect(plain(await readCheckpoint(back))).toEqual(original);
		// Written beside it and linked into place once whole: nothing else is left in the folder.
		expect(readdirSync(dirname(back))).toEqual(["back.checkpoint.json"]);
		const overwrite = await runCli(["state", "copy", url, back, "--name", "customers"], { env });
		expect(overwrite.code).toBe(2);
		expect(overwrite.stderr).toBe(
			`${back} already exists; copy to a new file so that no state is overwritten.\n`,
		);

		// Each copy carries on where the file left off: GET /me only.
		let before = sim.counters().requests;
		const fromDb = await runCli(importArgs(files, "--state", url), { env });
		expect(fromDb.code, fromDb.stdout + fromDb.stderr).toBe(0);
		expect(sim.counters().requests - before).toBe(1);
		before = sim.counters().requests;
		const fromCopy = await runCli(importArgs(files, "--checkpoint", back), { env });
		expect(fromCopy.code).toBe(0);
		expect(sim.counters().requests - before).toBe(1);

		// The database knows the import and how its last run ended.
		const listed = await runCli(["state", "list", "--state", url], { env });
		expect(listed.stdout).toMatch(/^customers\s+\S.*\s60\s+\S+Z\s+completed$/m);
	});

	it("says what is wrong in one sentence: no state to copy, an unknown name, bad usage", async () => {
		const url = await db.newDatabase();
		const dir = tempDir();
		const missing = await runCli(["state", "copy", join(dir, "none.checkpoint.json"), url]);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(
			/^There is no import state at .*none\.checkpoint\.json to copy; check FROM\.\n$/,
		);
		const unknown = await runCli(["state", "copy", url, join(dir, "x.checkpoint.json"), "--name", "nope"]);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(
			/^There is no import state at postgres:\/\/pivotal:\*\*\*@.* \(import nope\) to copy; check FROM and --name\.\n$/,
		);
		const usage = await runCli(["state", "move", "a", "b"]);
		expect(usage.code).toBe(2);
		expect(usage.stderr).toMatch(/^state takes copy FROM TO/);
		const list = await runCli(["state", "list"], { env: { PIVOTAL_STATE_URL: "" } });
		expect(list.code).toBe(2);
		expect(list.stderr).toMatch(/^state list needs a database/);
	});

	it("a copy into Postgres stopped half-way is no state to run from: listed and refused, and the same copy makes it whole", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 20, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(importArgs(files), { env })).code).toBe(0);
		const file = `${files.customers}.checkpoint.json`;
		const data = await readCheckpoint(file);
		const url = await db.newDatabase();
		// What a copy killed after its first records leaves: the import, marked, with some of them.
		const { PostgresState, COPY_UNFINISHED } = await import("../../src/core/state/pg-state.js");
		const target = await PostgresState.connect(url, "customers", {});
		const { store } = await target.open({
			create: () => data!.header,
			createCounters: { [COPY_UNFINISHED]: 1 },
		});
		for (const [key, state] of [...data!.records.customers].slice(0, 5)) store.set("customers", key, state);
		await store.flush();
		await target.release();

		const listed = await runCli(["state", "list", "--state", url], { env });
		expect(listed.stdout).toMatch(/customers .*unfinished copy \(run the same state copy again\)/);
		const before = sim.counters().requests;
		const refused = await runCli(importArgs(files, "--state", url), { env });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/is a copy that stopped before its end .* run the same state copy again/);
		expect(sim.counters().requests).toBe(before);

		const whole = await runCli(["state", "copy", file, url], { env });
		expect(whole.code, whole.stderr).toBe(0);
		const synced = await runCli(importArgs(files, "--state", url), { env });
		expect(synced.code, synced.stderr).toBe(0);
		// GET /me only: every record was copied, none is created or looked up again.
		expect(sim.counters().requests - before).toBe(1);
	});
});
