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

/** The names of a workbook's sheets, in tab order; rejects with the sentence saying why not. */
export async function listSheets(file: string): Promise<readonly string[]> {
	const { listSheets: list } = await import("./xlsx-rows.js");
	return list(file);
}
