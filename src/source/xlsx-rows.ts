/**
 * The one place that reads a sheet of an .xlsx workbook: the same batches of rows, with the
 * same scan facts, as `readCsvRows` gives for a CSV, so mapping, checks and cleaning read a sheet
 * exactly as they read a CSV. The sheet's XML streams from the zip through a SAX parser; only
 * the shared strings and the styles are held in memory.
 */

import { stat } from "node:fs/promises";
import { describeChange, FileChangedError } from "./byte-blocks.js";
import type { CsvReadOptions, CsvRow, CsvScan } from "./csv-rows.js";
import { splitSheet } from "./workbook-path.js";
import { closeFile, openCheckedFile } from "./xlsx/checked-file.js";
import type { NumberKind } from "./xlsx/number-format.js";
import { type SheetRow, sheetRowsHandlers } from "./xlsx/sheet-rows.js";
import type { TextFormat } from "./xlsx/text-format.js";
import {
	numberKindsHandlers,
	readWorkbookInfo,
	sharedStringsHandlers,
	type WorkbookInfo,
} from "./xlsx/workbook-parts.js";
import { type XmlHandlers, xmlParser } from "./xlsx/xml-events.js";
import { containerOf, PartTooLargeError, ZipEntries } from "./xlsx/zip-entries.js";

/**
 * The most any one part of a workbook may unpack to. A million-row sheet of a dozen columns is
 * a few hundred megabytes of XML; a zip bomb declares gigabytes.
 * @default 1 GiB
 */
export const MAX_PART_BYTES = 1024 * 1024 * 1024;

export interface XlsxReadOptions extends CsvReadOptions {
	/** Cap on the unpacked size of each part read. @default MAX_PART_BYTES */
	readonly maxPartBytes?: number;
}

/** A sentence for a workbook that cannot be read, with what to do. */
export class WorkbookError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "WorkbookError";
	}
}

const SAVE_AGAIN = 'open it in Excel and save it as "Excel Workbook (.xlsx)", or export the sheet as CSV';

async function streamXml(
	zip: ZipEntries,
	part: string,
	limit: number,
	handlers: XmlHandlers,
): Promise<boolean> {
	const stream = await zip.stream(part, limit);
	if (stream === undefined) return false;
	const parser = xmlParser(handlers);
	const decoder = new TextDecoder("utf-8");
	for await (const chunk of stream as AsyncIterable<Buffer>)
		parser.write(decoder.decode(chunk, { stream: true }));
	parser.write(decoder.decode()).close();
	return true;
}

function quoteList(names: readonly string[]): string {
	return names.map((n) => JSON.stringify(n)).join(", ");
}

/**
 * The workbook's sheets, in tab order, read from the open file `fd` (taken over: closed when
 * this throws, else with the zip); throws `WorkbookError` with the sentence for the user.
 */
export async function openWorkbook(
	fd: number,
	limit = MAX_PART_BYTES,
): Promise<{ readonly zip: ZipEntries; readonly info: WorkbookInfo }> {
	let container: Awaited<ReturnType<typeof containerOf>>;
	try {
		container = await containerOf(fd);
	} catch (error) {
		await closeFile(fd);
		throw error;
	}
	if (container !== "zip") await closeFile(fd);
	if (container === "compound") {
		throw new WorkbookError(
			'this workbook is password-protected (encrypted), or is an old .xls file with an .xlsx name; remove the password in Excel (File > Info > Protect Workbook > Encrypt with Password, clear it) and save it as "Excel Workbook (.xlsx)", or export the sheet as CSV.',
		);
	}
	if (container === "other") {
		throw new WorkbookError(
			`this file is named .xlsx but is not an Excel workbook (an .xlsx file is a zip archive); ${SAVE_AGAIN}, or give it the extension of what it is (.csv).`,
		);
	}
	let zip: ZipEntries;
	try {
		zip = await ZipEntries.open(fd);
	} catch (error) {
		throw new WorkbookError(
			`this workbook is damaged (its zip archive cannot be read: ${(error as Error).message}); ${SAVE_AGAIN}.`,
		);
	}
	try {
		if (zip.isEncrypted("xl/workbook.xml")) {
			throw new WorkbookError(`this workbook's zip archive is encrypted; ${SAVE_AGAIN} without a password.`);
		}
		const workbookXml = await zip.text("xl/workbook.xml", limit);
		if (workbookXml === undefined) {
			throw new WorkbookError(
				`this zip archive is not an Excel workbook (it has no xl/workbook.xml); ${SAVE_AGAIN}.`,
			);
		}
		const info = readWorkbookInfo(workbookXml, await zip.text("xl/_rels/workbook.xml.rels", limit));
		if (info.sheets.length === 0) throw new WorkbookError(`this workbook has no sheets; ${SAVE_AGAIN}.`);
		return { zip, info };
	} catch (error) {
		zip.close();
		throw error;
	}
}

/** The names of a workbook's sheets, in tab order (hidden ones included). */
export async function listSheets(file: string): Promise<readonly string[]> {
	const { zip, info } = await openWorkbook((await openCheckedFile(file, undefined, false)).fd);
	zip.close();
	return info.sheets.map((s) => s.name);
}

