/**
 * An id cell whose number format writes text before the digits (`"CUST-"00000`, `\C\U\S\T-00000`)
 * is read as Excel shows it, `CUST-00123`: the prefix was dropped, and the ids of a workbook and
 * of the CSV Excel saves from it were two ids, each customer made twice (adversarial finding S5).
 */
import { describe, expect, it } from "vitest";
import { numberText } from "../../src/source/xlsx/cell-text.js";
import { numberKind } from "../../src/source/xlsx/number-format.js";

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
