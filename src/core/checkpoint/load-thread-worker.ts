/**
 * The thread of load-thread.ts: reads a state file's snapshot through the descriptor it is
 * given, into chunks of shared memory (shared-lines.ts), takes the done record lines as written
 * (fast-lines.ts), and posts in batches each record's key's place and its state's place and
 * length (or, for a line to be parsed in full, the line itself), with where the record lines
 * lie for their digest, then where the snapshot ends. The load's own thread hashes the lines and
 * makes each done state a text of its pass's arena where it lies.
 */

import { parentPort, workerData } from "node:worker_threads";
import { PASSES } from "../../model/records.js";
import { doneLineAt, emptyDoneLine } from "./fast-lines.js";
import type { LoadBatch, LoadJob, LoadMessage } from "./load-thread.js";
import { LineTooLong, SharedLines } from "./shared-lines.js";
import { CHUNK_BYTES } from "./text-arena.js";

const BATCH = 4096;
/** Marks a line to be parsed in full in a batch's kinds. */
export const PARSE = 255;

const { fd } = workerData as LoadJob;
const port = parentPort;
const post = (message: LoadMessage, transfer: ArrayBuffer[] = []): void =>
	port?.postMessage(message, transfer);

/**
 * Each pass's chunks: the file's chunks that hold its texts, in order (a chunk where one pass's
 * lines end and the next one's begin is in both). A handle counts the pass's chunks only, as an
 * arena of its own would.
 */
class PassChunks {
	readonly #lists = PASSES.map((): number[] => []);
	readonly sizes = PASSES.map(() => 0);

	/** The handle of a text of `pass` at `at` in the file's chunk `chunk`. */
	handle(pass: number, chunk: number, at: number): number {
		const list = this.#lists[pass]!;
		if (list[list.length - 1] !== chunk) list.push(chunk);
		return (list.length - 1) * CHUNK_BYTES + at;
	}

	/** Each pass's chunks from the `sent`th on, as indexes among the file's chunks. */
	since(pass: number, sent: number): readonly number[] {
		return this.#lists[pass]!.slice(sent);
	}
}

/** Records taken since the last batch posted. */
class Batch {
	kinds = new Uint8Array(BATCH);
	handles = new Int32Array(BATCH);
	starts = new Int32Array(BATCH);
	ends = new Int32Array(BATCH);
	text = Buffer.allocUnsafe(1 << 16);
	count = 0;
	length = 0;
	// The states to mark once their lines are hashed: chunk, place and length of each.
	#marks: number[] = [];
	readonly #sent = PASSES.map(() => 0);
	#sentChunks = 0;

	constructor(
		readonly lines: SharedLines,
		readonly passes: PassChunks,
	) {}

	/** A done record of `pass`: its key is `bytes[keyStart, keyEnd)`, its state `[stateStart, stateEnd)`. */
	addDone(
		pass: number,
		kind: number,
		keyStart: number,
		keyEnd: number,
		stateStart: number,
		stateEnd: number,
	): void {
		const chunk = this.lines.chunk;
		const at = stateStart - 4;
		this.#marks.push(chunk, at, stateEnd - stateStart);
		this.passes.sizes[pass]! += 4 + stateEnd - stateStart;
		this.kinds[this.count] = kind;
		this.handles[this.count] = this.passes.handle(pass, chunk, at);
		this.starts[this.count] = keyStart;
		this.ends[this.count] = keyEnd;
		this.#taken();
	}

	/** A line to parse in full: copied into the batch's text. */
	addParse(bytes: Buffer, start: number, end: number): void {
		const length = this.length + end - start;
		if (length > this.text.length) {
			const text = Buffer.allocUnsafe(Math.max(length, this.text.length * 2));
			this.text.copy(text, 0, 0, this.length);
			this.text = text;
		}
		bytes.copy(this.text, this.length, start, end);
		this.kinds[this.count] = PARSE;
		this.starts[this.count] = this.length;
		this.ends[this.count] = length;
		this.length = length;
		this.#taken();
	}

	post(): void {
		const chunks: [number, number][] = [];
		PASSES.forEach((_, pass) => {
			for (const chunk of this.passes.since(pass, this.#sent[pass]!)) {
				chunks.push([pass, chunk]);
				this.#sent[pass]!++;
			}
		});
		const files = this.lines.chunks.slice(this.#sentChunks).map((chunk) => chunk.buffer as SharedArrayBuffer);
		this.#sentChunks += files.length;
		const text = new Uint8Array(this.text.subarray(0, this.length));
		const batch: LoadBatch = {
			kinds: this.kinds.slice(0, this.count),
			handles: this.handles.slice(0, this.count),
			starts: this.starts.slice(0, this.count),
			ends: this.ends.slice(0, this.count),
			text,
			files,
			chunks,
			ranges: this.lines.takenRanges(),
			marks: Int32Array.from(this.#marks),
		};
		this.#marks = [];
		post({ batch }, [
			batch.kinds.buffer as ArrayBuffer,
			batch.handles.buffer as ArrayBuffer,
			batch.starts.buffer as ArrayBuffer,
			batch.ends.buffer as ArrayBuffer,
			text.buffer as ArrayBuffer,
			batch.ranges.buffer as ArrayBuffer,
			batch.marks.buffer as ArrayBuffer,
		]);
		this.count = 0;
		this.length = 0;
	}

	#taken(): void {
		this.count++;
		if (this.count === BATCH) this.post();
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

/** Posts the records and how the snapshot ends; not read when it holds fewer lines than it says. */
function run(): LoadMessage {
	const lines = new SharedLines(fd);
	if (!lines.next()) return { end: { isRead: false } };
	const records = recordsOf(lines.bytes.toString("utf8", lines.start, lines.end));
	if (records === undefined) return { end: { isRead: false } };
	lines.startRanges();
	const passes = new PassChunks();
	const batch = new Batch(lines, passes);
	const found = emptyDoneLine();
	for (let taken = 0; taken < records; taken++) {
		if (!lines.next()) {
			batch.post();
			return { end: { isRead: false } };
		}
		const { bytes, start, end } = lines;
		if (doneLineAt(bytes, start, end, found)) {
			const pass = PASSES.indexOf(found.pass);
			const kind = pass * 2 + (found.outcome === "existed" ? 1 : 0);
			batch.addDone(pass, kind, found.keyStart, found.keyEnd, found.stateStart, found.stateEnd);
		} else batch.addParse(bytes, start, end);
	}
	batch.post();
	return {
		end: { isRead: true, snapshotEnd: lines.offset, sizes: passes.sizes },
	};
}

/** The load's end; a line too long for a chunk leaves the file to the calling thread. */
function ending(): LoadMessage {
	try {
		return run();
	} catch (error) {
		if (error instanceof LineTooLong) return { end: { isRead: false } };
		throw error;
	}
}

post(ending());
