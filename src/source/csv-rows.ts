/**
 * The one place that reads a CSV file: csv-parse over a file stream, with the SHA-256 of the
 * bytes and the UTF-8 check taken from the same chunks, and the physical line where each record
 * starts. Records come out as plain string arrays (the header included, as the first one) so the
 * callers decide what to build per row. The encoding and the delimiter are settled from the
 * first bytes before the stream starts.
 */

import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { CsvError, type Options, parse } from "csv-parse";
import {
	BlockHasher,
	type ByteBlocks,
	describeChange,
	FileChangedError,
	VerifyTransform,
} from "./byte-blocks.js";
import { looksLikeFooterRow, MAX_FOOTER_ROWS, type SkippedFooter, trimRow } from "./clean/index.js";
import { type CsvFormat, DecodeTransform, sniff, type Undecodable } from "./decode-stream.js";
import type { Delimiter } from "./delimiter.js";
import type { Encoding } from "./encoding.js";
import { NotTextError } from "./text-check.js";
import { Utf8Checker } from "./utf8.js";

export type { CsvFormat, Undecodable } from "./decode-stream.js";

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
	/** Bad sequences of a file read as UTF-8. */
	utf8: Utf8Checker;
	/** Characters that did not decode in a file read through another encoding (up to the limit). */
	undecodable: Undecodable[];
	undecodableCount: number;
	format: CsvFormat | undefined;
	/** A report footer found after the data and left out of the rows (see clean/footer.ts). */
	footer: SkippedFooter | undefined;
	/** The file's last byte: one that ends no line may end a row cut short. */
	lastByte?: number | undefined;
	/** The bytes as read, when hashed to the end: what a later read proves it reads (see byte-blocks.ts). */
	blocks?: ByteBlocks | undefined;
}

export interface CsvReadOptions {
	/**
	 * Hash the file: validation needs the fingerprint, streaming records for the import does not.
	 * @default true
	 */
	readonly hash?: boolean;
	/** Bad UTF-8 sequences remembered with their offsets (all are counted). @default 200 */
	readonly utf8Limit?: number;
	/** `--encoding`: used unless the file starts with a BOM. @default UTF-8 */
	readonly encoding?: Encoding | undefined;
	/** `--delimiter`. @default detected from the header row */
	readonly delimiter?: Delimiter | undefined;
	/** The bytes the file had when it was checked: a block that differs ends the read (`scan.failure`). */
	readonly verify?: ByteBlocks | undefined;
	/**
	 * The caller reads the file to its end: a big file (csv-thread.ts) is then parsed on a worker
	 * thread, beside the caller's work. A read that stops after a few rows would pay for the thread.
	 * @default false
	 */
	readonly offThread?: boolean;
	/**
	 * Batches the thread of an `offThread` read may parse ahead of the reader (csv-thread-worker.ts).
	 * @default 8
	 */
	readonly ahead?: number | undefined;
}

/**
 * A single record may not grow past this many characters. Far beyond any real row, it stops an
 * unclosed quote from swallowing a gigabyte file into one cell.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

/** Line feeds inside the cells of one record (a `\r\n` in a quoted cell holds one). */
function lineBreaks(cells: readonly string[]): number {
	let count = 0;
	for (let c = 0; c < cells.length; c++) {
		const cell = cells[c]!;
		for (let i = cell.indexOf("\n"); i !== -1; i = cell.indexOf("\n", i + 1)) count++;
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
	if (error instanceof FileChangedError) return describeChange(error);
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case "ENOENT":
			return "the file does not exist; check the path.";
		case "EACCES":
		case "EPERM":
			return "the file cannot be read (permission denied); check its permissions.";
		case "EISDIR":
			return "this is a directory, not a CSV file; give the path of the file itself.";
		case "ESPIPE":
			// A pipe, `<(…)` or a device: the import reads each file more than once (validate, plan, send).
			return "this is not a regular file (a pipe or a device), and an import reads its files more than once; save it to a file and give that path.";
		default:
			return `the file cannot be read (${code ?? String(error)}); check the path and that the file is readable.`;
	}
}

/**
 * Yields every record of `path` in batches, header first. Never throws for bad input: a file that cannot be
 * read or a CSV that cannot be parsed ends the rows and leaves `scan.failure` set.
 */
