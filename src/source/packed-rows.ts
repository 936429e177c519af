/**
 * A batch of rows as the CSV thread posts it (csv-thread.ts): every cell of the batch in one
 * string, with where each cell ends, each row's width and line in typed arrays (moved, not
 * copied). Structured-cloning the rows themselves cost the receiving thread about a microsecond
 * a row (a tag read and an object made per cell and per row) and the sending one half that; a
 * string and three arrays are copied whole, and the cells are cut from the string again by the
 * receiver. Cutting keeps a long cell a view of the batch's string: a cell kept for the run
 * keeps its batch's text (about the size of its cells) alive with it.
 */

import type { CsvRow } from "./csv-rows.js";

export interface PackedRows {
	/** The cells of every row, one after the other. */
	readonly text: string;
	/** Where each cell ends in `text` (UTF-16 units), row after row. */
	readonly ends: Int32Array;
	/** Each row's number of cells. */
	readonly widths: Int32Array;
	/** Each row's line (`CsvRow.line`). */
	readonly lines: Int32Array;
}

/** `rows` packed; its arrays' buffers can be moved to the receiving thread (`transferOf`). */
export function packRows(rows: readonly CsvRow[]): PackedRows {
	let cells = 0;
	for (let r = 0; r < rows.length; r++) cells += rows[r]!.cells.length;
	const ends = new Int32Array(cells);
	const widths = new Int32Array(rows.length);
	const lines = new Int32Array(rows.length);
	let text = "";
	let at = 0;
	for (let r = 0; r < rows.length; r++) {
		const row = rows[r]!;
		const rowCells = row.cells;
		widths[r] = rowCells.length;
		lines[r] = row.line;
		for (let c = 0; c < rowCells.length; c++) {
			text += rowCells[c]!;
			ends[at++] = text.length;
		}
	}
	return { text, ends, widths, lines };
}

/** The buffers of `packed` to move with its message. */
export function transferOf(packed: PackedRows): ArrayBuffer[] {
	return [packed.ends.buffer, packed.widths.buffer, packed.lines.buffer] as ArrayBuffer[];
}

/** The rows `packRows` was given: the same cells, widths and lines. */
export function unpackRows(packed: PackedRows): CsvRow[] {
	const { text, ends, widths, lines } = packed;
	// Arrays grown by push, as csv-parse makes them: one made at its length would stay holey, and
	// every read of a cell after would check for a hole.
	const rows: CsvRow[] = [];
	let at = 0;
	let from = 0;
	for (let r = 0; r < widths.length; r++) {
		const width = widths[r]!;
		const cells: string[] = [];
		for (let c = 0; c < width; c++) {
			const to = ends[at++]!;
			cells.push(text.slice(from, to));
			from = to;
		}
		rows.push({ cells, line: lines[r]! });
	}
	return rows;
}
