/**
 * A file name is outside input: one with a line break (or another control character) is printed
 * escaped by every headless sentence and error that names it, as the wizard draws it (finding
 * N7's helper), never as a raw line break that splits or fakes a line.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const prepared = simulatorsPerTest();

describe("file names with control characters in headless output", () => {
	it("are escaped in the run's sentences, its summary and its refusals", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const dir = tempDir();
		const customers = join(dir, "ev\nil\tname.csv");
		writeFileSync(customers, "external_id,name\nn1,Name One\n");
		const shown = join(dir, "ev\\x0ail\\x09name.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };

		const run = await runCli(["import", customers, "--yes"], { env });
		expect(run.code).toBe(0);
		expect(run.stdout).toContain(`customers ${shown}: ","-delimited`);
		expect(run.stdout).toContain(`checkpoint ${shown}.checkpoint.json`);
		expect(run.stdout + run.stderr).not.toContain("ev\nil");

		const missing = await runCli(["import", customers, "--contacts", join(dir, "no\nsuch.csv")], { env });
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain(`${join(dir, "no\\x0asuch.csv")}: the file does not exist`);
		expect(missing.stderr).not.toContain("no\nsuch");

		const dry = await runCli(["import", customers, "--dry-run", "--map", join(dir, "m\r.json")], { env });
		expect(dry.code).toBe(2);
		expect(dry.stderr).toContain("m\\x0d.json");
		expect(dry.stderr).not.toContain("m\r");
	});
});

describe("controlNames", () => {
	it("takes the values with control characters and the parts of them a derived path holds", async () => {
		const { controlNames, nameEscaper } = await import("../../src/cli/name-filter.js");
		const names = controlNames(["import", "/data/a\nb/c.csv", "--map=m\tx.json", "plain.csv"]);
		expect(names).toEqual(["/data/a\nb/c.csv", "/data/a\nb", "m\tx.json", "m\tx"]);
		const escapeNames = nameEscaper(names);
		expect(escapeNames("checkpoint /data/a\nb/c.csv.checkpoint.json\n")).toBe(
			"checkpoint /data/a\\x0ab/c.csv.checkpoint.json\n",
		);
		expect(escapeNames("map /data/a\nb/c.map.json")).toBe("map /data/a\\x0ab/c.map.json");
	});
});