function describeError(error: unknown, part: string): string {
	if (error instanceof WorkbookError) return error.message;
	if (error instanceof FileChangedError) return describeChange(error);
	if (error instanceof PartTooLargeError) {
		const mb = Math.round(error.size / 1024 / 1024);
		return `${error.part} would unpack to ${mb} MB, more than this program reads from one part of a workbook; if the sheet really is that large, export it as CSV.`;
	}
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code === "ENOENT") return "the file does not exist; check the path.";
	if (code === "EACCES" || code === "EPERM")
		return "the file cannot be read (permission denied); check its permissions.";
	return `${part} of this workbook cannot be read (${(error as Error).message}); ${SAVE_AGAIN}.`;
}

/**
 * Yields every row of the sheet `path` names (`book.xlsx#Customers`, or the first sheet of
 * `book.xlsx`) in batches, header first. Never throws for bad input: a workbook that cannot be
 * read ends the rows and leaves `scan.failure` set, with line 0 (the workbook) or the row.
 */
export async function* readXlsxRows(
	path: string,
	scan: CsvScan,
	options: XlsxReadOptions = {},
): AsyncGenerator<CsvRow[], void, undefined> {
	const { file, sheet } = splitSheet(path);
	const limit = options.maxPartBytes ?? MAX_PART_BYTES;
	let opened: Awaited<ReturnType<typeof openWorkbook>>;
	try {
		if ((await stat(file)).isDirectory()) {
			scan.failure = {
				line: 0,
				message: "this is a directory, not a workbook; give the path of the file itself.",
			};
			return;
		}
		// Hashed from the descriptor the workbook is then parsed from: validation notes the bytes it
		// parsed, and a later read refuses a file that is not those bytes before parsing any of it.
		const wantHash = options.hash ?? true;
		const checked = await openCheckedFile(file, options.verify, wantHash);
		if (wantHash) {
			scan.sha256 = checked.blocks?.sha256;
			scan.blocks = checked.blocks;
		}
		opened = await openWorkbook(checked.fd, limit);
	} catch (error) {
		scan.failure = { line: 0, message: describeError(error, "xl/workbook.xml") };
		return;
	}
	const { zip, info } = opened;
	let line = 0;
	let part = "xl/workbook.xml";
	try {
		const visible = info.sheets.filter((s) => !s.isHidden);
		const chosen =
			sheet === undefined
				? (visible[0] ?? info.sheets[0])
				: (info.sheets.find((s) => s.name === sheet) ??
					info.sheets.find((s) => s.name.toLowerCase() === sheet.toLowerCase()));
		if (chosen === undefined) {
			scan.failure = {
				line: 0,
				message: `the workbook has no sheet ${JSON.stringify(sheet)}; its sheets are ${quoteList(info.sheets.map((s) => s.name))}: name one after the # (e.g. ${file}#${info.sheets[0]!.name}).`,
			};
			return;
		}
		scan.format = {
			encoding: { kind: "utf-8", label: "UTF-8", bomLength: 0, source: "default" },
			delimiter: ",",
			isDelimiterForced: false,
			sheet: chosen.name,
		};
		const sharedStrings: string[] = [];
		const numberKinds: NumberKind[] = [];
		const textFormats: (TextFormat | undefined)[] = [];
		if (info.sharedStringsPart !== undefined) {
			part = info.sharedStringsPart;
			await streamXml(zip, part, limit, sharedStringsHandlers(sharedStrings));
		}
		if (info.stylesPart !== undefined) {
			part = info.stylesPart;
			await streamXml(zip, part, limit, numberKindsHandlers(numberKinds, textFormats));
		}
		part = chosen.part;
		const stream = await zip.stream(part, limit);
		if (stream === undefined) {
			scan.failure = {
				line: 0,
				message: `the sheet ${JSON.stringify(chosen.name)} has no data part (${part}); ${SAVE_AGAIN}.`,
			};
			return;
		}
		let batch: SheetRow[] = [];
		let headerWidth = -1;
		const parser = xmlParser(
			sheetRowsHandlers({ sharedStrings, numberKinds, textFormats, is1904: info.is1904 }, (row) => {
				line = row.line;
				// The header's last named column is the width; a CSV row is as wide as its header, so
				// a row whose last cells are empty is padded, and empty cells past the header dropped.
				if (headerWidth === -1) headerWidth = row.cells.length;
				else {
					while (row.cells.length < headerWidth) row.cells.push("");
					while (row.cells.length > headerWidth && row.cells[row.cells.length - 1] === "") row.cells.pop();
				}
				batch.push(row);
			}),
			false,
		);
		const decoder = new TextDecoder("utf-8");
		for await (const chunk of stream as AsyncIterable<Buffer>) {
			parser.write(decoder.decode(chunk, { stream: true }));
			if (batch.length > 0) {
				const out = batch;
				batch = [];
				yield out;
			}
		}
		parser.write(decoder.decode()).close();
		if (batch.length > 0) yield batch;
	} catch (error) {
		scan.failure =
			line > 0 && !(error instanceof PartTooLargeError)
				? {
						line,
						message: `the sheet's XML cannot be read after this row (${(error as Error).message}); ${SAVE_AGAIN}. Nothing after this point was checked.`,
					}
				: { line: 0, message: describeError(error, part) };
	} finally {
		zip.close();
	}
}
