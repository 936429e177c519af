import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMoney } from "../../src/source/clean/index.js";
import { type CsvRow, newScan } from "../../src/source/csv-rows.js";
import { validateSources } from "../../src/source/index.js";
import { readRows } from "../../src/source/rows.js";
import { listSheets, readXlsxRows, type XlsxReadOptions } from "../../src/source/xlsx-rows.js";
import { tempDir } from "../support/temp-dirs.js";
import { excelSerial, type XlsxSpec, xlsxBytes, xlsxParts, zipParts } from "../support/xlsx-writer.js";

const dir = tempDir("pivotal-xlsx-");
let n = 0;
function write(bytes: Uint8Array, name = `book${++n}.xlsx`): string {
	const path = join(dir, name);
	writeFileSync(path, bytes);
	return path;
}

async function rowsOf(path: string, options: XlsxReadOptions = {}) {
	const scan = newScan(0);
	const rows: CsvRow[] = [];
	for await (const batch of readXlsxRows(path, scan, options)) rows.push(...batch);
	return { rows: rows.map((r) => [r.line, ...r.cells]), scan };
}

const SHEETS: XlsxSpec = {
	sheets: [
		{
			name: "Customers",
			rows: [
				["external_id", "name"],
				["c-1", "Acme"],
			],
		},
		{
			name: "Contacts and people",
			rows: [
				["customer_external_id", "name", "email"],
				["c-1", "Ann", "ann@acme.example"],
			],
		},
	],
};

