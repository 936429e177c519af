import { describe, expect, it } from "vitest";
import { parseMap } from "../../src/source/map-file.js";
import { MAP_DEPTH_MAX, tooDeepAt } from "../../src/source/map-json.js";
import { notText } from "../../src/source/text-check.js";

const UTF8 = { kind: "utf-8", label: "UTF-8", bomLength: 0, source: "default" } as const;
const UTF16 = { kind: "utf-16le", label: "UTF-16LE", bomLength: 2, source: "bom" } as const;
const bytes = (text: string) => new TextEncoder().encode(text);

describe("notText: item 14, a file that is no text is refused from its first bytes", () => {
	it("NUL bytes, with the line and column of the first", () => {
		const problem = notText(bytes("id,name\nr1,a\u0000b\n"), UTF8, true);
		expect(problem?.message).toMatch(/^the file holds NUL bytes/);
		expect([problem?.line, problem?.column]).toEqual([2, 5]);
	});

	it("a first line longer than what was read, unless that was the whole file", () => {
		expect(notText(bytes("x".repeat(1024)), UTF8, false)?.message).toMatch(/the first line runs past 1 KB/);
		expect(notText(bytes("x".repeat(1024)), UTF8, true)).toBeUndefined();
		expect(notText(bytes("id,name\nr1,a\n"), UTF8, false)).toBeUndefined();
	});

	it("UTF-16 holds NUL bytes by nature: not a reason", () => {
		const text = Buffer.from("\ufeffid,name\nr1,a\n", "utf16le");
		expect(notText(text, UTF16, true)).toBeUndefined();
	});
});

describe("map nesting: item 14", () => {
	it.each([
		['{"a":{"b":[1]}}', 3, undefined],
		['{"a":{"b":[1]}}', 2, 10],
		['{"a":{"b":[1]}}', 1, 5],
		['{"a":"{{{{[[[["}', 1, undefined],
		['{"a":"\\"{{"}', 1, undefined],
	])("tooDeepAt(%s, %d) = %s", (text, max, at) => {
		expect(tooDeepAt(text, max)).toBe(at);
	});

	it("a map nested 100,000 deep is one problem with its position, not a stack overflow", () => {
		const load = parseMap("m.json", `{"customers":${'{"a":'.repeat(100_000)}1${"}".repeat(100_001)}`);
		expect(load.ok).toBe(false);
		if (load.ok) return;
		expect(load.problems).toHaveLength(1);
		expect(load.problems[0]?.message).toMatch(new RegExp(`nests deeper than ${MAP_DEPTH_MAX} levels`));
		expect(load.problems[0]).toMatchObject({ line: 1, column: 13 + 5 * (MAP_DEPTH_MAX - 1) + 1 });
	});
});
