/**
 * Is the start of a file text at all? `/dev/zero`, an image or a zip given as the CSV would
 * otherwise be streamed forever or parsed as one endless line: refused from its first bytes with
 * a sentence instead.
 */

import { decodePrefix, type Encoding } from "./encoding.js";

/** The start of a file is not text: the line and column the sentence points at. */
export class NotTextError extends Error {
	override readonly name = "NotTextError";
	readonly line: number;
	readonly column: number;

	constructor(message: string, line: number, column: number) {
		super(message);
		this.line = line;
		this.column = column;
	}
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
	let line = 1;
	let start = 0;
	for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) {
		line += 1;
		start = i + 1;
	}
	return { line, column: index - start + 1 };
}

/**
 * Why `prefix` (the first bytes read, `isWhole` when that is the whole file) is no CSV, or
 * undefined. NUL never occurs in a text export in UTF-8 or a code page; a header row longer than
 * the whole prefix is no header.
 */
export function notText(prefix: Uint8Array, encoding: Encoding, isWhole: boolean): NotTextError | undefined {
	const isUtf16 = encoding.kind === "utf-16le" || encoding.kind === "utf-16be";
	const text = decodePrefix(prefix, encoding);
	if (!isUtf16) {
		const nul = text.indexOf("\u0000");
		if (nul !== -1) {
			const { line, column } = lineAndColumn(text, nul);
			return new NotTextError(
				"the file holds NUL bytes, so it is not a text (CSV) file; give the exported CSV, or, if it was saved as UTF-16 without a byte-order mark, add --encoding utf-16le.",
				line,
				column,
			);
		}
	}
	if (!isWhole && !text.includes("\n")) {
		return new NotTextError(
			`the first line runs past ${Math.round(prefix.length / 1024)} KB without a line break, so it is no CSV header; give the exported CSV file.`,
			1,
			1,
		);
	}
	return undefined;
}
