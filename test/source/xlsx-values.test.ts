import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/source/problem.js";
import { columnLetters, columnOfReference, splitSheet } from "../../src/source/workbook-path.js";
import {
	booleanText,
	isoDateText,
	numberText,
	plainNumber,
	serialToIso,
} from "../../src/source/xlsx/cell-text.js";
import { type NumberKind, numberKind } from "../../src/source/xlsx/number-format.js";

describe("Excel day serials", () => {
	it.each([
		[1, false, "1900-01-01"],
		[59, false, "1900-02-28"],
		// Lotus 1-2-3's 29 February 1900, which Excel kept: written as such, never moved a day.
		[60, false, "1900-02-29"],
		[61, false, "1900-03-01"],
		[45000, false, "2023-03-15"],
		[46096, false, "2026-03-15"],
		[46475, false, "2027-03-29"],
		[2958465, false, "9999-12-31"],
		// The 1904 system (old Mac workbooks) counts from 1 January 1904, with no leap-year bug.
		[0, true, "1904-01-01"],
		[44_538, true, "2025-12-09"],
	])("serial %d (1904: %s) is %s", (serial, is1904, iso) => {
		expect(serialToIso(serial, is1904, false)).toBe(iso);
	});

	it("keeps the time only when the format shows one and the serial has one", () => {
		expect(serialToIso(45000.5, false, true)).toBe("2023-03-15T12:00:00");
		expect(serialToIso(45000.5, false, false)).toBe("2023-03-15");
		expect(serialToIso(45000, false, true)).toBe("2023-03-15");
		// 10:22 stored as a binary fraction lands a hair off the minute: rounded to the second.
		expect(serialToIso(45000 + (10 * 60 + 22) / 1440, false, true)).toBe("2023-03-15T10:22:00");
		// 23:59:59.9 rounds into the next day, not to a 24:00:00.
		expect(serialToIso(45000.99999999, false, true)).toBe("2023-03-16");
	});

	it("refuses what no date is", () => {
		expect(serialToIso(-1, false, false)).toBeUndefined();
		expect(serialToIso(Number.NaN, false, false)).toBeUndefined();
		expect(serialToIso(3e6, false, false)).toBeUndefined();
	});
});

describe("numbers as Excel shows them", () => {
	it.each([
		["1299", "1299"],
		["1299.0000000001", "1299.0000000001"],
		["1299.00000000000001", "1299"],
		["250000.00000000003", "250000"],
		["0.30000000000000004", "0.3"],
		["-12.5", "-12.5"],
		["1E-3", "0.001"],
		["14155550123", "14155550123"],
		// Past 15 digits, not written out: its last digits are lost, read in scientific notation as
		// Excel shows it, which an id column refuses (adversarial finding S16).
		["1e21", "1E+21"],
		// A long id another program wrote as a number keeps its digits (adversarial finding Q6).
		["9007199254740993", "9007199254740993"],
		["12345678901234567890", "12345678901234567890"],
		["1.2345678901234567E+19", "1.23456789012346E+19"],
		["1.2345678901234568E+18", "1.23456789012346E+18"],
		["", ""],
		["abc", "abc"],
	])("%s reads %s", (raw, text) => {
		expect(plainNumber(raw)).toBe(text);
	});

	it.each<[string, NumberKind, string]>([
		["1299", { kind: "money", symbol: "$" }, "$1299.00"],
		["1299.5", { kind: "money", symbol: "€" }, "€1299.50"],
		["-5", { kind: "money", symbol: "£" }, "-£5.00"],
		["12.345", { kind: "money", symbol: "$" }, "$12.345"],
		["2134", { kind: "padded", width: 5 }, "02134"],
		["0.5", { kind: "time" }, "12:00:00"],
		["46096", { kind: "date", hasTime: false }, "2026-03-15"],
		["46096.25", { kind: "plain" }, "46096.25"],
		// Fixed decimals read as Excel shows them: major units in a money column, like `1,299.00`.
		["1299", { kind: "decimals", places: 2 }, "1299.00"],
		["1299.5", { kind: "decimals", places: 2 }, "1299.50"],
		["0.125", { kind: "decimals", places: 1 }, "0.1"],
	])("%s through %j reads %s", (raw, kind, text) => {
		expect(numberText(raw, kind, false)).toBe(text);
	});

	it("reads booleans and ISO date cells", () => {
		expect(booleanText("1")).toBe("TRUE");
		expect(booleanText("0")).toBe("FALSE");
		expect(isoDateText("2026-03-15T00:00:00Z")).toBe("2026-03-15");
		expect(isoDateText("2026-03-15T09:30:00")).toBe("2026-03-15T09:30:00");
	});
});

