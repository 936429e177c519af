/**
 * Rows of any input file, header first: a sheet of an .xlsx workbook through `readXlsxRows`,
 * anything else as CSV. Everything that reads a file reads it through here.
 */

import { type CsvReadOptions, type CsvRow, type CsvScan, readCsvRows } from "./csv-rows.js";
import { isWorkbookPath } from "./workbook-path.js";
import { readXlsxRows } from "./xlsx-rows.js";

export function readRows(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions = {},
): AsyncGenerator<CsvRow[], void, undefined> {
	return isWorkbookPath(path) ? readXlsxRows(path, scan, options) : readCsvRows(path, scan, options);
}
