import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { testPostgres } from "../support/postgres.js";
import { tempDir } from "../support/temp-dirs.js";

const db = testPostgres();

describe("state refusals in one sentence (the built binary against a real server)", () => {
	it("state copy onto the same database, or into a folder that does not exist, is refused before connecting", async () => {
		const url = await db.newDatabase();
		const onto = await runCli(["state", "copy", url, url, "--name", "n1"]);
		expect(onto.code).toBe(2);
		expect(onto.stderr).toMatch(/^FROM and TO are the same database \(postgres:\/\/pivotal:\*\*\*@[^)]+\): /);
		expect(onto.stderr).not.toMatch(/pid/);
		const missing = join(tempDir(), "nodir", "x.json");
		const nodir = await runCli(["state", "copy", url, missing, "--name", "n1"]);
		expect(nodir.code).toBe(2);
		expect(nodir.stderr).toContain("nodir does not exist; create it");
		expect(nodir.stderr).not.toContain("free some space");
	});

	it("a user without CREATE on the database is told so, exit 2, not to run again", async () => {
		const url = await db.newDatabase();
		const database = url.split("/").pop() ?? "";
		await db.query("postgres", "DROP ROLE IF EXISTS weakling");
		await db.query("postgres", "CREATE ROLE weakling LOGIN PASSWORD 'weak-pw-1'");
		await db.query("postgres", `GRANT CONNECT ON DATABASE ${database} TO weakling`);
		const weak = url.replace(/\/\/[^@]+@/, "//weakling:weak-pw-1@");
		const listed = await runCli(["state", "list", "--state", weak]);
		expect(listed.code).toBe(2);
		expect(listed.stderr).toContain(
			"may not use or create the schema pivotal_tui; grant it USAGE on that schema",
		);
		expect(listed.stderr).not.toContain("resume");
		expect(listed.stderr).not.toContain("weak-pw-1");
	});

	it("a user that may read the state's tables but not write them is told what to grant, exit 2, not to resume", async () => {
		const url = await db.newDatabase();
		const database = url.split("/").pop() ?? "";
		// The schema made by its owner, then a role that may only read it.
		expect((await runCli(["state", "list", "--state", url])).code).toBe(0);
		await db.query("postgres", "DROP ROLE IF EXISTS reader");
		await db.query("postgres", "CREATE ROLE reader LOGIN PASSWORD 'read-pw-1'");
		await db.query("postgres", `GRANT CONNECT ON DATABASE ${database} TO reader`);
		await db.query(database, "GRANT USAGE ON SCHEMA pivotal_tui TO reader");
		await db.query(database, "GRANT SELECT ON ALL TABLES IN SCHEMA pivotal_tui TO reader");
		const reader = url.replace(/\/\/[^@]+@/, "//reader:read-pw-1@");
		const dir = tempDir();
		const planned = await runCli(
			["import", join(dir, "c.csv"), "--state", reader, "--name", "r1", "--dry-run", "--headless"],
			{
				env: { PIVOTAL_API_KEY: "pk_test_unused", PIVOTAL_API_URL: "http://127.0.0.1:9" },
			},
		);
		expect(planned.code).toBe(2);
		expect(planned.stderr).toContain("may not use the state's tables (");
		expect(planned.stderr).toContain(
			"grant it USAGE on the schema pivotal_tui and SELECT, INSERT, UPDATE and DELETE",
		);
		expect(planned.stderr).not.toContain("resume");
		expect(planned.stderr).not.toContain("read-pw-1");
	});
});
