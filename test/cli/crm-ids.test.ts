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

	it("ids another locale's Excel saved as dates refuse the run; ids shaped like 12E3 are sent as written (findings U3, U17)", async () => {
		const dir = tempDir();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const dated = join(dir, "dated.csv");
		writeFileSync(dated, "external_id,name\n12. Mrz,Twelve Three\n28-2-2026,Other\nA1,Keep\n");
		const before = sim.counters().requests;
		const refused = await runCli(["import", dated, "--yes"], { env });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain(`${dated}:2:1: external_id "12. Mrz" is a date or a time, not an id`);
		expect(refused.stderr).toContain(`${dated}:3:1: external_id "28-2-2026" is a date or a time, not an id`);
		expect(sim.counters().requests).toBe(before);
		const coded = join(dir, "coded.csv");
		writeFileSync(coded, "external_id,name,intercom_company_id\n12E3,Unit,5e3\n4e2,Room,1e10\n");
		const sent = await runCli(["import", coded, "--yes"], { env });
		expect(sent.code, sent.stderr).toBe(0);
		const live = sim.state().customers.filter((c) => !c.deleted);
		expect(live.map((c) => [c.name, c.metadata, c.intercom_company_id])).toEqual([
			["Unit", { external_id: "12E3" }, "5e3"],
			["Room", { external_id: "4e2" }, "1e10"],
		]);
	});
});
