/**
 * What the wizard's mapping step shows of a file before any map exists: its header, its first
 * rows and how it was read; and, once columns are chosen, the distinct values of the enum
 * columns with their counts (one streaming pass, a bounded number of values kept per column).
 */

import { type CsvFormat, type CsvReadOptions, newScan } from "./csv-rows.js";
import type { Problem } from "./problem.js";
import { readRows } from "./rows.js";
import { readSettings, type SourceOptions } from "./source-options.js";

export interface FileSample {
	readonly header: readonly string[];
	/** The first data rows, as read (blank lines skipped). */
	readonly rows: readonly (readonly string[])[];
	readonly format: CsvFormat | undefined;
	/** Why the file could not be sampled (missing, unreadable, unparsable at the start). */
	readonly problem?: Problem;
}

function readOptions(options: SourceOptions): CsvReadOptions {
	const settings = readSettings(options);
	return typeof settings === "string" ? { hash: false } : { ...settings, hash: false };
}

/** Which rows a sample keeps: the first ones, or the first that hold text outside printable ASCII. */
export type SampleRows = "first" | "not-ascii";

const NOT_ASCII = /[^\x20-\x7e]/;

/** Rows read at most, looking for rows outside ASCII: an encoding preview is no full pass over a big file. */
export const NOT_ASCII_SCAN_ROWS = 200_000;

/**
 * The header and up to `count` rows of `file`: its first rows, or (`not-ascii`) the first that hold
 * a character outside printable ASCII, the ones a file's encoding changes. Never throws for bad input.
 */
export async function sampleFile(
	file: string,
	options: SourceOptions = {},
	count = 20,
	which: SampleRows = "first",
): Promise<FileSample> {
	const scan = newScan(0);
	let header: readonly string[] | undefined;
	const rows: string[][] = [];
	let seen = 0;
	outer: for await (const batch of readRows(file, scan, readOptions(options))) {
		for (const row of batch) {
			if (header === undefined) header = row.cells;
			else if (rows.length >= count || ++seen > NOT_ASCII_SCAN_ROWS) break outer;
			else if (which === "first" || row.cells.some((c) => NOT_ASCII.test(c))) rows.push(row.cells);
		}
	}
	const failure = scan.failure;
	return {
		header: header ?? [],
		rows,
		format: scan.format,
		...(failure !== undefined && header === undefined ? { problem: { file, ...failure } } : {}),
	};
}

export interface DistinctValues {
	/** Value → rows holding it, most frequent first; empty cells are not counted. */
	readonly counts: readonly (readonly [string, number])[];
	/** More distinct values than were kept. */
	readonly isTruncated: boolean;
}

/** Distinct non-empty values of the given source columns (joined ones are not enum sources). */
export async function distinctValues(
	file: string,
	columns: readonly number[],
	options: SourceOptions = {},
	limit = 100,
): Promise<DistinctValues[]> {
	const tallies = columns.map(() => new Map<string, number>());
	const overflow = columns.map(() => false);
	const scan = newScan(0);
	let isHeader = true;
	for await (const batch of readRows(file, scan, readOptions(options))) {
		for (const row of batch) {
			if (isHeader) {
				isHeader = false;
				continue;
			}
			columns.forEach((at, c) => {
				const value = (row.cells[at] ?? "").trim();
				if (value.length === 0) return;
				const tally = tallies[c]!;
				const seen = tally.get(value);
				if (seen !== undefined) tally.set(value, seen + 1);
				else if (tally.size < limit) tally.set(value, 1);
				else overflow[c] = true;
			});
		}
	}
	return tallies.map((tally, c) => ({
		counts: [...tally].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
		isTruncated: overflow[c] ?? false,
	}));
}
