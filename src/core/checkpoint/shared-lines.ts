/**
 * A file's lines read straight into chunks of shared memory, for the load's thread
 * (load-thread-worker.ts): a done record's state is then made a text of its pass's arena where
 * it was read (`markText`), with no copy of its own. A refresh of a million records copied each
 * state once more, a call per record, and the copies were most of the thread's time, which the
 * whole load waits on.
 *
 * The record lines' digest, which proves the snapshot, is left to the thread they are handed to
 * (the load's own thread waits on this one for most of the load): `takenRanges` says where the
 * lines taken lie, for it to hash them before anything is written over them (`markText`).
 */

import { readSync } from "node:fs";
import { CHUNK_BYTES } from "./text-arena.js";

const READ_BYTES = 1 << 20;

/** A line longer than a chunk: it has no place in one, and the file is left to the caller. */
export class LineTooLong extends Error {}

/** The file's lines in order: `bytes[start, end)` of the last `next()`, in chunk `chunk`. */
export class SharedLines {
	/** The chunks read so far, in order; the last is being read into. */
	readonly chunks: Buffer[] = [];
	/** The last chunk's bytes read so far. */
	bytes: Buffer = Buffer.alloc(0);
	start = 0;
	end = 0;
	/** Where the next line starts in the last chunk, and the file's offset of the next read. */
	#at = 0;
	#position = 0;
	// Where the lines taken and not yet in `takenRanges` start in the last chunk; -1: not counted.
	#rangeFrom = -1;
	// Chunk, start and end of each run of lines taken and not yet handed out, in file order.
	#ranges: number[] = [];

	constructor(readonly fd: number) {
		this.#newChunk();
	}

	/** The index of the chunk holding the last line taken. */
	get chunk(): number {
		return this.chunks.length - 1;
	}

	/** The file offset after the last line taken. */
	get offset(): number {
		return this.#position - (this.bytes.length - this.#at);
	}

	/** From here on, the lines taken are counted in `takenRanges`, with their newlines. */
	startRanges(): void {
		this.#rangeFrom = this.#at;
	}

	/**
	 * The bytes of the lines taken since the last call, in order: triples of a chunk's index, a
	 * start and an end in it.
	 */
	takenRanges(): Int32Array {
		this.#endRange();
		const ranges = Int32Array.from(this.#ranges);
		this.#ranges = [];
		return ranges;
	}

	#endRange(): void {
		if (this.#rangeFrom < 0) return;
		if (this.#at > this.#rangeFrom) this.#ranges.push(this.chunk, this.#rangeFrom, this.#at);
		this.#rangeFrom = this.#at;
	}

	/** Takes the next line; false at the file's end. Throws `LineTooLong`. */
	next(): boolean {
		for (;;) {
			const newline = this.bytes.indexOf(0x0a, this.#at);
			if (newline >= 0) {
				this.start = this.#at;
				this.end = newline;
				this.#at = newline + 1;
				return true;
			}
			if (this.bytes.length === CHUNK_BYTES) {
				if (this.#at === 0) throw new LineTooLong();
				this.#newChunk();
			}
			const chunk = this.chunks[this.chunk] as Buffer;
			const filled = this.bytes.length;
			const n = readSync(this.fd, chunk, filled, Math.min(READ_BYTES, CHUNK_BYTES - filled), this.#position);
			if (n <= 0) return false;
			this.#position += n;
			// A view of the bytes read: a search for a newline stops at their end.
			this.bytes = chunk.subarray(0, filled + n);
		}
	}

	/** A new chunk, beginning with the line the last one holds only the start of. */
	#newChunk(): void {
		if (this.chunks.length > 0) this.#endRange();
		const chunk = Buffer.from(new SharedArrayBuffer(CHUNK_BYTES));
		const rest = this.bytes.copy(chunk, 0, this.#at);
		this.chunks.push(chunk);
		this.bytes = chunk.subarray(0, rest);
		this.#at = 0;
		if (this.#rangeFrom >= 0) this.#rangeFrom = 0;
	}
}
