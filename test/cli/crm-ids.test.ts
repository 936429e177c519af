import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ rateLimit: 100_000 });
});
afterAll(async () => {
	await sim.close();
});

describe("CRM ids that would adopt the wrong customer (the built binary)", () => {
	it("two rows with one hubspot_company_id, or an id in scientific notation, refuse the run before anything is sent", async () => {
		const dir = tempDir();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const repeated = join(dir, "repeated.csv");
		writeFileSync(repeated, "external_id,name,hubspot_company_id\nc1,Acme,9001\nc2,Globex,9001\n");
		const first = await runCli(["import", repeated, "--yes"], { env });
		expect(first.code).toBe(2);
		expect(first.stderr).toContain(`${repeated}:3:3: hubspot_company_id "9001" is already used on line 2`);
		const mangled = join(dir, "mangled.csv");
		writeFileSync(mangled, "external_id,name,hubspot_company_id\nc1,Acme,1.23457E+11\n");
		const second = await runCli(["import", mangled, "--yes"], { env });
		expect(second.code).toBe(2);
		expect(second.stderr).toContain(
			`${mangled}:2:3: hubspot_company_id "1.23457E+11" is an id Excel mangled`,
		);
		expect(sim.counters().requests).toBe(0);
	});
});
