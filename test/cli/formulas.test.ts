import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { csvCell, neutralizeFormula } from "../../src/report/failures-csv.js";
import { runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY, tempDir } from "../support/import-harness.js";

const FORMULAS = fileURLToPath(new URL("../../fixtures/edge/formulas.csv", import.meta.url));

describe("cells that look like spreadsheet formulas", () => {
	const prepared = simulatorsPerTest();

	it("are sent as plain data, and neutralised in the exported failures CSV", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		copyFileSync(FORMULAS, customers);
		// f-2 is refused by the server, so it lands in the failures CSV.
		sim.pushFault({
			method: "POST",
			route: "/customers",
			match: { "metadata.external_id": "f-2" },
			status: 400,
			code: "invalid_plan",
			field: "plan",
		});
		const failures = join(dir, "failures.csv");
		const result = await runCli(["import", customers, "--yes", "--failures-csv", failures], {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl },
		});
		expect(result.code).toBe(1);
		const stored = sim
			.state()
			.customers.find((c) => (c.metadata as Record<string, unknown>).external_id === "f-1");
		expect(stored).toMatchObject({
			name: "=cmd|' /C calc'!A0",
			plan: "+1+1",
			metadata: { note: "@SUM(A1:A9)" },
		});
		const csv = readFileSync(failures, "utf8");
		expect(csv).toContain(`'-2+3`);
		expect(csv).toContain(`"'=HYPERLINK(""http://x.test"",""click"")"`);
		// Cells are read trimmed, so the tab in front of this one is gone; the formula is still neutralised.
		expect(csv).toContain(`'=1+1`);
		expect(csv).not.toMatch(/(^|,)[=+\-@]/m);
	});

	it("only formula starters are quoted away", () => {
		expect(neutralizeFormula("Acme")).toBe("Acme");
		expect(neutralizeFormula("=1+1")).toBe("'=1+1");
		expect(csvCell('say "hi", then')).toBe('"say ""hi"", then"');
	});
});
