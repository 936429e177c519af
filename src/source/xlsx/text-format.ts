/**
 * A number format's text section (`"CUST-"@`, `@" (old)"`, `0;-0;0;"ID-"@`): how Excel shows a text cell in it,
 * with the format's literals around the text, and how its CSV export writes the cell
 * (adversarial finding T6: a shared string `00123` formatted `"CUST-"@` reads `CUST-00123`, the
 * id Excel shows). A format that only says "text" (`@`) changes nothing.
 */

import { formatParts, formatSections } from "./format-parts.js";

/** The text section's parts: literal text, and `null` where the cell's text goes. */
export type TextFormat = readonly (string | null)[];

/**
 * The text section of `code` as parts, or undefined when text cells show as they are: no text
 * section (the last of at most four, with an `@`), only `@`, or one this cannot render.
 */
export function textFormat(code: string | undefined): TextFormat | undefined {
	if (code === undefined || !code.includes("@")) return undefined;
	const sections = formatSections(code);
	// The text section is the last, the fourth at most; a section of numbers has no `@`.
	const section = sections.length <= 4 ? sections[sections.length - 1]! : undefined;
	if (section === undefined || !section.includes("@")) return undefined;
	const parts = formatParts(section, (c) => (c === "@" ? null : undefined));
	if (parts === undefined) return undefined;
	if (!parts.includes(null) || parts.every((p) => p === null)) return undefined;
	return parts;
}

/** `text` as the format shows it. */
export function showText(format: TextFormat, text: string): string {
	let out = "";
	for (const part of format) out += part ?? text;
	return out;
}
