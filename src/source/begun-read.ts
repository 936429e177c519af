/**
 * A file's read begun before the check that takes it: its thread parses while the caller is busy
 * with something else. Validation begins each file's read while it checks the one before, and the
 * import begins the customers file's read while its state loads (`beginFirstRead`).
 */

import type { CsvReadOptions, CsvRow, CsvScan } from "./csv-rows.js";
import { newScan } from "./csv-rows.js";
import { readAhead, readRows } from "./rows.js";
import { readSettings, type SourceOptions } from "./source-options.js";

/** Problems kept by a check that is not told how many. */
export const DEFAULT_MAX_PROBLEMS = 200;

/** A file's read, begun (`readAhead`) before it is checked, with the scan it fills. */
export interface BegunRead {
	readonly scan: CsvScan;
	readonly rows: AsyncGenerator<CsvRow[], void, undefined>;
}

export function beginRead(file: string, read: CsvReadOptions, maxProblems: number): BegunRead {
	const scan = newScan(maxProblems);
	return { scan, rows: readAhead(readRows(file, scan, { ...read, offThread: true })) };
}

/** A customers file's read begun early (`beginFirstRead`), for `validateSources` to take. */
export interface EarlyRead {
	readonly file: string;
	readonly options: SourceOptions;
	readonly maxProblems: number;
	readonly read: BegunRead;
}

/**
 * Batches the customers file's thread may parse while the state loads: about a third of a
 * 400k-row file, packed (about 16 MB), where a read begun later keeps 8.
 */
const EARLY_AHEAD = 64;

/**
 * Begins reading the customers file (on its thread, `EARLY_AHEAD` batches ahead) for a
 * `validateSources` of `files` with `options` that the caller starts later. Undefined when the
 * options cannot be read (the check says why). Whoever begins it passes it on (`begun`) or ends
 * it (`endEarlyRead`).
 */
export function beginFirstRead(
	files: { readonly customers: string },
	options: SourceOptions,
	maxProblems = DEFAULT_MAX_PROBLEMS,
): EarlyRead | undefined {
	const settings = readSettings(options);
	if (typeof settings === "string") return undefined;
	const read = { encoding: settings.encoding, delimiter: settings.delimiter, ahead: EARLY_AHEAD };
	return { file: files.customers, options, maxProblems, read: beginRead(files.customers, read, maxProblems) };
}

/**
 * The early read of `customers` when it was begun for a check with these options; else
 * undefined, and the early read (if any) is ended.
 */
export async function takeEarlyRead(
	early: EarlyRead | undefined,
	customers: string | undefined,
	options: SourceOptions,
	maxProblems: number,
): Promise<BegunRead | undefined> {
	if (early === undefined) return undefined;
	if (
		early.file === customers &&
		early.maxProblems === maxProblems &&
		early.options.encoding === options.encoding &&
		early.options.delimiter === options.delimiter
	)
		return early.read;
	await endEarlyRead(early);
	return undefined;
}

/** Ends a read `beginFirstRead` began that no check took (its thread ends). */
export async function endEarlyRead(early: EarlyRead | undefined): Promise<void> {
	await early?.read.rows.return(undefined);
}