describe("number formats", () => {
	it.each<[number, string | undefined, NumberKind["kind"], string?]>([
		[0, undefined, "plain"],
		[14, undefined, "date"],
		[22, undefined, "date"],
		[20, undefined, "time"],
		[5, undefined, "money", "$"],
		[44, undefined, "money", "$"],
		[3, undefined, "plain"],
		[164, "m/d/yyyy", "date"],
		[164, "dd.mm.yyyy", "date"],
		[164, "mmm-yy", "date"],
		[164, "yyyy\\-mm\\-dd\\ hh:mm", "date"],
		[164, "[$-409]mmmm d, yyyy;@", "date"],
		[164, "h:mm", "time"],
		[164, "[h]:mm:ss", "time"],
		[164, "mm:ss", "time"],
		[164, '"$"#,##0.00', "money", "$"],
		[164, "[$€-407] #,##0.00", "money", "€"],
		[164, "#,##0.00\\ [$€-1];[Red]\\-#,##0.00\\ [$€-1]", "money", "€"],
		[164, "#,##0.00 €", "money", "€"],
		[164, "[$USD] #,##0", "money", "USD"],
		[164, "0.00%", "plain"],
		// Two decimals without a sign (built-in 2 `0.00`, 4 `#,##0.00`, 39/40, 43 accounting).
		[2, undefined, "decimals"],
		[4, undefined, "decimals"],
		[43, undefined, "decimals"],
		[164, "0.00", "decimals"],
		[164, "#,##0.00;[Red]-#,##0.00", "decimals"],
		// Quoted currency letters and locale forms are money.
		[164, '#,##0.00 "kr"', "money", "kr"],
		[164, '"CHF" #,##0.00', "money", "CHF"],
		[164, "#,##0.00 [$kr-41D]", "money", "kr"],
		[164, '#,##0.00 "days"', "decimals"],
		[164, "#,##0", "plain"],
		[164, '#,##0 "days"', "plain"],
		[164, "0.00E+00", "plain"],
		[164, "00000", "padded"],
		[164, "General", "plain"],
		[164, "@", "plain"],
	])("format %d %j is %s", (id, code, kind, symbol) => {
		const read = numberKind(id, code);
		expect(read.kind).toBe(kind);
		if (symbol !== undefined) expect(read).toMatchObject({ symbol });
	});
});

describe("sheet paths and cell references", () => {
	it.each([
		["book.xlsx", { file: "book.xlsx", sheet: undefined, isWorkbook: true }],
		["book.xlsx#Customers", { file: "book.xlsx", sheet: "Customers", isWorkbook: true }],
		["dir/Book.XLSX#Sheet name", { file: "dir/Book.XLSX", sheet: "Sheet name", isWorkbook: true }],
		["book.xlsx#", { file: "book.xlsx", sheet: undefined, isWorkbook: true }],
		["a#b.csv", { file: "a#b.csv", sheet: undefined, isWorkbook: false }],
		["customers.csv", { file: "customers.csv", sheet: undefined, isWorkbook: false }],
	])("%s", (path, parts) => {
		expect(splitSheet(path)).toEqual(parts);
	});

	it("names columns as Excel does, both ways", () => {
		expect([1, 3, 26, 27, 52, 703].map(columnLetters)).toEqual(["A", "C", "Z", "AA", "AZ", "AAA"]);
		expect(["C7", "AA12", "aZ3", "12"].map(columnOfReference)).toEqual([3, 27, 52, undefined]);
	});

	it("a problem in a sheet names its cell; a CSV's does not change", () => {
		expect(formatProblem({ file: "book.xlsx#Customers", line: 7, column: 3, message: "x." })).toBe(
			"book.xlsx#Customers:7:3 (cell C7): x.",
		);
		expect(formatProblem({ file: "book.xlsx#Customers", line: 0, message: "x." })).toBe(
			"book.xlsx#Customers: x.",
		);
		expect(formatProblem({ file: "c.csv", line: 7, column: 3, message: "x." })).toBe("c.csv:7:3: x.");
	});
});
