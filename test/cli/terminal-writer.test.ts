import { describe, expect, it } from "vitest";
import { terminalSafe } from "../../src/cli/terminal-writer.js";
import { escapeControls, escapeControlsKeepingLines, firstControl } from "../../src/model/terminal-text.js";
import { cell, truncate } from "../../src/ui/model/format.js";

describe("the one terminal sanitiser: item 16", () => {
	it.each([
		["plain", "plain"],
		["k\u001b]0;PWNED\u0007", "k\\x1b]0;PWNED\\x07"],
		["\u001b[2J\u001b[H", "\\x1b[2J\\x1b[H"],
		["a\u0000b\u007fc\u009bd", "a\\x00b\\x7fc\\x9bd"],
		["two\nlines\tand\r", "two\\x0alines\\x09and\\x0d"],
		["é ü 日本", "é ü 日本"],
	])("escapeControls(%j)", (text, shown) => {
		expect(escapeControls(text)).toBe(shown);
	});

	it("whole lines keep their newlines and tabs", () => {
		expect(escapeControlsKeepingLines("✗ r1\t\u001b[31mred\n")).toBe("✗ r1\t\\x1b[31mred\n");
	});

	it.each([
		["abc", undefined],
		["a\u0000", { name: "NUL (\\x00)", index: 1 }],
		["\u0007x", { name: "BEL (\\x07)", index: 0 }],
		["x\u001b", { name: "ESC (\\x1b)", index: 1 }],
		["x\u0002", { name: "the control character \\x02", index: 1 }],
	])("firstControl(%j)", (text, found) => {
		expect(firstControl(text)).toEqual(found);
	});

	it("the headless writer escapes what it is given and keeps isTTY", () => {
		const written: string[] = [];
		const out = terminalSafe({ write: (text: string) => written.push(text), isTTY: false });
		out.write("  ✗ customers k\u001b]0;PWNED\u0007 (line 2): 400 bad\n");
		expect(written).toEqual(["  ✗ customers k\\x1b]0;PWNED\\x07 (line 2): 400 bad\n"]);
		expect(out.isTTY).toBe(false);
	});

	it("the screens' column fitting shows a cell's escapes and measures them as shown", () => {
		expect(truncate("k\u001b]0;PWNED\u0007", 40)).toBe("k\\x1b]0;PWNED\\x07");
		expect(cell("\u001b[2Jab", 6)).toBe("\\x1b[…");
	});
});
