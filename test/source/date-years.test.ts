import { describe, expect, it } from "vitest";
import { checkIsoDate, dateReader } from "../../src/source/dates.js";
import { columnsFor } from "../../src/source/schema.js";
import { numberText } from "../../src/source/xlsx/cell-text.js";
import { numberKind } from "../../src/source/xlsx/number-format.js";
import { excelSerial } from "../support/xlsx-writer.js";

describe("a four-digit-year date format reads four-digit years only", () => {
	it.each<[string, string, string | undefined]>([
		["MM/dd/yyyy", "3/4/2026", "2026-03-04"],
		["MM/dd/yyyy", "3/4/26", undefined],
		["MM/dd/yyyy", "03/04/0026", undefined],
		["MM/dd/yyyy", "03/04/1899", undefined],
		["MM/dd/yyyy", "03/04/1900", "1900-03-04"],
		["dd.MM.yyyy", "15.03.26", undefined],
		["dd.MM.yyyy", "15.03.2026", "2026-03-15"],
		// A two-digit-year format reads them, in this century.
		["MM/dd/yy", "3/4/26", "2026-03-04"],
		["dd.MM.yy", "15.03.26", "2026-03-15"],
	])("%s reads %s as %s", (pattern, value, expected) => {
		expect(dateReader(pattern)(value)).toBe(expected);
	});

	it("says why in one sentence, suggesting the two-digit-year format", () => {
		const spec = columnsFor("onboardings", "MM/dd/yyyy").find((s) => s.name === "target_launch_date")!;
		expect(spec.check!("3/4/26", "target_launch_date")).toBe(
			'target_launch_date "3/4/26" reads as the year 26 under the map\'s date format "MM/dd/yyyy", which wants a four-digit year; write the year in full, or, if the file writes two-digit years, set "dates" to "MM/dd/yy".',
		);
		expect(spec.check!("03/04/0026", "target_launch_date")).toContain("reads as the year 26");
		expect(spec.check!("3/4/2026", "target_launch_date")).toBeUndefined();
		expect(spec.check!("TBD", "target_launch_date")).toContain("does not match the map's date format");
	});
});

describe("a workbook date-time cell in a date field", () => {
	it("is read as the date when its time is midnight, built-in format 22 (m/d/yy h:mm) included", () => {
		expect(numberText(String(excelSerial("2026-03-04")), numberKind(22, undefined), false)).toBe(
			"2026-03-04",
		);
		expect(checkIsoDate("2026-03-04", "target_launch_date", "onboardings")).toBeUndefined();
	});

	it("with a time of day, is refused with a sentence that says how to make it a date", () => {
		const text = numberText(String(excelSerial("2026-03-04") + 0.375), numberKind(22, undefined), false);
		expect(text).toBe("2026-03-04T09:00:00");
		expect(checkIsoDate(text, "target_launch_date", "onboardings")).toBe(
			'target_launch_date "2026-03-04T09:00:00" has a time of day but no time zone; give just the date (in a spreadsheet, format the column as a date: Format Cells → Date), or add "Z" or an offset such as +02:00.',
		);
	});
});
