/**
 * How the bytes of a CSV file become text. UTF-8 (with or without BOM) is the default and stays
 * on the fast path: csv-parse reads the bytes itself and a native check finds bad sequences.
 * A UTF-16 BOM (Excel's "Unicode Text") is recognised without being asked for; any other code
 * page is named with `--encoding`. A byte the encoding does not define is an error with its line,
 * never a silent U+FFFD.
 */

import { lazyPackage } from "./lazy-package.js";

const iconvLite = lazyPackage<typeof import("iconv-lite")>("iconv-lite");

export type EncodingKind = "utf-8" | "utf-16le" | "utf-16be" | "code-page";

export interface Encoding {
	readonly kind: EncodingKind;
	/** The name as shown to the user: `UTF-8`, `UTF-16LE`, `windows-1252`. */
	readonly label: string;
	/** The name iconv-lite knows a code page by (kind `code-page` only). */
	readonly codePage?: string;
	/** Bytes of byte-order mark at the start of the file (skipped before decoding). */
	readonly bomLength: number;
	/** How the encoding was chosen, for the plan: `BOM`, `--encoding`, or `default`. */
	readonly source: "bom" | "option" | "default";
}

const UTF8_NAMES = new Set(["utf8", "utf-8", "unicode-1-1-utf-8"]);
const UTF16_NAMES: Readonly<Record<string, EncodingKind>> = {
	"utf-16le": "utf-16le",
	utf16le: "utf-16le",
	"utf-16": "utf-16le",
	utf16: "utf-16le",
	"ucs-2": "utf-16le",
	ucs2: "utf-16le",
	"utf-16be": "utf-16be",
	utf16be: "utf-16be",
};

/** Code pages people name most, shown when a name is not known. */
export const COMMON_CODE_PAGES = ["windows-1252", "latin1", "iso-8859-15", "windows-1250", "macintosh"];

/**
 * The `--encoding` value as an encoding, or the sentence saying why it is not one. Names are
 * those iconv-lite knows (`windows-1252`, `cp1252`, `latin1`, `iso-8859-2`, `cp850`, …).
 */
export function encodingFromName(name: string): Encoding | string {
	const key = name.trim().toLowerCase();
	if (UTF8_NAMES.has(key)) return { kind: "utf-8", label: "UTF-8", bomLength: 0, source: "option" };
	const utf16 = UTF16_NAMES[key];
	if (utf16 !== undefined) {
		return { kind: utf16, label: utf16.toUpperCase(), bomLength: 0, source: "option" };
	}
	if (key.length > 0 && iconvLite().encodingExists(key)) {
		return { kind: "code-page", label: key, codePage: key, bomLength: 0, source: "option" };
	}
	return `--encoding ${JSON.stringify(name)} is not an encoding this program knows; use a name such as ${COMMON_CODE_PAGES.join(", ")} (or leave it out for UTF-8).`;
}

/**
 * The encoding of a file from its first bytes: a BOM decides (and wins over `--encoding`, which
 * a BOM contradicts only when the option is wrong); otherwise the option, else UTF-8.
 */
export function sniffEncoding(prefix: Uint8Array, option: Encoding | undefined): Encoding {
	if (prefix[0] === 0xff && prefix[1] === 0xfe) {
		return { kind: "utf-16le", label: "UTF-16LE", bomLength: 2, source: "bom" };
	}
	if (prefix[0] === 0xfe && prefix[1] === 0xff) {
		return { kind: "utf-16be", label: "UTF-16BE", bomLength: 2, source: "bom" };
	}
	if (prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) {
		return { kind: "utf-8", label: "UTF-8", bomLength: 3, source: "bom" };
	}
	return option ?? { kind: "utf-8", label: "UTF-8", bomLength: 0, source: "default" };
}

/** Turns chunks of bytes into text, a character cut between chunks carried to the next one. */
export interface TextDecoding {
	decode(chunk: Uint8Array): string;
	end(): string;
}

/**
 * A streaming decoder for a non-UTF-8 encoding. UTF-16 goes through TextDecoder; code pages
 * through iconv-lite, because Node 20's TextDecoder decodes windows-1252 in one call as if it
 * were ISO-8859-1 (0x80 becomes U+0080, not "€"), and knows no DOS code pages.
 */
export function createDecoding(encoding: Encoding): TextDecoding {
	if (encoding.kind === "utf-16le" || encoding.kind === "utf-16be") {
		// Not fatal: an undecodable pair becomes U+FFFD, which the caller finds and reports with
		// its line (a fatal decoder would say only that some chunk failed).
		const decoder = new TextDecoder(encoding.kind, { ignoreBOM: true });
		return {
			decode: (chunk) => decoder.decode(chunk, { stream: true }),
			end: () => decoder.decode(),
		};
	}
	const decoder = iconvLite().getDecoder(encoding.codePage ?? encoding.label);
	return {
		decode: (chunk) => decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
		end: () => decoder.end() ?? "",
	};
}

/** Decodes a whole prefix at once (header sniffing), without the streaming state. */
export function decodePrefix(prefix: Uint8Array, encoding: Encoding): string {
	const bytes = prefix.subarray(encoding.bomLength);
	if (encoding.kind === "utf-8") return new TextDecoder("utf-8").decode(bytes);
	const decoding = createDecoding(encoding);
	return decoding.decode(bytes);
}
