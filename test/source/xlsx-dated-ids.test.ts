/**
 * An id a spreadsheet turned into a date (`12-3`, `MAR12` typed or opened in Excel become a date
 * cell shown `12-Mar`) or a time was read as the date it holds and sent as the customer's id:
 * refused now, naming the cell, as an id in scientific notation is (adversarial finding Q6).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCrmId, checkId } from "../../src/source/cell-checks.js";
import { validateSources } from "../../src/source/index.js";
import { tempDir } from "../support/temp-dirs.js";
import { xlsxParts, zipParts } from "../support/xlsx-writer.js";

function workbook(rows: readonly (readonly unknown[])[]): string {
	const path = join(tempDir("pivotal-dated-ids-"), "book.xlsx");
	writeFileSync(path, zipParts(xlsxParts({ sheets: [{ name: "Customers", rows: rows as never }] })));
	return path;
}

describe("an id turned into a date or a time", () => {
	it("in a workbook's date cell (external_id) or time cell (a CRM id): refused, naming the cell", async () => {
		const path = workbook([
			["external_id", "name", "hubspot_company_id"],
			[{ serial: 46093, format: "d-mmm" }, "Dated Co", "HS-1"],
			["ok-2", "Timed Co", { serial: 0.5, format: "h:mm" }],
			["ok-3", "Plain Co", "HS-3"],
		]);
		const check = await validateSources({ customers: path });
		expect(check.problems.map((p) => [p.line, p.column])).toEqual([
			[2, 1],
			[3, 3],
		]);
		expect(check.problems[0]?.message).toBe(
			'external_id "2026-03-12" is a date or a time, not an id (a spreadsheet turned the id into one: 12-3, MAR12 or SEPT2 typed or opened in Excel become dates); format the column as Text, put the ids back, and export again.',
		);
		expect(check.problems[1]?.message).toMatch(
			/^hubspot_company_id "12:00(:00)?" is a date or a time, not an id/,
		);
	});

	it.each([
		"2026-03-12",
		"2026-03-12T10:30",
		"2026-03-12 10:30:00",
		"12:00",
		"9:30:00",
		// As Excel shows and saves a date cell it made of an id (adversarial finding T14).
		"12-Mar",
		"2-Jan",
		"Mar-12",
		"31-dec",
		// A short date in a locale's order, as Excel saves one to a CSV (finding T14).
		"2/28/2026",
		"28/02/2026",
		"28.02.2026",
		"2/28/26",
		"2026/2/28",
		"1.2.2026",
		// Other locales' short dates and Excel's own date formats (adversarial finding U3).
		"28-2-2026",
		"28-02-2026",
		"2-28-2026",
		"28. 2. 2026",
		"28.2.2026.",
		"2026. 02. 28.",
		"2026. 2. 28",
		"31.12.99",
		"28.02.26",
		"2/29/96",
		"12-Mar-26",
		"12-Mar-2026",
		"02-Sep",
		"29-Feb",
		"29-Feb-24",
		"12. Mrz",
		"12.Mrz",
		"12-Mär",
		"12-Mai",
		"3-Okt",
		"24-Dez",
		"12-mars",
		"1-janv.",
		"12-févr.",
		"3-avr.",
		"21-juin",
		"14-juil.",
		"15-août",
		"2-sept.",
		"25-déc.",
		"12-janv.-26",
		"6-ene",
		"23-abr",
		"15-ago",
		"24-dic",
		"12-mrt",
		"5-mei",
		"12-май",
		"8-мар",
		"12-gen",
		"7-out",
		// Date-times (Excel's m/d/yyyy h:mm, what an ISO date-time is saved as) and 12-hour times.
		"2/28/2026 10:30",
		"3/12/2026 0:00",
		"28.02.2026 10:30",
		"28-02-2026 10:30:15",
		"2/28/2026 10:30 AM",
		"10:30 AM",
		"10:30:00 PM",
		"9:05 pm",
		"12:00 AM",
	])("%j is refused as an id", (value) => {
		expect(checkId(value, "external_id")).toMatch(/is a date or a time, not an id/);
		expect(checkCrmId(value, "hubspot_company_id")).toMatch(/is a date or a time, not an id/);
	});

	it.each([
		"2026-03",
		"20260312",
		"ACME-2026-03-12",
		"12:00 PM-desk",
		"1234-56",
		"c-1234-56-78",
		"1234-56-78",
		"9999-99-99",
		"4711-13-15",
		"99:99",
		"24:00",
		// No such day (adversarial finding T7).
		"2026-02-30",
		"2025-02-29",
		"12-March",
		"32-Mar",
		"Mar-123",
		"13/13/2026",
		"2/30/2026",
		"1/2",
		"1.2.3",
		"10.2.1",
		"2/28/1850",
		"12/12/12345",
		"A2/28/2026",
		"2026/13/1",
		"v1.2.2026x",
		"1.2.26",
		// Ids shaped like the forms of finding U3, which are no date as Excel writes one.
		"1-2",
		"12-03",
		"A-12",
		"Q1-2026",
		"5-2026",
		"2024-Q1",
		"2026-001",
		"2026-2-28",
		"12-10-20",
		"28-2-26",
		"1-2-3",
		"13-13-2026",
		"30-2-2026",
		"1-2-1850",
		"1.10.2",
		"v1.2.10",
		"01.02.03",
		"12.10.20",
		"13.1.20",
		"12.12.12",
		"32.01.99",
		"31.02.99",
		"28. 2. 26",
		"1. 2. 3",
		"2026.02.28",
		"2026. 13. 1.",
		"12-March",
		"12-Marx",
		"12-Mar26",
		"12-Mar-123",
		"12-Mar-1850",
		"0-Mar",
		"00-Mar",
		"Mai-12",
		"Dez-26",
		"12-Q1",
		// No such day: Excel keeps these as text, so the cell is the id (finding U10).
		"31-Apr",
		"30-Feb",
		"31-Jun",
		"30-Feb-24",
		"29-Feb-25",
		"13:30 PM",
		"0:30 AM",
		"10:30 AMX",
		"25:00",
		"12:60",
		"2/28/2026 25:00",
		"2/28/2026 10:30 XM",
		"1.2.3 10:30",
	])("%j is an id as ever", (value) => {
		expect(checkId(value, "external_id")).toBeUndefined();
		expect(checkCrmId(value, "hubspot_company_id")).toBeUndefined();
	});
});

describe("an id in a workbook's number cell past 15 digits", () => {
	it("stored in scientific notation (Excel's own way): refused as an id whose last digits are lost (finding S16)", async () => {
		const parts = xlsxParts({
			sheets: [
				{
					name: "Customers",
					rows: [
						["external_id", "name"],
						[777, "Long Co"],
						["ok-2", "Short Co"],
					],
				},
			],
		});
		const sheet = Object.keys(parts).find((name) => name.startsWith("xl/worksheets/"))!;
		const path = join(tempDir("pivotal-long-ids-"), "book.xlsx");
		// As Excel writes a 19-digit number: its double, in scientific notation.
		const xml = String(parts[sheet]).replace("<v>777</v>", "<v>1.2345678901234568E+18</v>");
		expect(xml).toContain("1.2345678901234568E+18");
		writeFileSync(path, zipParts({ ...parts, [sheet]: xml }));
		const check = await validateSources({ customers: path });
		expect(check.problems.map((p) => [p.line, p.column])).toEqual([[2, 1]]);
		expect(check.problems[0]?.message).toMatch(/is an id Excel mangled into scientific notation/);
	});
});

describe("an id that starts with +", () => {
	it("digits after it are a phone number's form, an id (adversarial finding S8); anything else is a formula's text", () => {
		for (const phone of ["+4915005", "+49 150 05", "+1-555-0100", "+1 (555) 0100"])
			expect(checkId(phone, "external_id")).toBeUndefined();
		for (const formula of ["+A52", "+cmd|calc", "+", "+49+1", "=A52", "@SUM(A1)"])
			expect(checkId(formula, "external_id")).toMatch(/is a formula's text, not an id/);
	});
});
