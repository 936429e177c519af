/**
 * The thread of load-thread.ts: reads a state file's snapshot through the descriptor it is
 * given into shared memory, takes the done lines as written (fast-lines.ts) into an arena per
 * pass in shared memory, and posts each record's key and handle (or, for a line to be parsed in
 * full, the line itself) in batches, with where its record lines lie in the memory it read them
 * into (the loading thread hashes them there), then where the snapshot ends.
 */

import { readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PASSES } from "../../model/records.js";
import { doneLineAt, emptyDoneLine } from "./fast-lines.js";
import type { HashedPiece, LoadBatch, LoadJob, LoadMessage } from "./load-thread.js";
import { TextArena } from "./text-arena.js";

const READ_BYTES = 1 << 20;
const BATCH = 4096;
/** Marks a line to be parsed in full in a batch's kinds. */
export const PARSE = 255;

const { fd } = workerData as LoadJob;
const port = parentPort;
const post = (message: LoadMessage, transfer: ArrayBuffer[] = []): void =>
	port?.postMessage(message, transfer);

/**
 * The file's lines in order: `bytes[start, end)` of the last `next()` (no view made per line),
 * read into shared memory: a piece once read is never written again, so the loading thread
 * hashes the very bytes this thread took the lines from.
 */
class Lines {
	bytes: Buffer<ArrayBufferLike> = Buffer.alloc(0);
	start = 0;
	end = 0;
	/** Where the next line starts in `bytes`, and where `bytes` starts in the file. */
	#at = 0;
	#offset = 0;
	#hashFrom = -1;
	#hashed: HashedPiece[] = [];

	/** The file offset after the last line taken. */
	get offset(): number {
		return this.#offset + this.#at;
	}

	/** From here on, the lines taken are to be hashed with their newlines. */
	startHashing(): void {
		this.#hashFrom = this.#at;
	}

	/** The pieces to hash since the last call, in file order, up to the last line taken. */
	takeHashed(): HashedPiece[] {
		this.#noteHashed();
		const taken = this.#hashed;
		this.#hashed = [];
		return taken;
	}

	next(): boolean {
		for (;;) {
			const newline = this.bytes.indexOf(0x0a, this.#at);
			if (newline >= 0) {
				this.start = this.#at;
				this.end = newline;
				this.#at = newline + 1;
				return true;
			}
			const rest = this.bytes.length - this.#at;
			const read = Buffer.from(new SharedArrayBuffer(rest + READ_BYTES));
			const n = readSync(fd, read, rest, READ_BYTES, this.offset + rest);
			if (n <= 0) return false;
			this.#noteHashed();
			this.bytes.copy(read, 0, this.#at);
			this.#offset += this.#at;
			this.bytes = read.subarray(0, rest + n);
			this.#at = 0;
			if (this.#hashFrom >= 0) this.#hashFrom = 0;
		}
	}

	#noteHashed(): void {
		if (this.#hashFrom < 0 || this.#at === this.#hashFrom) return;
		const { buffer, byteOffset } = this.bytes;
		this.#hashed.push([buffer as SharedArrayBuffer, byteOffset + this.#hashFrom, this.#at - this.#hashFrom]);
		this.#hashFrom = this.#at;
	}
}

/** Records taken since the last batch posted. */
class Batch {
	kinds = new Uint8Array(BATCH);
	handles = new Int32Array(BATCH);
	ends = new Int32Array(BATCH);
	text = Buffer.allocUnsafe(1 << 18);
	count = 0;
	length = 0;
	readonly #sent = PASSES.map(() => 0);

	constructor(
		readonly arenas: TextArena[],
		readonly lines: Lines,
	) {}

	add(kind: number, handle: number, bytes: Buffer, start: number, end: number): void {
		const length = this.length + end - start;
		if (length > this.text.length) {
			const text = Buffer.allocUnsafe(Math.max(length, this.text.length * 2));
			this.text.copy(text, 0, 0, this.length);
			this.text = text;
		}
		bytes.copy(this.text, this.length, start, end);
		this.length = length;
		this.kinds[this.count] = kind;
		this.handles[this.count] = handle;
		this.ends[this.count] = length;
		this.count++;
		if (this.count === BATCH) this.post(this.lines.takeHashed());
	}

	post(hashed: readonly HashedPiece[]): void {
		const chunks: [number, SharedArrayBuffer][] = [];
		this.arenas.forEach((arena, pass) => {
			for (; this.#sent[pass]! < arena.chunks.length; this.#sent[pass]!++)
				chunks.push([pass, arena.chunks[this.#sent[pass]!]!.buffer as SharedArrayBuffer]);
		});
		const text = new Uint8Array(this.text.subarray(0, this.length));
		const batch: LoadBatch = {
			kinds: this.kinds.slice(0, this.count),
			handles: this.handles.slice(0, this.count),
			ends: this.ends.slice(0, this.count),
			text,
			chunks,
			hashed,
		};
		post({ batch }, [
			batch.kinds.buffer as ArrayBuffer,
			batch.handles.buffer as ArrayBuffer,
			batch.ends.buffer as ArrayBuffer,
			text.buffer as ArrayBuffer,
		]);
		this.count = 0;
		this.length = 0;
	}
}

function recordsOf(first: string): number | undefined {
	try {
		const records = (JSON.parse(first) as { records?: unknown }).records;
		return typeof records === "number" && Number.isInteger(records) && records >= 0 ? records : undefined;
	} catch {
		return undefined;
	}
}

/** Posts the records and how the snapshot ends; short when it holds fewer lines than it says. */
function run(): LoadMessage {
	const lines = new Lines();
	if (!lines.next()) return { end: { isShort: true } };
	const records = recordsOf(lines.bytes.toString("utf8", lines.start, lines.end));
	if (records === undefined) return { end: { isShort: true } };
	lines.startHashing();
	const arenas = PASSES.map(() => new TextArena(true));
	const batch = new Batch(arenas, lines);
	const found = emptyDoneLine();
	for (let taken = 0; taken < records; taken++) {
		if (!lines.next()) {
			batch.post([]);
			return { end: { isShort: true } };
		}
		const { bytes, start, end } = lines;
		if (doneLineAt(bytes, start, end, found)) {
			const pass = PASSES.indexOf(found.pass);
			const handle = arenas[pass]!.addRange(bytes, found.stateStart, found.stateEnd);
			if (handle !== undefined) {
				batch.add(
					pass * 2 + (found.outcome === "existed" ? 1 : 0),
					handle,
					bytes,
					found.keyStart,
					found.keyEnd,
				);
				continue;
			}
		}
		batch.add(PARSE, 0, bytes, start, end);
	}
	batch.post(lines.takeHashed());
	return {
		end: {
			isShort: false,
			snapshotEnd: lines.offset,
			used: arenas.map((arena) => arena.used),
			sizes: arenas.map((arena) => arena.size),
		},
	};
}

post(run());
