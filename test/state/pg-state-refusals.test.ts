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
		expect(listed.stderr).toContain("may not create the schema pivotal_tui; grant it CREATE on the database");
		expect(listed.stderr).not.toContain("resume");
		expect(listed.stderr).not.toContain("weak-pw-1");
	});
});
