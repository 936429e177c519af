/**
 * An id cell whose number format writes text before the digits (`"CUST-"00000`, `\C\U\S\T-00000`)
 * is read as Excel shows it, `CUST-00123`: the prefix was dropped, and the ids of a workbook and
 * of the CSV Excel saves from it were two ids, each customer made twice (adversarial finding S5).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newScan } from "../../src/source/csv-rows.js";
import { numberText } from "../../src/source/xlsx/cell-text.js";
import { numberKind } from "../../src/source/xlsx/number-format.js";
import { showText, textFormat } from "../../src/source/xlsx/text-format.js";
import { readXlsxRows } from "../../src/source/xlsx-rows.js";
import { tempDir } from "../support/temp-dirs.js";
import { xlsxParts, zipParts } from "../support/xlsx-writer.js";

const read = (code: string, raw: string) => numberText(raw, numberKind(164, code), false);

describe("a number format with text around its digits", () => {
	it.each([
		['"CUST-"00000', "123", "CUST-00123"],
		["\\C\\U\\S\\T\\-00000", "125", "CUST-00125"],
		['"ID "0', "42", "ID 42"],
		['00000"-A"', "7", "00007-A"],
		["00000", "126", "00126"],
		// A locale tag before it is no currency (adversarial finding T6).
		['[$-409]"CUST-"00000', "128", "CUST-00128"],
		// Text among the digits, as Excel shows it (adversarial finding T6).
		["000\\-00\\-0000", "123456789", "123-45-6789"],
		["0000-0000", "12345678", "1234-5678"],
		['"C"000"-"00', "138", "C001-38"],
		['"DE"-0000', "4711", "DE-4711"],
		['"CUST-"00000', "136.4", "CUST-00136"],
		['[Red]"CUST-"00000', "5", "CUST-00005"],
	])("%s reads %s as %s", (code, raw, text) => {
		expect(read(code, raw)).toBe(text);
	});

	it("a unit after unpadded digits stays out of a count, as before", () => {
		expect(read('0" users"', "12")).toBe("12");
		expect(read("0", "12")).toBe("12");
	});
});

describe("a text cell in a format with a text section (finding T6)", () => {
	const shown = (code: string, text: string) => {
		const format = textFormat(code);
		return format === undefined ? text : showText(format, text);
	};

	it.each([
		['"CUST-"@', "00123", "CUST-00123"],
		['@" (old)"', "456", "456 (old)"],
		['0;-0;0;"ID-"@', "A7", "ID-A7"],
		['[$-409]"CUST-"@', "9", "CUST-9"],
		["\\C\\-@", "12", "C-12"],
		// Text shows as it is: no text section, only `@`, or a section not rendered here.
		["@", "00123", "00123"],
		['"CUST-"00000', "00123", "00123"],
		["0;-0;0", "x", "x"],
		['0.00;"T-"@', "1", "T-1"],
		['[>5]"CUST-"@', "1", "1"],
		["ddd @", "1", "1"],
	])("%s shows %s as %s", (code, text, out) => {
		expect(shown(code, text)).toBe(out);
	});

	it('a workbook\'s shared-string id under "CUST-"@ reads as Excel shows it, as its CSV export writes it', async () => {
		const path = join(tempDir("pivotal-text-format-"), "book.xlsx");
		writeFileSync(
			path,
			zipParts(
				xlsxParts({
					sheets: [
						{
							name: "Customers",
							rows: [
								["external_id", "name"],
								[{ text: "00123", format: '"CUST-"@' }, "Text Co"],
								["plain-1", "Plain Co"],
							],
						},
					],
				}),
			),
		);
		const rows: string[][] = [];
		for await (const batch of readXlsxRows(path, newScan()))
			for (const row of batch) rows.push([...row.cells]);
		expect(rows).toEqual([
			["external_id", "name"],
			["CUST-00123", "Text Co"],
			["plain-1", "Plain Co"],
		]);
	});
});
