/**
 * A formula cell saved without its value (openpyxl and server-side writers save formulas only;
 * Excel computes them when it opens the file) is refused naming the cell, where it was read as
 * empty and the field silently dropped (adversarial finding Q7).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateSources } from "../../src/source/index.js";
import { tempDir } from "../support/temp-dirs.js";
import { xlsxParts, zipParts } from "../support/xlsx-writer.js";

function workbook(formulaCell: string): string {
	const parts = xlsxParts({
		sheets: [
			{
				name: "Customers",
				rows: [
					["external_id", "name", "mrr"],
					["t1", "Toyota", 777],
				],
			},
		],
	});
	const sheet = Object.keys(parts).find((name) => name.startsWith("xl/worksheets/"))!;
	const xml = String(parts[sheet]);
	expect(xml).toContain('<c r="C2"><v>777</v></c>');
	const path = join(tempDir("pivotal-uncalculated-"), "book.xlsx");
	writeFileSync(path, zipParts({ ...parts, [sheet]: xml.replace('<c r="C2"><v>777</v></c>', formulaCell) }));
	return path;
}

describe("a workbook's formula cell", () => {
	it("saved without its value is refused, naming the cell and what to do", async () => {
		const path = workbook('<c r="C2"><f>100*2</f></c>');
		const check = await validateSources({ customers: path });
		expect(check.problemCount).toBe(1);
		expect(check.problems[0]).toMatchObject({ line: 2, column: 3 });
		expect(check.problems[0]?.message).toBe(
			"mrr holds a formula the workbook was saved without its value (a program other than Excel wrote it); open and save the workbook in Excel so its formulas are calculated, or export the sheet as CSV, and run again.",
		);
	});

	it("saved with its value (as Excel saves it) is read as that value", async () => {
		const path = workbook('<c r="C2"><f>100*2</f><v>200</v></c>');
		const check = await validateSources({ customers: path });
		expect(check.problemCount).toBe(0);
	});
});
