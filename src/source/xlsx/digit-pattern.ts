/**
 * A number format made of digit placeholders and the text around and between them
 * (`"CUST-"00000`, `000\-00\-0000`, `"C"000"-"00`, `"DE"-0000`): how Excel shows a whole number
 * in it, an id as its CSV export writes it (adversarial findings S5, T6). Anything else in the
 * format (decimals, thousands, a percentage, a date's letters, a condition) is not one.
 */

import { formatParts } from "./format-parts.js";

export type DigitPart = { readonly digit: "0" | "#" } | { readonly text: string };

const DIGITS: Readonly<Record<string, DigitPart>> = { "0": { digit: "0" }, "#": { digit: "#" } };

/** The parts of the format's first section, or undefined when it is not digits and text alone. */
export function digitParts(section: string): readonly DigitPart[] | undefined {
	const parts = formatParts(section, (c) => DIGITS[c]);
	if (parts === undefined || !parts.some((p) => typeof p !== "string")) return undefined;
	return parts.map((p) => (typeof p === "string" ? { text: p } : p));
}

/**
 * `digits` (a whole number's) as the parts show it: placeholders take the digits from the right,
 * `0` shows a zero where none is left, the leftmost takes every digit left over.
 */
export function showDigits(parts: readonly DigitPart[], digits: string): string {
	const placeholders = parts.filter((p) => "digit" in p).length;
	let left = digits;
	let seen = 0;
	let out = "";
	for (let i = parts.length - 1; i >= 0; i--) {
		const part = parts[i]!;
		if ("text" in part) {
			out = part.text + out;
			continue;
		}
		seen += 1;
		const pad = part.digit === "0" ? "0" : "";
		if (seen === placeholders) {
			out = (left === "" ? pad : left) + out;
			left = "";
		} else if (left !== "") {
			out = left[left.length - 1] + out;
			left = left.slice(0, -1);
		} else out = pad + out;
	}
	return out;
}
