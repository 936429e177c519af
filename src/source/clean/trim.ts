/**
 * Outer whitespace and empty rows: spreadsheets keep a trailing space a person typed, and Google
 * Sheets downloads keep the spacer rows someone left between blocks. Neither is data.
 */

/** True for the characters a cell's edge may carry by accident: ASCII space and controls, NBSP, Unicode spaces. */
function isEdgeSpace(c: number): boolean {
	return (
		c <= 32 || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b) || c === 0x202f || c === 0x3000
	);
}

/** The cell without its outer whitespace. The common case (no space at either edge) returns the same string. */
export function trimCell(value: string): string {
	const n = value.length;
	if (n === 0) return value;
	if (!isEdgeSpace(value.charCodeAt(0)) && !isEdgeSpace(value.charCodeAt(n - 1))) return value;
	return value.replace(/^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$/g, "");
}

/**
 * `="00123"`: the formula people (and some CRMs) write into a CSV so that Excel keeps an id's
 * leading zeros. Its text is what Excel shows, `00123`; quotes inside are doubled, as in a CSV.
 */
export function unwrapExcelText(value: string): string {
	if (value.length < 3 || value.charCodeAt(0) !== 61 || value[1] !== '"' || !value.endsWith('"'))
		return value;
	const inner = value.slice(2, -1);
	// A lone quote inside means it is some other formula (`="a"&"b"`), not one text: left as written.
	if (inner.replaceAll('""', "").includes('"')) return value;
	return inner.replaceAll('""', '"');
}

/** Trims (and unwraps `="…"`) every cell of a row in place and tells whether the row held anything at all. */
export function trimRow(cells: string[]): boolean {
	let any = false;
	for (let i = 0; i < cells.length; i++) {
		const cell = unwrapExcelText(trimCell(cells[i]!));
		cells[i] = cell;
		if (cell.length > 0) any = true;
	}
	return any;
}
