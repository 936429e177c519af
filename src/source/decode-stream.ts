/**
 * The front of the read: which encoding and delimiter a file has (from its first bytes and the
 * options), and the stream that turns another encoding's bytes into the UTF-8 csv-parse reads,
 * finding the characters that do not decode as it goes.
 */

import { isAscii, isUtf8 } from "node:buffer";
import { open } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { type Delimiter, detectDelimiter } from "./delimiter.js";
import { wholeCharacters } from "./detect-encoding.js";
import { createDecoding, decodePrefix, type Encoding, sniffEncoding, type TextDecoding } from "./encoding.js";
import { NotTextError, notText } from "./text-check.js";

/** A character that did not decode in a file read through another encoding than UTF-8. */
export interface Undecodable {
	readonly line: number;
	/** The byte, for a single-byte code page. */
	readonly byte?: number;
	/** Its offset from the start of the file, for a single-byte code page. */
	readonly offset?: number;
	/** It decoded, but to a C1 control character (Latin-1's 0x80–0x9F), not to U+FFFD. */
	readonly isControl?: boolean;
}

/** Where undecodable characters are recorded: up to a limit, all of them counted. */
export interface UndecodableSink {
	readonly undecodable: Undecodable[];
	undecodableCount: number;
}

/** How the file was read: settled from its first bytes (and the options) before any row. */
export interface CsvFormat {
	readonly encoding: Encoding;
	readonly delimiter: Delimiter;
	/** The delimiter was given, not detected. */
	readonly isDelimiterForced: boolean;
	/** The sheet read, for a workbook (whose encoding and delimiter mean nothing). */
	readonly sheet?: string;
	/** Excel's `sep=;` first line, which names the delimiter: read, then skipped as no record. */
	readonly sepLine?: string;
}

/** `sep=;` on a line of its own at the very start: how Excel is told (and tells) the delimiter. */
const SEP_LINE = /^\ufeff?sep=([,;\t|])[ \t]*(?:\r\n|\n|\r)/i;

/** Bytes read ahead to find the BOM and the header row's delimiter. */
const SNIFF_BYTES = 64 * 1024;

export interface SniffOptions {
	readonly encoding?: Encoding | undefined;
	readonly delimiter?: Delimiter | undefined;
}

export async function sniff(path: string, options: SniffOptions): Promise<CsvFormat> {
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
	const utf8 =
		encoding.kind === "code-page" ? firstUtf8Character(prefix, prefix.length < SNIFF_BYTES) : undefined;
	if (utf8 !== undefined)
		// --encoding applies to every file: a UTF-8 one read through a code page would reach
		// Pivotal garbled ("CafÃ©"), valid row by row (adversarial finding Q16).
		throw new NotTextError(
			`this file is UTF-8 (its first accented character is), but --encoding ${encoding.label} reads every file as ${encoding.label} and would garble it; --encoding applies to all the files: convert the file that is not UTF-8 to UTF-8 (e.g. iconv -f ${encoding.label} -t utf-8 OLD.csv > NEW.csv) and leave --encoding out.`,
			utf8.line,
			utf8.column,
		);
	const problem = notText(prefix, encoding, prefix.length < SNIFF_BYTES);
	if (problem) throw problem;
	const text = decodePrefix(prefix, encoding);
	const sep = SEP_LINE.exec(text);
	if (sep !== null) {
		const named = sep[1] as Delimiter;
		return {
			encoding,
			delimiter: options.delimiter ?? named,
			isDelimiterForced: options.delimiter !== undefined,
			sepLine: `sep=${named}`,
		};
	}
	const delimiter = options.delimiter ?? detectDelimiter(text);
	return { encoding, delimiter, isDelimiterForced: options.delimiter !== undefined };
}

/**
 * Bytes of another encoding → UTF-8 text for csv-parse. U+FFFD in the output marks a character
 * that did not decode: it is recorded with its line (lines are counted in the decoded text, since
 * a UTF-16 line feed is two bytes) and the file is reported, never imported with it.
 */
