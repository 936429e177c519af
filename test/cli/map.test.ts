import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";

const EXPORTS = join(import.meta.dirname, "../../fixtures/exports");
const HUBSPOT = join(EXPORTS, "hubspot");
const hubspotArgs = [
	"import",
	join(HUBSPOT, "companies.csv"),
	"--contacts",
	join(HUBSPOT, "contacts.csv"),
	"--onboardings",
	join(HUBSPOT, "projects.csv"),
	"--map",
	join(HUBSPOT, "map.json"),
];

let sim: Simulator;
let dir: string;
beforeAll(async () => {
	sim = await startSimulator({ rateLimit: 100_000 });
	dir = mkdtempSync(join(tmpdir(), "pivotal-cli-map-"));
});
afterAll(async () => {
	await sim.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	sim.reset();
});

const env = () => ({ PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl });

describe("import --map, --encoding, --delimiter (the built binary)", () => {
	it("--dry-run says how each file is read: delimiter, encoding, map, ignored columns", async () => {
		const result = await runCli([...hubspotArgs, "--dry-run"], { env: env() });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(
			`customers ${join(HUBSPOT, "companies.csv")}: ";"-delimited, UTF-8, map ${join(HUBSPOT, "map.json")}; ignored: Create Date`,
		);
		expect(result.stdout).toContain(
			`onboardings ${join(HUBSPOT, "projects.csv")}: ","-delimited, UTF-8, map`,
		);
		expect(result.stdout).toContain("4 customers, 4 contacts, 3 onboardings");
		expect(sim.counters().requests).toBe(0);
	});

	it("imports through the map headless, every record once", async () => {
		const checkpoint = join(dir, "hubspot.checkpoint.json");
		const result = await runCli([...hubspotArgs, "--yes", "--checkpoint", checkpoint], { env: env() });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const state = sim.state();
		expect(
			state.customers.map((c) => [(c.metadata as Record<string, unknown>).external_id, c.status]).sort(),
		).toEqual([
			["9001", "active"],
			["9002", "churned"],
			["9003", "active"],
			["9004", "active"],
		]);
		expect(state.contacts.map((c) => c.name).sort()).toEqual(["Ann Lee", "Bob", "Chen Wu", "Dana Ortiz"]);
		expect(state.onboardings.map((o) => o.state).sort()).toEqual(["active", "at_risk", "waiting"]);
	});

	it("the failures CSV reads the files through the map too: the failed row under its own headers", async () => {
		sim.pushFault({
			method: "POST",
			route: "/customers",
			match: { "metadata.external_id": "9002" },
			status: 400,
			code: "invalid_domain",
			field: "domain",
			message: "domain is blocked here.",
		});
		const failures = join(dir, "failures.csv");
		const checkpoint = join(dir, "failing.checkpoint.json");
		const result = await runCli(
			[...hubspotArgs, "--yes", "--checkpoint", checkpoint, "--failures-csv", failures],
			{
				env: env(),
			},
		);
		expect(result.code).toBe(1);
		const text = readFileSync(failures, "utf8");
		expect(text).toContain("Record ID");
		expect(text).toContain("Lifecycle Stage");
		expect(text).toContain("invalid_domain");
		expect(text).toContain("Former Customer");
		// The customer's contact and onboarding are blocked by it, and listed as such.
		expect(text).toContain("chen@brightfuture.io");
		expect(text).toContain("Bright pilot");
	});

	it("a Windows-1252 file without --encoding: exit 2 naming the likely code page and the option", async () => {
		const file = join(EXPORTS, "windows-1252", "customers.csv");
		const result = await runCli(["import", file, "--dry-run"], { env: env() });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`${file}:2: this line has bytes that are not valid UTF-8`);
		expect(result.stderr).toContain("--encoding windows-1252 if it came from Excel");
		const fixed = await runCli(["import", file, "--dry-run", "--encoding", "windows-1252"], { env: env() });
		expect(fixed.code).toBe(0);
		expect(fixed.stdout).toContain('","-delimited, windows-1252 (--encoding)');
	});

	it.each([
		[["--encoding", "klingon"], '--encoding "klingon" is not an encoding this program knows'],
		[["--delimiter", ":"], '--delimiter ":" is not one of , ; tab |'],
		[["--map", "/nonexistent/map.json"], "/nonexistent/map.json: the map file does not exist"],
	])("%j: exit 2 with one sentence, nothing sent", async (extra, message) => {
		const result = await runCli(["import", join(EXPORTS, "semicolon", "customers.csv"), "--yes", ...extra], {
			env: env(),
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(message);
		expect(result.stderr).toContain("Nothing was sent");
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(sim.counters().requests).toBe(0);
	});

	it("without --map, a foreign header gets one sentence, and the map the wizard saved is pointed at", async () => {
		copyFileSync(join(HUBSPOT, "companies.csv"), join(dir, "companies.csv"));
		copyFileSync(join(HUBSPOT, "map.json"), join(dir, "companies.map.json"));
		const result = await runCli(["import", join(dir, "companies.csv"), "--dry-run"], { env: env() });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("is a customers column; map them to ours with --map FILE");
		expect(result.stderr).toContain(
			`add --map ${join(dir, "companies.map.json")} to read the files through it`,
		);
		const mapped = await runCli(
			["import", join(dir, "companies.csv"), "--dry-run", "--map", join(dir, "companies.map.json")],
			{ env: env() },
		);
		expect(mapped.code).toBe(0);
	});

	it("--delimiter forces the delimiter the plan names", async () => {
		const file = join(EXPORTS, "utf16", "customers.csv");
		const result = await runCli(["import", file, "--dry-run", "--delimiter", "tab"], { env: env() });
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("tab-delimited (--delimiter), UTF-16LE (BOM)");
	});
});
