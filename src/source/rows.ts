/**
 * Rows of any input file, header first: a sheet of an .xlsx workbook through `readXlsxRows`,
 * anything else as CSV. Everything that reads a file reads it through here. The workbook reader
 * (and its zip and XML libraries) is loaded only when a workbook is read: a CSV import's start-up
 * does not pay for it.
 */

import { type CsvReadOptions, type CsvRow, type CsvScan, readCsvRows } from "./csv-rows.js";
import { isThreadWorthy, readCsvRowsOnThread } from "./csv-thread.js";
import { isWorkbookPath } from "./workbook-path.js";

async function* readWorkbookRows(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions,
): AsyncGenerator<CsvRow[], void, undefined> {
	const { readXlsxRows } = await import("./xlsx-rows.js");
	yield* readXlsxRows(path, scan, options);
}

/** A CSV file read whole (`offThread`) and big enough: on a worker thread (csv-thread.ts). */
async function* readCsvRowsWhere(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions,
): AsyncGenerator<CsvRow[], void, undefined> {
	if (await isThreadWorthy(path)) yield* readCsvRowsOnThread(path, scan, options);
	else yield* readCsvRows(path, scan, options);
}

export function readRows(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions = {},
): AsyncGenerator<CsvRow[], void, undefined> {
	if (isWorkbookPath(path)) return readWorkbookRows(path, scan, options);
	return options.offThread === true
		? readCsvRowsWhere(path, scan, options)
		: readCsvRows(path, scan, options);
}

/**
 * `rows` begun now: its first batch is read (on its thread, for a big CSV file) while the caller
 * is busy with something else, then handed out as `rows` would. Validation begins each file so
 * while it checks the one before: a file's thread took a few hundred milliseconds to start and
 * give its first rows, with the checks waiting. Whoever begins a read ends it (`return()`) if it
 * is not read to its end.
 */
export function readAhead(
	rows: AsyncGenerator<CsvRow[], void, undefined>,
): AsyncGenerator<CsvRow[], void, undefined> {
	let first: Promise<IteratorResult<CsvRow[], void>> | undefined = rows.next();
	// Its failure is the reader's to see, when it asks for the first batch.
	first.catch(() => {});
	const ahead: AsyncGenerator<CsvRow[], void, undefined> = {
		next: () => {
			const taken = first;
			first = undefined;
			return taken ?? rows.next();
		},
		return: (value) => {
			// Ended: the batch read ahead is given to nobody.
			first = undefined;
			return rows.return(value);
		},
		throw: (error) => rows.throw(error),
		[Symbol.asyncIterator]: () => ahead,
	};
	return ahead;
}

/** The names of a workbook's sheets, in tab order; rejects with the sentence saying why not. */
export async function listSheets(file: string): Promise<readonly string[]> {
	const { listSheets: list } = await import("./xlsx-rows.js");
	return list(file);
}
