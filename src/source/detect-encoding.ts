/**
 * The wizard's question before the mapping step: is this CSV in UTF-8, and if not, what is it
 * likely in? Answered from the front of the file (where the header and the first names are), so
 * the mapping step shows `Société Générale`, not `Soci�t� G�n�rale`, and the map is saved with
 * the right text. The CLI finds bad bytes while validating and names the same guess.
 */

import { isUtf8 } from "node:buffer";
import { open } from "node:fs/promises";
import { likelyEncoding } from "./likely-encoding.js";
import { isWorkbookPath } from "./workbook-path.js";

/** Bytes looked at: many rows of any export, a few milliseconds of reading. */
const DETECT_BYTES = 1024 * 1024;

/** Drops a UTF-8 sequence cut at the end of the sample, which is not a fault of the file. */
export function wholeCharacters(bytes: Uint8Array): Uint8Array {
	let end = bytes.length;
	// Back over continuation bytes to the lead byte of the last character.
	let back = 0;
	while (end - back - 1 >= 0 && back < 3 && (bytes[end - back - 1]! & 0xc0) === 0x80) back++;
	const lead = bytes[end - back - 1];
	if (lead === undefined || lead < 0xc0) return bytes;
	const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (back + 1 < length) end -= back + 1;
	return bytes.subarray(0, end);
}

/**
 * The likely code page of a CSV file that is not UTF-8 (in the name `--encoding` takes), or
 * undefined when it is UTF-8, starts with a byte-order mark, is a workbook, or cannot be read
 * (the plan step reports that with its line).
 */
export async function detectEncoding(file: string): Promise<string | undefined> {
	if (isWorkbookPath(file)) return undefined;
	let sample: Uint8Array;
	try {
		const handle = await open(file, "r");
		try {
			const buffer = Buffer.alloc(DETECT_BYTES);
			const { bytesRead } = await handle.read(buffer, 0, DETECT_BYTES, 0);
			sample = buffer.subarray(0, bytesRead);
		} finally {
			await handle.close();
		}
	} catch {
		return undefined;
	}
	const hasBom =
		(sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) ||
		(sample[0] === 0xff && sample[1] === 0xfe) ||
		(sample[0] === 0xfe && sample[1] === 0xff);
	if (hasBom) return undefined;
	const whole = sample.length === DETECT_BYTES ? wholeCharacters(sample) : sample;
	if (isUtf8(whole)) return undefined;
	return (await likelyEncoding(sample)).name;
}
