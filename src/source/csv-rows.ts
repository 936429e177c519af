/**
 * The one place that reads a CSV file: csv-parse over a file stream, with the SHA-256 of the
 * bytes and the UTF-8 check taken from the same chunks, and the physical line where each record
 * starts. Records come out as plain string arrays (the header included, as the first one) so the
 * callers decide what to build per row.
 */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { CsvError, parse } from "csv-parse";
import { Utf8Checker } from "./utf8.js";

export interface CsvRow {
	readonly cells: string[];
	/** 1-based physical line where the record starts. */
	readonly line: number;
}

/** Why a read ended early. Reported by the caller as a problem with this line and column. */
export interface CsvFailure {
	/** 0 when the file itself could not be read. */
	readonly line: number;
	readonly column?: number;
	readonly message: string;
}

/** Facts known once the rows have been consumed. */
export interface CsvScan {
	failure: CsvFailure | undefined;
	/** SHA-256 (hex) of every byte of the file; undefined when the file could not be read. */
	sha256: string | undefined;
	utf8: Utf8Checker;
}

export interface CsvReadOptions {
	/**
	 * Hash the file: validation needs the fingerprint, streaming records for the import does not.
	 * @default true
	 */
	readonly hash?: boolean;
	/** Bad UTF-8 sequences remembered with their offsets (all are counted). @default 200 */
	readonly utf8Limit?: number;
}

/**
 * A single record may not grow past this many characters. Far beyond any real row, it stops an
 * unclosed quote from swallowing a gigabyte file into one cell.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

function isLineBreakFree(cells: readonly string[]): boolean {
	for (const cell of cells) {
		if (cell.indexOf("\n") !== -1 || cell.indexOf("\r") !== -1) return false;
	}
	return true;
}

/** Line breaks inside the cells of one record, counting `\r\n` once. */
function lineBreaks(cells: readonly string[]): number {
	let count = 0;
	for (const cell of cells) {
		for (let i = 0; i < cell.length; i++) {
			const c = cell.charCodeAt(i);
			if (c === 10) count++;
			else if (c === 13) {
				count++;
				if (cell.charCodeAt(i + 1) === 10) i++;
			}
		}
	}
	return count;
}

function describeParseError(error: CsvError, column: number | undefined): string {
	const where = column === undefined ? "" : ` in column ${column}`;
	switch (error.code) {
		case "CSV_QUOTE_NOT_CLOSED":
			return `a quoted cell in the record starting on this line is never closed; add the closing double quote (a quote inside a cell is written as ""). Nothing after this point was checked.`;
		case "CSV_INVALID_CLOSING_QUOTE":
			return `a closing quote${where} is followed by more text; put the whole cell in double quotes and write each quote inside it as "". Nothing after this point was checked.`;
		case "INVALID_OPENING_QUOTE":
			return `a cell${where} has a double quote in the middle of unquoted text; put the whole cell in double quotes and write each quote inside it as "". Nothing after this point was checked.`;
		case "CSV_MAX_RECORD_SIZE":
			return `the record starting on this line is longer than ${MAX_RECORD_CHARS} characters, which usually means a quote is never closed; check the quoting. Nothing after this point was checked.`;
		default:
			return `the CSV cannot be parsed here (${error.message}); fix the row. Nothing after this point was checked.`;
	}
}

async function hashWholeFile(path: string): Promise<string | undefined> {
	const hash = createHash("sha256");
	try {
		for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
		return hash.digest("hex");
	} catch {
		return undefined;
	}
}

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case "ENOENT":
			return "the file does not exist; check the path.";
		case "EACCES":
		case "EPERM":
			return "the file cannot be read (permission denied); check its permissions.";
		case "EISDIR":
			return "this is a directory, not a CSV file; give the path of the file itself.";
		default:
			return `the file cannot be read (${code ?? String(error)}); check the path and that the file is readable.`;
	}
}

/**
 * Yields every record of `path`, header first. Never throws for bad input: a file that cannot be
 * read or a CSV that cannot be parsed ends the rows and leaves `scan.failure` set.
 */
export async function* readCsvRows(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions = {},
): AsyncGenerator<CsvRow, void, undefined> {
	const wantHash = options.hash ?? true;
	try {
		const info = await stat(path);
		if (info.isDirectory()) {
			scan.failure = { line: 0, message: describeFsError({ code: "EISDIR" }) };
			return;
		}
	} catch (error) {
		scan.failure = { line: 0, message: describeFsError(error) };
		return;
	}
	const hash = wantHash ? createHash("sha256") : undefined;
	const utf8 = scan.utf8;
	const input = createReadStream(path, { highWaterMark: 256 * 1024 });
	const parser = parse({
		bom: true,
		info: true,
		// Ragged rows are reported by the caller with their line, instead of aborting the file.
		relax_column_count: true,
		skip_empty_lines: true,
		max_record_size: MAX_RECORD_CHARS,
	});
	let readError: unknown;
	input.on("data", (chunk) => {
		const bytes = chunk as Buffer;
		hash?.update(bytes);
		utf8.push(bytes);
	});
	input.on("error", (error) => {
		readError = error;
		parser.destroy(error);
	});
	input.pipe(parser);

	// Line bookkeeping. csv-parse's own `info.lines` counts `\r\n` inside quotes twice, so it is only
	// trusted as a hint: when it moved by exactly one line (plus skipped blank lines) the record had
	// no line break, which is the common case and costs nothing to confirm.
	let nextLine = 1;
	let lastLines = 0;
	let lastEmpty = 0;
	let complete = false;
	try {
		for await (const item of parser as AsyncIterable<{
			record: string[];
			info: { lines: number; empty_lines: number };
		}>) {
			const { record, info } = item;
			const skipped = info.empty_lines - lastEmpty;
			const line = nextLine + skipped;
			const moved = info.lines - lastLines;
			nextLine =
				moved === 1 + skipped || (moved > 1 + skipped && isLineBreakFree(record))
					? line + 1
					: line + 1 + lineBreaks(record);
			lastLines = info.lines;
			lastEmpty = info.empty_lines;
			yield { cells: record, line };
		}
		complete = true;
	} catch (error) {
		if (readError !== undefined || !(error instanceof CsvError)) {
			scan.failure = { line: 0, message: describeFsError(readError ?? error) };
		} else {
			const context = error as CsvError & { index?: number; empty_lines?: number };
			const column = typeof context.index === "number" ? context.index + 1 : undefined;
			const skipped = typeof context.empty_lines === "number" ? context.empty_lines - lastEmpty : 0;
			scan.failure = {
				line: nextLine + Math.max(0, skipped),
				...(column === undefined || error.code === "CSV_QUOTE_NOT_CLOSED" ? {} : { column }),
				message: describeParseError(error, column),
			};
		}
	} finally {
		input.unpipe(parser);
		input.destroy();
		parser.destroy();
	}
	if (complete) {
		utf8.end();
		if (hash !== undefined) scan.sha256 = hash.digest("hex");
	} else if (wantHash && scan.failure !== undefined && scan.failure.line > 0) {
		// The parse stopped early but the bytes are all there: the fingerprint still covers them all.
		scan.sha256 = await hashWholeFile(path);
	}
}

export function newScan(utf8Limit = 200): CsvScan {
	return { failure: undefined, sha256: undefined, utf8: new Utf8Checker(utf8Limit) };
}
