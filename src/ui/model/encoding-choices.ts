/**
 * What the encoding step offers: the detected code page first, then the ones people name most
 * and UTF-8 (a file may be UTF-8 with one stray byte); and which rows show the difference.
 */

import { COMMON_CODE_PAGES } from "../../source/encoding.js";

/** The choices, the detected one first, each once. */
export function encodingChoices(detected: string): readonly string[] {
	const out: string[] = [];
	for (const name of [detected, "windows-1252", ...COMMON_CODE_PAGES, "UTF-8"]) {
		if (!out.some((n) => n.toLowerCase() === name.toLowerCase())) out.push(name);
	}
	return out;
}

const NOT_ASCII = /[^\x20-\x7e]/;

/**
 * Indexes of up to `count` rows that hold a character outside ASCII (the ones the encoding
 * changes), the header's `-1` first when it has one; the first rows when none does.
 */
export function rowsThatDiffer(
	header: readonly string[],
	rows: readonly (readonly string[])[],
	count = 3,
): readonly number[] {
	const picked: number[] = [];
	if (header.some((h) => NOT_ASCII.test(h))) picked.push(-1);
	rows.forEach((row, i) => {
		if (picked.length < count && row.some((c) => NOT_ASCII.test(c))) picked.push(i);
	});
	if (picked.length > 0) return picked;
	return rows.slice(0, count).map((_, i) => i);
}

/** One row as a preview line: its non-empty cells joined. */
export function previewLine(cells: readonly string[]): string {
	return cells.filter((c) => c.trim() !== "").join(" · ");
}
