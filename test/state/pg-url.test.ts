import { describe, expect, it } from "vitest";
import { driverSays } from "../../src/core/state/pg-errors.js";
import { defaultImportName, maskUrl, redact, stateLocation } from "../../src/core/state/pg-url.js";
import { runCli } from "../support/cli.js";

describe("maskUrl", () => {
	it.each([
		["postgres://sync:s3cr%2Ft@db.internal:5432/pivotal", "postgres://sync:***@db.internal:5432/pivotal"],
		["postgresql://sync@db/pivotal?sslmode=require&password=x", "postgresql://sync@db/pivotal"],
		["postgres://db/pivotal", "postgres://db/pivotal"],
		["postgres://a:b@[bad", "postgres://…"],
		// A password with @, / or # not percent-encoded: everything before the last @ is hidden.
		["postgres://weak:we@k/p#ss?w@127.0.0.1:54329/other", "postgres://***@127.0.0.1:54329/other"],
		["postgres://u:a/b@h:5432/db?sslmode=require", "postgres://***@h:5432/db"],
		["postgres://u:a#b@h/db", "postgres://***@h/db"],
	])("%s → %s", (url, shown) => {
		expect(maskUrl(url)).toBe(shown);
	});
});

describe("a URL whose password is not percent-encoded (the built binary)", () => {
	it("is refused in one sentence that shows no part of the password and says to percent-encode it", async () => {
		const url = "postgres://weak:we@k/p#ss?w@127.0.0.1:9/other";
		const result = await runCli(["state", "list", "--state", url]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("postgres://***@127.0.0.1:9/other");
		expect(result.stderr).toContain("percent-encoded");
		for (const part of ["we@k", "p#ss", "ss?w", "weak:"]) expect(result.stderr).not.toContain(part);
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
	});
});

describe("sslmode=require (the built binary)", () => {
	it("prints no driver notice: the refusal is its one sentence", async () => {
		const result = await runCli([
			"state",
			"list",
			"--state",
			"postgres://u:p@127.0.0.1:9/db?sslmode=require",
		]);
		expect(result.code).toBe(2);
		expect(result.stderr).not.toContain("SECURITY WARNING");
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
	});
});

describe("redact", () => {
	const url = "postgres://sync:p%40ss-word@db.internal/pivotal";
	it("masks the URL and the password, encoded or not, and PGPASSWORD", () => {
		const text = `connect ${url} failed: password p@ss-word / p%40ss-word / env-secret-9 rejected`;
		expect(redact(text, url, { PGPASSWORD: "env-secret-9" })).toBe(
			"connect postgres://sync:***@db.internal/pivotal failed: password *** / *** / *** rejected",
		);
	});
	it("driver messages: one line, redacted, control characters shown escaped", () => {
		const error = new Error(`boom\u001b[31m ${url}\nsecond line`);
		expect(driverSays(error, url)).toBe("boom\\x1b[31m postgres://sync:***@db.internal/pivotal second line");
	});
});

describe("where the state lives", () => {
	it.each([
		[{}, {}, { kind: "file", path: "c.csv.checkpoint.json" }],
		[{ checkpoint: "x.json" }, { PIVOTAL_STATE_URL: "postgres://h/db" }, { kind: "file", path: "x.json" }],
		[{ state: "s.json" }, {}, { kind: "file", path: "s.json" }],
		[
			{},
			{ PIVOTAL_STATE_URL: "postgres://h/db" },
			{ kind: "postgres", url: "postgres://h/db", name: "customers" },
		],
		[
			{ state: "postgresql://h/db", name: "nightly" },
			{ PIVOTAL_STATE_URL: "postgres://other/db" },
			{ kind: "postgres", url: "postgresql://h/db", name: "nightly" },
		],
	])("%j with %j", (flags, env, expected) => {
		expect(stateLocation(flags, env, "exports/customers.csv", "c.csv.checkpoint.json")).toEqual(expected);
	});
	it.each([
		["exports/customers.csv", "customers"],
		["book.xlsx#Sheet 1", "book"],
		["nightly", "nightly"],
		["a/b/crm.export.tsv", "crm.export"],
	])("the default name of %s is %s", (file, name) => {
		expect(defaultImportName(file)).toBe(name);
	});
});
