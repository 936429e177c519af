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
