import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCrmId, checkId } from "../../src/source/cell-checks.js";
import { formatProblem, validateSources } from "../../src/source/index.js";
import { tempDir } from "../support/temp-dirs.js";

async function customers(text: string): Promise<string> {
	const path = join(await tempDir("pivotal-crm-ids-"), "customers.csv");
	await writeFile(path, text);
	return path;
}

describe("CRM ids in the customers file", () => {
	it("refuses an id Excel turned into scientific notation, naming the cell and what to do", async () => {
		const file = await customers(
			"external_id,name,hubspot_company_id\nc1,Acme,1.23457E+11\n4.5E+15,Globex,9001\nc3,Initech,123456789012\n",
		);
		const check = await validateSources({ customers: file });
		const lines = check.problems.map((p) => formatProblem(p));
		expect(check.problemCount).toBe(2);
		expect(lines[0]).toContain(":2:3:");
		expect(lines[0]).toContain(
			'hubspot_company_id "1.23457E+11" is an id Excel mangled into scientific notation',
		);
		expect(lines[0]).toContain("format the column as Text");
		expect(lines[1]).toContain(":3:1:");
		expect(lines[1]).toContain('external_id "4.5E+15" is an id Excel mangled');
	});

	it.each([
		"hubspot_company_id",
		"stripe_customer_id",
		"intercom_company_id",
		"hubspot_deal_id",
		"slack_channel_id",
	])("refuses two rows with one %s, as it refuses two with one external_id", async (field) => {
		const file = await customers(
			`external_id,name,${field}\nc1,Acme,X-1\nc2,Globex,X-2\nc3,Initech,X-1\nc4,Hooli,\nc5,Umbrella,\n`,
		);
		const check = await validateSources({ customers: file });
		expect(check.problemCount).toBe(1);
		const line = formatProblem(check.problems[0]!);
		expect(line).toContain(":4:3:");
		expect(line).toContain(`${field} "X-1" is already used on line 2`);
		expect(line).toContain("would both claim the same customer");
	});
});

describe("an id in scientific notation", () => {
	// Excel's own shape: a capital E and a signed exponent (`22E1` typed becomes `2.20E+02`).
	it.each(["1.23457E+11", "1.2E+04", "1.20E+04", "1E+11", "1.2E-05", "1,23457E+11", "-4.5E+15"])(
		"%j, as Excel writes a number, is refused as an id Excel mangled",
		(value) => {
			expect(checkId(value, "external_id")).toMatch(/is an id Excel mangled into scientific notation/);
			expect(checkCrmId(value, "intercom_company_id")).toMatch(/is an id Excel mangled/);
		},
	);

	// Excel never writes a lower-case e nor an unsigned exponent: the cell is the id (finding U17).
	it.each([
		"12E3",
		"4e2",
		"7E1",
		"3e45",
		"5e3",
		"1e10",
		"1.2e+04",
		"1.2E04",
		"E+11",
		"1E+",
		"6e2a",
		"deadbeef",
	])("%j is an id as written", (value) => {
		expect(checkId(value, "external_id")).toBeUndefined();
		expect(checkCrmId(value, "intercom_company_id")).toBeUndefined();
	});
});