export async function* readCsvRows(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions = {},
): AsyncGenerator<CsvRow[], void, undefined> {
	const wantHash = options.hash ?? true;
	let info: Stats;
	try {
		info = await stat(path);
		if (info.isDirectory()) {
			scan.failure = { line: 0, message: describeFsError({ code: "EISDIR" }) };
			return;
		}
		if (!info.isFile()) {
			// Refused before the first read: opening a pipe would wait for its writer.
			scan.failure = { line: 0, message: describeFsError({ code: "ESPIPE" }) };
			return;
		}
	} catch (error) {
		scan.failure = { line: 0, message: describeFsError(error) };
		return;
	}
	let format: CsvFormat;
	try {
		format = await sniff(path, options);
	} catch (error) {
		scan.failure =
			error instanceof NotTextError
				? { line: error.line, column: error.column, message: error.message }
				: { line: 0, message: describeFsError(error) };
		return;
	}
	scan.format = format;
	const isUtf8 = format.encoding.kind === "utf-8";
	const hash = wantHash ? new BlockHasher() : undefined;
	const utf8 = scan.utf8;
	const input = createReadStream(path, { highWaterMark: 256 * 1024 });
	// The stream options pass through csv-parse to its Transform; its typings only list its own.
	const parseOptions: Options & { readableHighWaterMark: number } = {
		bom: isUtf8,
		delimiter: format.delimiter,
		// Ragged rows are reported by the caller with their line, instead of aborting the file.
		relax_column_count: true,
		// Blank lines come through as one empty cell so that every physical line is accounted for
		// without csv-parse's per-record `info` objects, which cost more than the whole validation.
		skip_empty_lines: false,
		max_record_size: MAX_RECORD_CHARS,
		// Records are drained in batches (see below): a deeper buffer means fewer wake-ups.
		readableHighWaterMark: 1024,
	};
	const parser = parse(parseOptions);
	let readError: unknown;
	input.on("data", (chunk) => {
		const bytes = chunk as Buffer;
		hash?.update(bytes);
		if (isUtf8) utf8.push(bytes);
		if (bytes.length > 0) scan.lastByte = bytes[bytes.length - 1];
	});
	input.on("error", (error) => {
		readError = error;
		parser.destroy(error);
	});
	// On the way to the wire: each block reaches the parser only once it is proven unchanged.
	const verify = options.verify === undefined ? undefined : new VerifyTransform(options.verify);
	verify?.on("error", (error) => {
		readError = error;
		parser.destroy(error);
	});
	const source = verify === undefined ? input : input.pipe(verify);
	const decode = isUtf8 ? undefined : new DecodeTransform(format.encoding, scan, options.utf8Limit ?? 200);
	if (decode === undefined) source.pipe(parser);
	else source.pipe(decode).pipe(parser);

	let ended = false;
	let failed: unknown;
	let wake: (() => void) | undefined;
	const signal = (): void => {
		const w = wake;
		wake = undefined;
		w?.();
	};
	parser.on("readable", signal);
	parser.on("end", () => {
		ended = true;
		signal();
	});
	parser.on("error", (error) => {
		failed ??= error;
		signal();
	});

	let line = 1;
	let complete = false;
	// Cleaning every path shares: cells trimmed, rows of empty cells (spacer rows) skipped, and
	// rows that might be a report footer held back until a row that fits the header follows
	// them (then they were data after all) or the file ends (then they are the footer).
	let width = -1;
	let dataRows = 0;
	let held: CsvRow[] = [];
	try {
		for (;;) {
			// Drain what is buffered synchronously: one await per batch instead of one per record,
			// which is most of the cost of iterating a parser with for await.
			const batch: CsvRow[] = [];
			for (let record = parser.read() as string[] | null; record !== null; record = parser.read()) {
				if (record.length === 1 && record[0] === "") {
					line++;
					continue;
				}
				const row = { cells: record, line };
				line += 1 + lineBreaks(record);
				// Excel's `sep=;` line names the delimiter (see sniff); it is no header.
				if (row.line === 1 && format.sepLine !== undefined) continue;
				if (!trimRow(record)) continue;
				if (width === -1) width = record.length;
				else if (dataRows > 0 && looksLikeFooterRow(record, width) && held.length < MAX_FOOTER_ROWS) {
					held.push(row);
					continue;
				} else {
					if (held.length > 0) {
						for (const h of held) batch.push(h);
						dataRows += held.length;
						held = [];
					}
					dataRows++;
				}
				batch.push(row);
			}
			if (batch.length > 0) {
				yield batch;
				continue;
			}
			if (failed !== undefined) throw failed;
			if (ended) {
				if (held.length > 0) {
					scan.footer = {
						lines: held.map((h) => h.line),
						text: held.map((h) => h.cells.filter((c) => c !== "").join(" ")),
					};
				}
				break;
			}
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
		}
		complete = true;
	} catch (error) {
		if (readError !== undefined || !(error instanceof CsvError)) {
			scan.failure = { line: 0, message: describeFsError(readError ?? error) };
		} else {
			const context = error as CsvError & { index?: number };
			const column = typeof context.index === "number" ? context.index + 1 : undefined;
			scan.failure = {
				line,
				...(column === undefined || error.code === "CSV_QUOTE_NOT_CLOSED" ? {} : { column }),
				message: describeParseError(error, column),
			};
		}
	} finally {
		if (decode === undefined) source.unpipe(parser);
		else {
			source.unpipe(decode);
			decode.unpipe(parser);
			decode.destroy();
		}
		if (verify !== undefined) {
			input.unpipe(verify);
			verify.destroy();
		}
		input.destroy();
		parser.destroy();
	}
	if (complete) {
		utf8.end();
		if (hash !== undefined) {
			const { sha256, prefixes } = hash.digest();
			scan.sha256 = sha256;
			scan.blocks = { sha256, prefixes, size: info.size, mtimeMs: info.mtimeMs };
		}
	} else if (wantHash && scan.failure !== undefined && scan.failure.line > 0) {
		// The parse stopped early but the bytes are all there: the fingerprint still covers them all.
		scan.sha256 = await hashWholeFile(path);
	}
}

export function newScan(utf8Limit = 200): CsvScan {
	return {
		failure: undefined,
		sha256: undefined,
		utf8: new Utf8Checker(utf8Limit),
		undecodable: [],
		undecodableCount: 0,
		format: undefined,
		footer: undefined,
	};
}