describe("reading a sheet of an .xlsx workbook", () => {
	it("reads shared strings, numbers, booleans, dates, money and inline strings as text", async () => {
		const path = write(
			xlsxBytes({
				sheets: [
					{
						name: "Sheet1",
						rows: [
							["id", "name", "go-live", "mrr", "price", "active", "note"],
							[
								7,
								"Société Générale",
								{ serial: excelSerial("2026-03-15"), format: "m/d/yyyy" },
								129900,
								{ serial: 1299, format: '"$"#,##0.00' },
								true,
								{ inline: "inline <text> & more" },
							],
							[
								8.000000000000002,
								"Zoë",
								{ serial: 60, format: "dd.mm.yyyy" },
								0.30000000000000004,
								{ serial: 12.5, format: "[$€-407] #,##0.00" },
								false,
								{ inline: "line_x000D_break" },
							],
						],
					},
				],
			}),
		);
		const { rows, scan } = await rowsOf(path);
		expect(rows).toEqual([
			[1, "id", "name", "go-live", "mrr", "price", "active", "note"],
			[2, "7", "Société Générale", "2026-03-15", "129900", "$1299.00", "TRUE", "inline <text> & more"],
			[3, "8", "Zoë", "1900-02-29", "0.3", "€12.50", "FALSE", "line\rbreak"],
		]);
		expect(scan.failure).toBeUndefined();
		expect(scan.format?.sheet).toBe("Sheet1");
		expect(scan.sha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it("reads a number shown with two decimals as Excel shows it: money in major units, whatever the format", async () => {
		const path = write(
			xlsxBytes({
				sheets: [
					{
						name: "Sheet1",
						rows: [
							["mrr"],
							[{ serial: 1299, format: "#,##0.00" }],
							[{ serial: 1299.5, format: "0.00" }],
							[{ serial: 1299, format: '#,##0.00 "kr"' }],
							[{ serial: 1299, format: "[$€-407] #,##0.00" }],
							[129900],
						],
					},
				],
			}),
		);
		const { rows } = await rowsOf(path);
		const cells = rows.slice(1).map((r) => String(r[1]));
		expect(cells).toEqual(["1299.00", "1299.50", "kr1299.00", "€1299.00", "129900"]);
		// One column, one unit: every cell is the same amount of money as the CSV text would be.
		expect(cells.map((c) => parseMoney(c, "cents"))).toEqual([129900, 129950, 129900, 129900, 129900]);
	});

	it("keeps columns in place around empty cells, skips empty rows and numbers rows as the sheet does", async () => {
		const path = write(
			xlsxBytes({
				sheets: [
					{
						name: "Data",
						skipRows: 2,
						rows: [
							["a", "b", "c", "d"],
							["1", null, "3"],
							[null, null, null, null],
							[null, "2"],
							["1", "2", "3", "4", null, null],
						],
					},
				],
			}),
		);
		const { rows } = await rowsOf(path);
		expect(rows).toEqual([
			[3, "a", "b", "c", "d"],
			[4, "1", "", "3", ""],
			[6, "", "2", "", ""],
			[7, "1", "2", "3", "4"],
		]);
	});

	it("reads cells without references, prefixed elements and rich text as other writers write them", async () => {
		const parts = xlsxParts({ sheets: [{ name: "S", rows: [] }] });
		parts["xl/sharedStrings.xml"] =
			'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>Soc</t></r><r><rPr><b/></rPr><t xml:space="preserve">iété </t></r><r><t>Générale</t></r><rPh><t>ソシエテ</t></rPh></si><si><t>name</t></si></sst>';
		parts["xl/worksheets/sheet1.xml"] =
			'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c t="s"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:t>id</x:t></x:is></x:c></x:row><x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>42</x:v></x:c></x:row></x:sheetData></x:worksheet>';
		const { rows } = await rowsOf(write(zipParts(parts)));
		expect(rows).toEqual([
			[1, "name", "id"],
			[2, "Société Générale", "42"],
		]);
	});

	it("reads a sheet by name (exact, else ignoring case), and the first visible sheet without one", async () => {
		const path = write(xlsxBytes(SHEETS));
		expect((await rowsOf(`${path}#Contacts and people`)).rows[1]).toEqual([
			2,
			"c-1",
			"Ann",
			"ann@acme.example",
		]);
		expect((await rowsOf(`${path}#contacts AND people`)).rows[0]?.[1]).toBe("customer_external_id");
		expect((await rowsOf(path)).rows[1]).toEqual([2, "c-1", "Acme"]);
		const hidden = write(
			xlsxBytes({ sheets: [{ ...SHEETS.sheets[1]!, isHidden: true }, SHEETS.sheets[0]!] }),
		);
		expect((await rowsOf(hidden)).scan.format?.sheet).toBe("Customers");
		expect(await listSheets(path)).toEqual(["Customers", "Contacts and people"]);
	});

	it("reads dates of a 1904 workbook from 1904", async () => {
		const path = write(
			xlsxBytes({
				is1904: true,
				sheets: [
					{
						name: "S",
						rows: [["d"], [{ serial: 0, format: "yyyy-mm-dd" }], [{ serial: 1, format: "yyyy-mm-dd" }]],
					},
				],
			}),
		);
		expect((await rowsOf(path)).rows.slice(1)).toEqual([
			[2, "1904-01-01"],
			[3, "1904-01-02"],
		]);
	});

	it("a missing sheet: one sentence listing the sheets", async () => {
		const path = write(xlsxBytes(SHEETS));
		const { rows, scan } = await rowsOf(`${path}#Onboardings`);
		expect(rows).toEqual([]);
		expect(scan.failure).toEqual({
			line: 0,
			message: `the workbook has no sheet "Onboardings"; its sheets are "Customers", "Contacts and people": name one after the # (e.g. ${path}#Customers).`,
		});
	});

	it("a file that is not a zip, an encrypted workbook, a zip that is no workbook: one sentence each", async () => {
		const text = await rowsOf(write(Buffer.from("external_id,name\nc-1,Acme\n")));
		expect(text.scan.failure?.message).toMatch(/^this file is named \.xlsx but is not an Excel workbook/);
		const cfb = Buffer.concat([
			Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
			Buffer.alloc(512),
		]);
		expect((await rowsOf(write(cfb))).scan.failure?.message).toMatch(
			/^this workbook is password-protected \(encrypted\)/,
		);
		const other = await rowsOf(write(zipParts({ "word/document.xml": "<w/>" })));
		expect(other.scan.failure?.message).toMatch(
			/^this zip archive is not an Excel workbook \(it has no xl\/workbook\.xml\)/,
		);
		const cut = xlsxBytes(SHEETS).subarray(0, 200);
		expect((await rowsOf(write(cut))).scan.failure?.message).toMatch(/^this workbook is damaged/);
	});

	it("stops at the cap on unpacked size, before reading the part (a zip bomb)", async () => {
		const bomb = xlsxParts(SHEETS);
		// 8 MB of one repeated cell deflates to a few kilobytes.
		bomb["xl/worksheets/sheet1.xml"] =
			`<worksheet><sheetData>${'<row><c t="inlineStr"><is><t>x</t></is></c></row>'.repeat(160_000)}</sheetData></worksheet>`;
		const path = write(zipParts(bomb));
		const { rows, scan } = await rowsOf(path, { maxPartBytes: 1024 * 1024 });
		expect(rows).toEqual([]);
		expect(scan.failure?.line).toBe(0);
		expect(scan.failure?.message).toMatch(
			/^xl\/worksheets\/sheet1\.xml would unpack to 7 MB, more than this program reads from one part of a workbook; if the sheet really is that large, export it as CSV\.$/,
		);
	});

	it("validation reads a sheet as it reads a CSV, and names the sheet's row and cell", async () => {
		const path = write(
			xlsxBytes({
				sheets: [
					{
						name: "Customers",
						rows: [
							["external_id", "name", "mrr"],
							["c-1", "Acme", 100],
							["c-2", "Globex", -5],
						],
					},
					{
						name: "Contacts",
						rows: [
							["customer_external_id", "name", "email"],
							["c-9", "Ann", "ann@acme.example"],
						],
					},
				],
			}),
		);
		const check = await validateSources({ customers: `${path}#Customers`, contacts: `${path}#Contacts` });
		expect(check.counts).toMatchObject({ customers: 2, contacts: 1 });
		expect(check.formats.customers).toMatchObject({ sheet: "Customers" });
		expect(check.problems.map((p) => [p.file, p.line, p.column])).toEqual([
			[`${path}#Customers`, 3, 3],
			[`${path}#Contacts`, 2, 1],
		]);
		// The dispatcher sends a CSV to the CSV reader.
		const csv = join(dir, "plain.csv");
		writeFileSync(csv, "external_id,name\nc-1,Acme\n");
		const scan = newScan(0);
		const seen: string[][] = [];
		for await (const batch of readRows(csv, scan)) seen.push(...batch.map((r) => r.cells));
		expect(seen).toEqual([
			["external_id", "name"],
			["c-1", "Acme"],
		]);
	});
});
