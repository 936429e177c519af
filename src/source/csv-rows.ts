/**
 * The one place that reads a CSV file: csv-parse over a file stream, with the SHA-256 of the
 * bytes and the UTF-8 check taken from the same chunks, and the physical line where each record
 * starts. Records come out as plain string arrays (the header included, as the first one) so the
 * callers decide what to build per row. The encoding and the delimiter are settled from the
 * first bytes before the stream starts.
 */

import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { CsvError, type Options, parse } from "csv-parse";
import { type Delimiter, detectDelimiter } from "./delimiter.js";
import { createDecoding, decodePrefix, type Encoding, sniffEncoding, type TextDecoding } from "./encoding.js";
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

/** A character that did not decode in a file read through another encoding than UTF-8. */
export interface Undecodable {
	readonly line: number;
	/** The byte, for a single-byte code page. */
	readonly byte?: number;
	/** Its offset from the start of the file, for a single-byte code page. */
	readonly offset?: number;
}

/** How the file was read: settled from its first bytes (and the options) before any row. */
export interface CsvFormat {
	readonly encoding: Encoding;
	readonly delimiter: Delimiter;
	/** The delimiter was given, not detected. */
	readonly isDelimiterForced: boolean;
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
}

/** Bytes read ahead to find the BOM and the header row's delimiter. */
const SNIFF_BYTES = 64 * 1024;

async function sniff(path: string, options: CsvReadOptions): Promise<CsvFormat> {
	const handle = await open(path, "r");
	let prefix: Uint8Array;
	try {
		const buffer = Buffer.alloc(SNIFF_BYTES);
		const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
		prefix = buffer.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
	const encoding = sniffEncoding(prefix, options.encoding);
	const delimiter = options.delimiter ?? detectDelimiter(decodePrefix(prefix, encoding));
	return { encoding, delimiter, isDelimiterForced: options.delimiter !== undefined };
}

/**
 * Bytes of another encoding → UTF-8 text for csv-parse. U+FFFD in the output marks a character
 * that did not decode: it is recorded with its line (lines are counted in the decoded text, since
 * a UTF-16 line feed is two bytes) and the file is reported, never imported with it.
 */
class DecodeTransform extends Transform {
	readonly #decoding: TextDecoding;
	readonly #scan: CsvScan;
	readonly #limit: number;
	readonly #isSingleByte: boolean;
	/** BOM bytes still to drop from the front of the stream. */
	#skip: number;
	/** Line feeds in the text decoded so far, plus one: the line the next character is on. */
	#line = 1;
	/** Bytes taken in so far (the BOM included): a single-byte character's index is its offset. */
	#offset: number;

	constructor(encoding: Encoding, scan: CsvScan, limit: number) {
		super({ decodeStrings: true });
		this.#decoding = createDecoding(encoding);
		this.#scan = scan;
		this.#limit = limit;
		this.#isSingleByte = encoding.kind === "code-page" && isSingleByte(encoding);
		this.#skip = encoding.bomLength;
		this.#offset = encoding.bomLength;
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		let bytes = chunk;
		if (this.#skip > 0) {
			const cut = Math.min(this.#skip, bytes.length);
			bytes = bytes.subarray(cut);
			this.#skip -= cut;
		}
		this.#offset += bytes.length;
		// A single-byte code page agrees with UTF-8 on ASCII: such a chunk goes on as it is.
		if (this.#isSingleByte && isAscii(bytes)) {
			for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, nl + 1)) this.#line++;
			callback(null, bytes);
			return;
		}
		const text = this.#decoding.decode(bytes);
		this.#account(text, bytes, this.#offset - bytes.length);
		callback(null, text);
	}

	override _flush(callback: TransformCallback): void {
		const text = this.#decoding.end();
		this.#account(text, undefined, this.#offset);
		callback(null, text);
	}

	#account(text: string, bytes: Buffer | undefined, offset: number): void {
		let from = 0;
		for (let bad = text.indexOf("\uFFFD"); bad !== -1; bad = text.indexOf("\uFFFD", bad + 1)) {
			for (let nl = text.indexOf("\n", from); nl !== -1 && nl < bad; nl = text.indexOf("\n", nl + 1)) {
				this.#line++;
				from = nl + 1;
			}
			if (from < bad) from = bad;
			this.#scan.undecodableCount++;
			if (this.#scan.undecodable.length >= this.#limit) continue;
			const single = this.#isSingleByte && bytes !== undefined && bad < bytes.length;
			this.#scan.undecodable.push(
				single ? { line: this.#line, byte: bytes[bad]!, offset: offset + bad } : { line: this.#line },
			);
		}
		for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", nl + 1)) this.#line++;
	}
}

/** One byte per character: the index of a character in the decoded text is its byte offset. */
function isSingleByte(encoding: Encoding): boolean {
	const probe = Buffer.from([0x41, 0xe9, 0x42]);
	return createDecoding(encoding).decode(probe).length === probe.length;
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
 * Yields every record of `path` in batches, header first. Never throws for bad input: a file that cannot be
 * read or a CSV that cannot be parsed ends the rows and leaves `scan.failure` set.
 */
export async function* readCsvRows(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions = {},
): AsyncGenerator<CsvRow[], void, undefined> {
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
	let format: CsvFormat;
	try {
		format = await sniff(path, options);
	} catch (error) {
		scan.failure = { line: 0, message: describeFsError(error) };
		return;
	}
	scan.format = format;
	const isUtf8 = format.encoding.kind === "utf-8";
	const hash = wantHash ? createHash("sha256") : undefined;
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
	});
	input.on("error", (error) => {
		readError = error;
		parser.destroy(error);
	});
	const decode = isUtf8 ? undefined : new DecodeTransform(format.encoding, scan, options.utf8Limit ?? 200);
	if (decode === undefined) input.pipe(parser);
	else input.pipe(decode).pipe(parser);

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
				batch.push({ cells: record, line });
				line += 1 + lineBreaks(record);
			}
			if (batch.length > 0) {
				yield batch;
				continue;
			}
			if (failed !== undefined) throw failed;
			if (ended) break;
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
		if (decode === undefined) input.unpipe(parser);
		else {
			input.unpipe(decode);
			decode.unpipe(parser);
			decode.destroy();
		}
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
	return {
		failure: undefined,
		sha256: undefined,
		utf8: new Utf8Checker(utf8Limit),
		undecodable: [],
		undecodableCount: 0,
		format: undefined,
	};
}
