import { describe, expect, it } from "vitest";
import { magnitudeSuffix, parseMoney, parseWhole } from "../../../src/source/clean/index.js";
import { columnsFor } from "../../../src/source/schema.js";

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
		// Magnitude and period suffixes are no currency: refused, never read as a code.
		["10k", "cents", undefined],
		["1.5k", "cents", undefined],
		["$2.5K", "cents", undefined],
		["€1,2 Mio", "cents", undefined],
		["3 Mrd", "cents", undefined],
		["500 mo", "cents", undefined],
		["2M", "major", undefined],
		["12 abc", "cents", undefined],
		// Known codes and letter signs still count, either side, any case.
		["kr 1 299,00", "cents", 129900],
		["1.299,00 zł", "cents", 129900],
		["1 299 Kč", "cents", 129900],
		["Fr. 1'299.50", "cents", 129950],
		["R$ 1.299,00", "cents", 129900],
		["1299 usd", "cents", 129900],
		["1299 SEK", "cents", 129900],
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
		// A two-decimals format's whole numbers (Excel shows 1299 as 1,299.00) are still counts.
		["1,299.00", 1299],
		["1299.00", 1299],
		["1.299,00", 1299],
		["1299.50", undefined],
		[".00", undefined],
		["$12", undefined],
		["1,23,456", undefined],
		["", undefined],
	];
	it.each(cases)("%s → %s", (value, expected) => {
		expect(parseWhole(value)).toBe(expected);
	});
});

describe("magnitudeSuffix", () => {
	const cases: [string, string | undefined][] = [
		["10k", "k"],
		["$2.5K", "K"],
		["€1,2 Mio", "Mio"],
		["500 mo", "mo"],
		["3 Mrd.", "Mrd."],
		["1299 USD", undefined],
		["1,299.00 kr", undefined],
		["Acme", undefined],
	];
	it.each(cases)("%s → %s", (value, expected) => {
		expect(magnitudeSuffix(value)).toBe(expected);
	});

	it("the mrr check names the suffix and what to write instead", () => {
		const mrr = columnsFor("customers").find((s) => s.name === "mrr")!;
		const message = mrr.check!("10k", "mrr");
		expect(message).toContain('ends in "k", a magnitude');
		expect(message).toContain("write the full amount");
		expect(message).toContain('"values": { "mrr": { "10k": "10000.00" } }');
		expect(mrr.check!("$1,299.00", "mrr")).toBeUndefined();
	});
});
