import { describe, expect, it } from "vitest";
import { checkDateFormat, checkIsoDate, dateReader } from "../../src/source/dates.js";
import { delimiterFromOption, detectDelimiter } from "../../src/source/delimiter.js";
import { encodingFromName, sniffEncoding } from "../../src/source/encoding.js";
import { enumReader, parseBoolean, parseCount } from "../../src/source/plain-values.js";
import { ONBOARDING_PHASES } from "../../src/source/schema.js";

describe("enum cells ignore case, spaces, - and _", () => {
	const phase = enumReader(ONBOARDING_PHASES);
	it.each([
		["program_design", "program_design"],
		["Program Design", "program_design"],
		["PROGRAM-DESIGN", "program_design"],
		["  program design ", "program_design"],
		["Internal QA", "internal_qa"],
		["programdesign", "program_design"],
		["kickoff", undefined],
		["", undefined],
	])("%j → %j", (cell, expected) => {
		expect(phase(cell)).toBe(expected);
	});
});

describe("booleans", () => {
	it.each([
		["yes", true],
		["Y", true],
		["x", true],
		["TRUE", true],
		["1", true],
		["no", false],
		["n", false],
		["False", false],
		["0", false],
		["maybe", undefined],
		["2", undefined],
	])("%j → %j", (cell, expected) => {
		expect(parseBoolean(cell)).toBe(expected);
	});
});

describe("whole numbers take thousands separators", () => {
	it.each([
		["0", 0],
		["1234", 1234],
		["1,234", 1234],
		["12,345,678", 12345678],
		["999,999", 999999],
		["1,23", undefined],
		["1,2345", undefined],
		[",123", undefined],
		["1,,234", undefined],
		["12.50", undefined],
		["-5", undefined],
		["1 234", undefined],
		["1234567890123456", undefined],
	])("%j → %j", (cell, expected) => {
		expect(parseCount(cell)).toBe(expected);
	});
});

describe("dates", () => {
	it("reads ISO dates and zoned date-times with no format", () => {
		expect(checkIsoDate("2026-03-15", "d", "onboardings")).toBeUndefined();
		expect(checkIsoDate("2026-03-15T09:00:00Z", "d", "onboardings")).toBeUndefined();
		expect(checkIsoDate("2026-02-30", "d", "onboardings")).toMatch(/not a real calendar date/);
	});

	it("names both readings of an ambiguous date and the option", () => {
		const message = checkIsoDate("03/04/2026", "Go-live", "onboardings");
		expect(message).toContain("2026-03-04 (MM/dd/yyyy) or 2026-04-03 (dd/MM/yyyy)");
		expect(message).toContain('set "dates" for onboardings in the map');
	});

	it("names the one reading of a date only one order can mean, with the format to write", () => {
		expect(checkIsoDate("03/15/2026", "d", "onboardings")).toContain(
			'(it reads as 2026-03-15 (MM/dd/yyyy)); set "dates"',
		);
		expect(checkIsoDate("15.03.2026", "d", "onboardings")).toContain('e.g. "dates": "dd.MM.yyyy"');
	});

	it.each([
		["MM/dd/yyyy", "03/15/2026", "2026-03-15"],
		["MM/dd/yyyy", "2026-03-15", "2026-03-15"],
		["dd/MM/yyyy", "03/04/2026", "2026-04-03"],
		["d.M.yyyy", "5.3.2026", "2026-03-05"],
		["d MMM yyyy", "5 Mar 2026", "2026-03-05"],
		["MM/dd/yyyy", "02/30/2026", undefined],
		["MM/dd/yyyy", "15/03/2026", undefined],
		["MM/dd/yyyy", "03/15/2026 trailing", undefined],
		// A format with a zone reads an instant, sent as one: not cut to a day, nor shifted to another (finding X1).
		["MM/dd/yyyy HH:mm XXX", "03/15/2026 00:00 +05:00", "2026-03-14T19:00:00.000Z"],
		["MM/dd/yyyy HH:mm X", "03/15/2026 14:30 Z", "2026-03-15T14:30:00.000Z"],
	])("with %j, %j → %j", (pattern, cell, expected) => {
		expect(dateReader(pattern)(cell)).toBe(expected);
	});

	it.each([
		["MM/dd/yyyy", undefined],
		// A time of day with no zone names no instant: it was dropped without a word (finding X1).
		["dd.MM.yyyy HH:mm", /reads a time of day but no time zone/],
		["MMM d, yyyy h:mm a", /reads a time of day but no time zone/],
		["MM/dd/yyyy HH:mm XXX", undefined],
		// A zone with no time: midnight there is another day in UTC (finding Y5).
		["MM/dd/yyyy XXX", /reads a time zone but no time of day/],
		["dd.MM.yyyy 'at noon'", undefined],
		["YYYY-MM-DD", /week year/],
		["MM/dd", /does not read a whole date/],
		["banana", /does not read a whole date/],
	])("format %j → %s", (pattern, expected) => {
		const problem = checkDateFormat(pattern);
		if (expected === undefined) expect(problem).toBeUndefined();
		else expect(problem).toMatch(expected);
	});
});

describe("delimiters", () => {
	it.each([
		["external_id,name,domain\n", ","],
		["Record ID;Company name;Domain\n", ";"],
		["a\tb\tc\r\n", "\t"],
		["a|b|c\n", "|"],
		['"Name; with semicolon",b,c\n', ","],
		['a;"b,c,d";e\nx,y,z,w', ";"],
		["single\n", ","],
	])("%j → %j", (header, expected) => {
		expect(detectDelimiter(header)).toBe(expected);
	});

	it("takes tab by name, and refuses other characters with the list", () => {
		expect(delimiterFromOption("tab")).toEqual({ ok: true, delimiter: "\t" });
		expect(delimiterFromOption("|")).toEqual({ ok: true, delimiter: "|" });
		expect(delimiterFromOption(":")).toMatchObject({
			ok: false,
			message: expect.stringMatching(/is not one of , ; tab \|/),
		});
	});
});

describe("encodings", () => {
	it("a BOM decides, over the option", () => {
		const option = encodingFromName("windows-1252");
		if (typeof option === "string") throw new Error(option);
		expect(sniffEncoding(Uint8Array.from([0xff, 0xfe, 0x41, 0]), option).kind).toBe("utf-16le");
		expect(sniffEncoding(Uint8Array.from([0xfe, 0xff, 0, 0x41]), undefined).kind).toBe("utf-16be");
		expect(sniffEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]), option)).toMatchObject({
			kind: "utf-8",
			bomLength: 3,
		});
		expect(sniffEncoding(Uint8Array.from([0x41, 0x42]), option).label).toBe("windows-1252");
		expect(sniffEncoding(Uint8Array.from([0x41, 0x42]), undefined).source).toBe("default");
	});

	it("knows code pages by their usual names and refuses others with examples", () => {
		for (const name of ["windows-1252", "latin1", "ISO-8859-15", "cp850", "utf8", "UTF-16LE"]) {
			expect(typeof encodingFromName(name)).toBe("object");
		}
		expect(encodingFromName("klingon")).toMatch(/use a name such as windows-1252/);
	});
});
