import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";

const BAD = fileURLToPath(new URL("../../fixtures/bad/", import.meta.url));
const cases = readdirSync(BAD, { withFileTypes: true })
	.filter((entry) => entry.isDirectory())
	.map((entry) => entry.name);

/** Which file of a case holds the fault, and its line, from fixtures/bad/README.md. */
function expectedLocation(name: string): string {
	const row = /\| `([^`]+)` \| (\S+?) \|/g;
	const readme = readReadme();
	for (const match of readme.matchAll(row)) if (match[1] === name) return match[2] ?? "";
	throw new Error(`fixtures/bad/README.md has no row for ${name}`);
}

let readme: string | undefined;
function readReadme(): string {
	readme ??= readFileSync(join(BAD, "README.md"), "utf8");
	return readme;
}

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ rateLimit: 100_000 });
});
afterAll(async () => {
	await sim.close();
});

describe("malformed input through the binary: exit 2, the line named, nothing sent", () => {
	it("has at least 12 kinds of malformed input", () => {
		expect(cases.length).toBeGreaterThanOrEqual(12);
	});

	it.each(cases)("%s", async (name) => {
		const dir = join(BAD, name);
		const args = ["import", join(dir, "customers.csv"), "--yes"];
		for (const pass of ["contacts", "onboardings"]) {
			const file = join(dir, `${pass}.csv`);
			if (existsSync(file)) args.push(`--${pass}`, file);
		}
		if (existsSync(join(dir, "map.json"))) args.push("--map", join(dir, "map.json"));
		const result = await runCli(args, { env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl } });
		expect(result.code).toBe(2);
		const location = expectedLocation(name);
		const [file, line] = location.split(":");
		expect(result.stderr).toContain(`${join(dir, file ?? "")}:${line}`);
		expect(result.stderr).toMatch(/Nothing was sent/);
		expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
		expect(result.stdout).toBe("");
		expect(sim.counters().requests).toBe(0);
	});
});
