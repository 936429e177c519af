/**
 * A batch of rows as the CSV thread posts it (csv-thread.ts): each row's short cells in one
 * string, its long cells as strings of their own, with where each short cell ends, each row's
 * width and line in typed arrays (moved, not copied). Structured-cloning the rows themselves cost
 * the receiving thread a tag read and an object made per cell and per row, and the sending one
 * half that; most cells of a row are short, and they are cut from their row's string again by
 * the receiver.
 *
 * Why long cells travel alone: V8 copies a cut of fewer than 13 characters, but makes a longer
 * one a view of the string it was cut from, which then lives as long as the cell does. A cell
 * kept as a map's key (a customer's id in the onboardings' tally, a contact's customer among the
 * primaries) would keep its row's whole text alive, and with long ids a million rows' texts.
 */

import type { CsvRow } from "./csv-rows.js";

/** Cells this long or longer are posted as strings of their own (see above). */
const LONG_CELL = 13;
/** In `ends`, a cell posted among `long`. */
const LONG = -1;

export interface PackedRows {
	/** Each row's short cells, one after the other. */
	readonly texts: string[];
	/** The long cells of every row, in order. */
	readonly long: string[];
	/** Per cell, row after row: where it ends in its row's text (UTF-16 units), or `LONG`. */
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
	const long: string[] = [];
	let at = 0;
	for (let r = 0; r < rows.length; r++) {
		const row = rows[r]!;
		const rowCells = row.cells;
		widths[r] = rowCells.length;
		lines[r] = row.line;
		let text = "";
		for (let c = 0; c < rowCells.length; c++) {
			const cell = rowCells[c]!;
			if (cell.length >= LONG_CELL) {
				long.push(cell);
				ends[at++] = LONG;
				continue;
			}
			text += cell;
			ends[at++] = text.length;
		}
		texts.push(text);
	}
	return { texts, long, ends, widths, lines };
}

/** The buffers of `packed` to move with its message. */
export function transferOf(packed: PackedRows): ArrayBuffer[] {
	return [packed.ends.buffer, packed.widths.buffer, packed.lines.buffer] as ArrayBuffer[];
}

/** The rows `packRows` was given: the same cells, widths and lines. */
export function unpackRows(packed: PackedRows): CsvRow[] {
	const { texts, long, ends, widths, lines } = packed;
	// Arrays grown by push, as csv-parse makes them: one made at its length would stay holey, and
	// every read of a cell after would check for a hole.
	const rows: CsvRow[] = [];
	let at = 0;
	let longAt = 0;
	for (let r = 0; r < widths.length; r++) {
		const width = widths[r]!;
		const text = texts[r]!;
		const cells: string[] = [];
		let from = 0;
		for (let c = 0; c < width; c++) {
			const to = ends[at++]!;
			if (to === LONG) {
				cells.push(long[longAt++]!);
				continue;
			}
			cells.push(text.slice(from, to));
			from = to;
		}
		rows.push({ cells, line: lines[r]! });
	}
	return rows;
}