export class DecodeTransform extends Transform {
	readonly #decoding: TextDecoding;
	readonly #scan: UndecodableSink;
	readonly #limit: number;
	readonly #isSingleByte: boolean;
	/** BOM bytes still to drop from the front of the stream. */
	#skip: number;
	/** Line feeds in the text decoded so far, plus one: the line the next character is on. */
	#line = 1;
	/** Bytes taken in so far (the BOM included): a single-byte character's index is its offset. */
	#offset: number;
	/** Latin-1 and most ISO-8859 parts read 0x80–0x9F as C1 control characters: flagged as undecodable. */
	readonly #readsC1: boolean;

	constructor(encoding: Encoding, scan: UndecodableSink, limit: number) {
		super({ decodeStrings: true });
		this.#decoding = createDecoding(encoding);
		this.#scan = scan;
		this.#limit = limit;
		this.#isSingleByte = encoding.kind === "code-page" && isSingleByte(encoding);
		this.#readsC1 = this.#isSingleByte && readsC1(encoding);
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
		const next = (at: number): number => {
			if (!this.#readsC1) return text.indexOf("\uFFFD", at);
			C1_OR_BAD.lastIndex = at;
			return C1_OR_BAD.exec(text)?.index ?? -1;
		};
		for (let bad = next(0); bad !== -1; bad = next(bad + 1)) {
			for (let nl = text.indexOf("\n", from); nl !== -1 && nl < bad; nl = text.indexOf("\n", nl + 1)) {
				this.#line++;
				from = nl + 1;
			}
			if (from < bad) from = bad;
			this.#scan.undecodableCount++;
			if (this.#scan.undecodable.length >= this.#limit) continue;
			const single = this.#isSingleByte && bytes !== undefined && bad < bytes.length;
			this.#scan.undecodable.push(
				single
					? {
							line: this.#line,
							byte: bytes[bad]!,
							offset: offset + bad,
							...(text[bad] === "\uFFFD" ? {} : { isControl: true }),
						}
					: { line: this.#line },
			);
		}
		for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", nl + 1)) this.#line++;
	}
}

/**
 * A character that did not decode, or a C1 control (U+0080–U+009F): no export holds one, but a
 * windows-1252 file read as Latin-1 has them where its ’ “ ” € – … are.
 */
const C1_OR_BAD = /[\uFFFD\u0080-\u009F]/g;

/** Whether the code page reads bytes 0x80–0x9F as C1 controls (Latin-1, ISO-8859-x) rather than letters. */
function readsC1(encoding: Encoding): boolean {
	return createDecoding(encoding).decode(Buffer.from([0x92])) === "\u0092";
}

/** One byte per character: the index of a character in the decoded text is its byte offset. */
function isSingleByte(encoding: Encoding): boolean {
	const probe = Buffer.from([0x41, 0xe9, 0x42]);
	return createDecoding(encoding).decode(probe).length === probe.length;
}

/**
 * Where the first character beyond ASCII is, when the bytes read are UTF-8 with at least one:
 * text of a single-byte code page with accents almost never is (its accented letters stand alone,
 * where UTF-8 needs a lead byte and continuation bytes). `isWhole`: the bytes are the whole file,
 * else a character cut at their end is not held against them.
 */
export function firstUtf8Character(
	bytes: Uint8Array,
	isWhole: boolean,
): { readonly line: number; readonly column: number } | undefined {
	const first = bytes.findIndex((byte) => byte >= 0x80);
	if (first < 0 || !isUtf8(isWhole ? bytes : wholeCharacters(bytes))) return undefined;
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < first; i++) {
		if (bytes[i] === 0x0a) {
			line++;
			lineStart = i + 1;
		}
	}
	const column = new TextDecoder().decode(bytes.subarray(lineStart, first)).length + 1;
	return { line, column };
}
