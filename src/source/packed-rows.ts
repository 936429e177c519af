/**
 * A batch of rows as the CSV thread posts it (csv-thread.ts): each row's cells in one string,
 * with where each cell ends, each row's width and line in typed arrays (moved, not copied).
 * Structured-cloning the rows themselves cost the receiving thread a tag read and an object made
 * per cell and per row, and the sending one half that; a string per row and three arrays are
 * cheaper to copy, and the cells are cut from their row's string again by the receiver. Cutting
 * may keep a long cell a view of its row's string: a cell kept for the run keeps its row's text
 * alive, no more (a string per batch kept every batch holding a row planned whole).
 */

import type { CsvRow } from "./csv-rows.js";

export interface PackedRows {
	/** Each row's cells, one after the other. */
	readonly texts: string[];
	/** Where each cell ends in its row's text (UTF-16 units), row after row. */
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
	const texts: string[] = [];
	let at = 0;
	for (let r = 0; r < rows.length; r++) {
		const row = rows[r]!;
		const rowCells = row.cells;
		widths[r] = rowCells.length;
		lines[r] = row.line;
		let text = "";
		for (let c = 0; c < rowCells.length; c++) {
			text += rowCells[c]!;
			ends[at++] = text.length;
		}
		texts.push(text);
	}
	return { texts, ends, widths, lines };
}

/** The buffers of `packed` to move with its message. */
export function transferOf(packed: PackedRows): ArrayBuffer[] {
	return [packed.ends.buffer, packed.widths.buffer, packed.lines.buffer] as ArrayBuffer[];
}

/** The rows `packRows` was given: the same cells, widths and lines. */
export function unpackRows(packed: PackedRows): CsvRow[] {
	const { texts, ends, widths, lines } = packed;
	// Arrays grown by push, as csv-parse makes them: one made at its length would stay holey, and
	// every read of a cell after would check for a hole.
	const rows: CsvRow[] = [];
	let at = 0;
	for (let r = 0; r < widths.length; r++) {
		const width = widths[r]!;
		const text = texts[r]!;
		const cells: string[] = [];
		let from = 0;
		for (let c = 0; c < width; c++) {
			const to = ends[at++]!;
			cells.push(text.slice(from, to));
			from = to;
		}
		rows.push({ cells, line: lines[r]! });
	}
	return rows;
}
