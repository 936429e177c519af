/**
 * UTF-8 validation of a byte stream, chunk by chunk. The happy path is one native `isUtf8` call
 * per chunk; only a chunk that fails is walked byte by byte to find where. Line numbers are
 * recovered afterwards from the byte offsets, so a valid file never pays for line counting.
 */

import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";

export interface InvalidByte {
	/** Offset of the first byte of the bad sequence, from the start of the file. */
	readonly offset: number;
	readonly byte: number;
}

/** Length of the UTF-8 sequence a lead byte starts, or 0 when it cannot start one. */
function sequenceLength(lead: number): number {
	if (lead < 0x80) return 1;
	if (lead >= 0xc2 && lead <= 0xdf) return 2;
	if (lead >= 0xe0 && lead <= 0xef) return 3;
	if (lead >= 0xf0 && lead <= 0xf4) return 4;
	return 0;
}

/** Offsets (relative to `buf`) of every invalid sequence, strict as WHATWG's fatal decoder. */
function findInvalid(buf: Uint8Array, report: (offset: number) => void): void {
	let i = 0;
	const n = buf.length;
	while (i < n) {
		const b = buf[i]!;
		if (b < 0x80) {
			i++;
			continue;
		}
		const len = sequenceLength(b);
		let ok = len > 0 && i + len <= n;
		if (ok) {
			const b1 = buf[i + 1]!;
			// Second-byte ranges exclude overlong forms, surrogates and code points past U+10FFFF.
			let lo = 0x80;
			let hi = 0xbf;
			if (b === 0xe0) lo = 0xa0;
			else if (b === 0xed) hi = 0x9f;
			else if (b === 0xf0) lo = 0x90;
			else if (b === 0xf4) hi = 0x8f;
			if (b1 < lo || b1 > hi) ok = false;
			for (let k = 2; ok && k < len; k++) {
				const c = buf[i + k]!;
				if (c < 0x80 || c > 0xbf) ok = false;
			}
		}
		if (ok) {
			i += len;
		} else {
			report(i);
			i++;
			// Skip the continuation bytes of the same broken sequence: one report per bad character.
			while (i < n && (buf[i]! & 0xc0) === 0x80) i++;
		}
	}
}

/** Feeds chunks in file order; remembers up to `limit` bad sequences and counts them all. */
export class Utf8Checker {
	readonly #limit: number;
	readonly invalid: InvalidByte[] = [];
	invalidCount = 0;
	/** Bytes of a multi-byte character cut by the chunk boundary, completed by the next chunk. */
	#carry: Buffer | undefined;
	/** File offset of `#carry[0]`, or of the next chunk when there is no carry. */
	#offset = 0;

	constructor(limit: number) {
		this.#limit = limit;
	}

	/** Bad sequences remembered at most. */
	get limit(): number {
		return this.#limit;
	}

	push(chunk: Buffer): void {
		const buf = this.#carry === undefined ? chunk : Buffer.concat([this.#carry, chunk]);
		const cut = completeLength(buf);
		const whole = cut === buf.length ? buf : buf.subarray(0, cut);
		if (!isUtf8(whole)) this.#scan(whole, this.#offset);
		this.#offset += cut;
		this.#carry = cut === buf.length ? undefined : Buffer.from(buf.subarray(cut));
	}

	end(): void {
		if (this.#carry !== undefined) {
			// The file ends in the middle of a character.
			this.#scan(this.#carry, this.#offset, true);
			this.#carry = undefined;
		}
	}

	#scan(buf: Buffer, base: number, truncated = false): void {
		const record = (offset: number): void => {
			this.invalidCount++;
			if (this.invalid.length < this.#limit) this.invalid.push({ offset: base + offset, byte: buf[offset]! });
		};
		if (truncated) record(0);
		else findInvalid(buf, record);
	}
}

/** How many leading bytes of `buf` end on a character boundary (a cut character is kept back). */
function completeLength(buf: Buffer): number {
	const n = buf.length;
	for (let back = 1; back <= 4 && back <= n; back++) {
		const b = buf[n - back]!;
		if ((b & 0xc0) === 0x80) continue;
		const len = sequenceLength(b);
		return len > back ? n - back : n;
	}
	return n;
}

/**
 * 1-based line of each offset (ascending offsets), counting `\n` bytes in one extra read of the
 * file. Only runs when a file has bad bytes, so valid files are read once.
 */
export async function linesOfOffsets(path: string, offsets: readonly number[]): Promise<number[]> {
	const lines: number[] = [];
	if (offsets.length === 0) return lines;
	let line = 1;
	let base = 0;
	let next = 0;
	const last = offsets[offsets.length - 1]!;
	const stream = createReadStream(path, { end: last });
	for await (const chunk of stream as AsyncIterable<Buffer>) {
		let from = 0;
		while (next < offsets.length && offsets[next]! < base + chunk.length) {
			const target = offsets[next]! - base;
			for (let nl = chunk.indexOf(10, from); nl !== -1 && nl < target; nl = chunk.indexOf(10, nl + 1)) {
				line++;
				from = nl + 1;
			}
			if (from < target) from = target;
			lines.push(line);
			next++;
		}
		for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, nl + 1)) line++;
		base += chunk.length;
	}
	return lines;
}
