import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isExcelError } from "../../../src/source/clean/index.js";
import { formatProblem, validateSources } from "../../../src/source/index.js";
import { tempDir } from "../../support/temp-dirs.js";
import { xlsxParts, zipParts } from "../../support/xlsx-writer.js";

describe("isExcelError", () => {
	it.each<[string, boolean]>([
		["#N/A", true],
		["#REF!", true],
		["#VALUE!", true],
		["#DIV/0!", true],
		["#NAME?", true],
		["#NULL!", true],
		["#NUM!", true],
		["#n/a", true],
		["#ERROR!", true],
		["#1 Pizza", false],
		["N/A", false],
		["#", false],
		["Acme", false],
	])("%s → %s", (value, expected) => {
		expect(isExcelError(value)).toBe(expected);
	});
});

describe("error values are refused as invalid, naming the cell", () => {
	it("in a CSV cell (as Excel and Google Sheets save them)", async () => {
		const path = join(await tempDir("pivotal-excel-errors-"), "customers.csv");
		await writeFile(path, "external_id,name,plan\nc1,#N/A,pro\nc2,Globex,#REF!\nc3,Initech,pro\n");
		const check = await validateSources({ customers: path });
		expect(check.problems.map((p) => formatProblem(p))).toEqual([
			`${path}:2:2: name "#N/A" is an Excel error value (a formula that failed), not data; fix the formula or clear the cell in the spreadsheet and export again, or read it as empty with "values": { "name": { "#N/A": "" } } in the map.`,
			expect.stringContaining(`${path}:3:3: plan "#REF!" is an Excel error value`),
		]);
	});

	it('in a workbook error cell (t="e")', async () => {
		const parts = xlsxParts({ sheets: [{ name: "Customers", rows: [] }] });
		parts["xl/worksheets/sheet1.xml"] =
			'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>external_id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>c1</t></is></c><c r="B2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f><v>#N/A</v></c></row></sheetData></worksheet>';
		const path = join(await tempDir("pivotal-excel-errors-"), "book.xlsx");
		await writeFile(path, zipParts(parts));
		const check = await validateSources({ customers: path });
		expect(check.problemCount).toBe(1);
		expect(formatProblem(check.problems[0]!)).toContain('(cell B2): name "#N/A" is an Excel error value');
	});
});
