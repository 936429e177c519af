import { describe, expect, it } from "vitest";
import { parseMoney, parseWhole } from "../../../src/source/clean/index.js";

describe("parseMoney", () => {
	const cases: [string, "cents" | "major", number | undefined][] = [
		["129900", "cents", 129900],
		["1299", "major", 129900],
		["$1,299.00", "cents", 129900],
		["$1,299", "cents", 129900],
		["1,299.00", "cents", 129900],
		["12.345,56", "cents", 1234556],
		["€ 1.299,00", "cents", 129900],
		["1.299,00 €", "cents", 129900],
		["1 299,00 kr", "cents", 129900],
		["1\u00a0299,00 kr", "cents", 129900],
		["CHF 1'299.50", "cents", 129950],
		["USD 12", "cents", 1200],
		["12,5", "cents", 1250],
		["0.5", "major", 50],
		["1,234,567.89", "cents", 123456789],
		["1.234.567,89", "cents", 123456789],
		["1,299", "cents", 1299],
		["1.299", "major", 129900],
		["1.2345", "cents", undefined],
		["12.345.67", "cents", undefined],
		["1,2,3", "cents", undefined],
		["-5", "cents", undefined],
		["abc", "cents", undefined],
		["$", "cents", undefined],
		["12 34 5", "cents", undefined],
		["1.234,5.6", "cents", undefined],
	];
	it.each(cases)("%s in %s → %s", (value, unit, expected) => {
		expect(parseMoney(value, unit)).toBe(expected);
	});
});

describe("parseWhole", () => {
	const cases: [string, number | undefined][] = [
		["1234", 1234],
		["1,234", 1234],
		["1.234", 1234],
		["1 234 567", 1234567],
		["1.234.567", 1234567],
		["12,5", undefined],
		["$12", undefined],
		["1,23,456", undefined],
		["", undefined],
	];
	it.each(cases)("%s → %s", (value, expected) => {
		expect(parseWhole(value)).toBe(expected);
	});
});
