/**
 * Positions in a JSON text: where each line starts, the line and column of an offset, and the
 * words for jsonc-parser's syntax error codes, so a map problem reads like a compiler's.
 */

import type { MapPosition } from "./map-file.js";

/** jsonc-parser's error code names → what the message says. */
export const SYNTAX: Readonly<Record<string, string>> = {
	InvalidSymbol: "an unexpected character",
	InvalidNumberFormat: "a malformed number",
	PropertyNameExpected: "a property name in double quotes is expected, perhaps after a trailing comma",
	ValueExpected: "a value is expected, perhaps after a trailing comma",
	ColonExpected: "a colon is expected",
	CommaExpected: "a comma is expected",
	CloseBraceExpected: "a closing } is expected",
	CloseBracketExpected: "a closing ] is expected",
	EndOfFileExpected: "the JSON should end here",
	InvalidCommentToken: "comments are not allowed in JSON",
	UnexpectedEndOfString: "a string is never closed",
	InvalidCharacter: "a control character inside a string",
	InvalidEscapeCharacter: "an unknown escape sequence",
	InvalidUnicode: "a malformed \\u escape",
};

export function lineStarts(text: string): number[] {
	const starts = [0];
	for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
	return starts;
}

export function positionOf(starts: readonly number[], offset: number): MapPosition {
	let lo = 0;
	let hi = starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (starts[mid]! <= offset) lo = mid;
		else hi = mid - 1;
	}
	return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** Deepest nesting a map file may have: a real one is 4 deep, so this only stops a hostile one. */
export const MAP_DEPTH_MAX = 16;

/**
 * The offset where `{`/`[` nesting first goes deeper than `max`, or undefined. The JSON parser
 * recurses per level: a file nested 20,000 deep would overflow the stack before any sentence.
 */
export function tooDeepAt(text: string, max: number): number | undefined {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i++;
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) {
			inString = true;
		} else if (c === 0x7b || c === 0x5b) {
			depth += 1;
			if (depth > max) return i;
		} else if (c === 0x7d || c === 0x5d) {
			depth -= 1;
		}
	}
	return undefined;
}
