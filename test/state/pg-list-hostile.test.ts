import pg from "pg";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { testPostgres } from "../support/postgres.js";
import { tempDir } from "../support/temp-dirs.js";

const db = testPostgres();

describe("state list and --name against hostile names (the built binary against a real server)", () => {
	it("--name with a control character is refused in one sentence, exit 2, nothing created", async () => {
		const url = await db.newDatabase();
		const dir = tempDir();
		const result = await runCli(
			["import", `${dir}/customers.csv`, "--state", url, "--name", "n1\nNAME  fake", "--headless"],
			{
				env: { PIVOTAL_API_KEY: "pk_test_unused", PIVOTAL_API_URL: "http://127.0.0.1:9" },
			},
		);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("line break (\\x0a)");
		expect(result.stderr).toContain("give --name a name without control characters");
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
	});

	it("--name with a space at an end is refused in one sentence, exit 2: it would start a second state", async () => {
		const url = await db.newDatabase();
		const dir = tempDir();
		const result = await runCli(
			["import", `${dir}/customers.csv`, "--state", url, "--name", "n1 ", "--headless"],
			{
				env: { PIVOTAL_API_KEY: "pk_test_unused", PIVOTAL_API_URL: "http://127.0.0.1:9" },
			},
		);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("starts or ends with a space; give --name without it (“n1”)");
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
	});

	it("state list escapes every cell, and a lock of the same key in another database is not a run", async () => {
		const url = await db.newDatabase();
		const other = await db.newDatabase();
		const database = url.split("/").pop() ?? "";
		expect((await runCli(["state", "list", "--state", url])).stdout).toContain("holds no import yet");
		await db.query(
			database,
			"INSERT INTO pivotal_tui.imports (name, header, counters) VALUES ($1, $2, '{}'), ('n1', $3, '{}')",
			[
				"evil\u001b[2J\nn2  fake  row",
				JSON.stringify({
					runId: "a",
					baseUrl: "http://x",
					workspace: { id: "w", name: "W\u001b]0;pwn\u0007" },
				}),
				JSON.stringify({ runId: "b", baseUrl: "http://x" }),
			],
		);
		// The same advisory key held in another database of the server.
		const holder = new pg.Client({ connectionString: other });
		await holder.connect();
		try {
			await holder.query("SELECT pg_advisory_lock(hashtextextended('pivotal_tui:n1', 0))");
			const listed = await runCli(["state", "list", "--state", url]);
			expect(listed.code).toBe(0);
			expect(listed.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
			const lines = listed.stdout.trimEnd().split("\n");
			expect(lines).toHaveLength(3);
			expect(listed.stdout).toContain("evil\\x1b[2J\\x0an2  fake  row");
			expect(listed.stdout).toContain("W\\x1b]0;pwn\\x07");
			const n1 = lines.find((line) => line.startsWith("n1 "));
			expect(n1).toBeDefined();
			expect(n1).not.toContain("running");
		} finally {
			await holder.end();
		}
	});
});
