/**
 * A state file's load with its snapshot's record lines read on a worker thread
 * (load-thread-worker.ts): the file read into chunks of shared memory, the lines split, the
 * done ones checked as written (fast-lines.ts). This thread hashes the record lines as the
 * batches come (it would wait for the thread otherwise), then makes each done state a text of
 * its pass's arena where it lies, fills each pass's map with the keys and handles, and parses
 * in full the lines the thread could not take, in their order. A refresh of a million records
 * spent most of its load on the thread's part, on the one thread that also plans every row
 * after it.
 *
 * Only a sound file is read so: on anything else (a damaged line, a digest that is not its
 * records', a thread that fails) the caller reads the file again on its own thread, which finds
 * and names what is wrong exactly as before.
 */

import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { PASSES, type PassName } from "../../model/records.js";
import { threadInbox } from "../../source/thread-inbox.js";
import { type LineCount, linesOfFile } from "./checkpoint-lines.js";
import { type CheckpointFileSystem, nodeFileSystem } from "./file-system.js";
import {
	decode,
	emptyMaps,
	finishCheckpoint,
	type ParsedCheckpoint,
	readSnapshotHead,
	takeParsedLine,
	twice,
} from "./parse-checkpoint.js";
import type { StateMap } from "./state-map.js";
import { CHUNK_BYTES, markText, TextArena } from "./text-arena.js";

/** State files from this size on are loaded with a thread (starting one costs tens of ms). */
export const LOAD_THREAD_BYTES = 16 * 1024 * 1024;

/** What the thread is given: the file's descriptor, read from its start. */
export interface LoadJob {
	readonly fd: number;
}

/**
 * Records in file order: `kinds[i]` is the pass's index times two, plus one when its outcome is
 * `existed`, or `PARSE` (255) for a line to parse in full; `handles[i]` the record's state in
 * its pass's arena, and `[starts[i], ends[i])` its key in that state's chunk; or for a line to
 * parse, the line in `text`. `files` are the file's chunks read since the last batch, in order;
 * `chunks` the pass and index among them of each chunk holding texts of a pass, given once for
 * each pass. `ranges`: the record lines' bytes in the file's chunks (triples of a chunk's index,
 * start and end), to hash before `marks` (chunk, place, length) are written (`markText`).
 */
export interface LoadBatch {
	readonly kinds: Uint8Array;
	readonly handles: Int32Array;
	readonly starts: Int32Array;
	readonly ends: Int32Array;
	readonly text: Uint8Array;
	readonly files: readonly SharedArrayBuffer[];
	readonly chunks: readonly (readonly [number, number])[];
	readonly ranges: Int32Array;
	readonly marks: Int32Array;
}

export type LoadEnd =
	/** Not read there: the snapshot holds fewer lines than it says, or a line longer than a chunk. */
	| { readonly isRead: false }
	| {
			readonly isRead: true;
			/** The file offset after the record lines (the journal's start). */
			readonly snapshotEnd: number;
			/** Per pass: bytes its arena's texts take (`TextArena.size`). */
			readonly sizes: readonly number[];
	  };

export type LoadMessage = { readonly batch: LoadBatch; readonly end?: undefined } | { readonly end: LoadEnd };

const PARSE = 255;
const WORKER = new URL("./load-thread-worker.js", import.meta.url);
/** Run from its TypeScript source (no compiled worker beside it), the file is read here. */
const CAN_THREAD = import.meta.url.endsWith(".js");

/** Gives up the thread's reading: the caller reads the file on its own thread. */
class NotOnThread extends Error {}

/** The thread's messages in order, as they come; a thread that fails or ends early is `NotOnThread`. */
function messagesOf(worker: Worker): () => Promise<LoadMessage> {
	const next = threadInbox<LoadMessage>(worker);
	return async () => {
		const message = await next().catch(() => undefined);
		if (message === undefined) throw new NotOnThread();
		return message;
	};
}

/** The file's first line, read on its own (undefined: no newline, the file's one line or none). */
function firstLineOf(fs: CheckpointFileSystem, path: string): Uint8Array | undefined {
	const lines = linesOfFile(fs, path);
	const first = lines.next();
	lines.return(undefined);
	return first.done ? undefined : first.value;
}

/**
 * `path` parsed as `parseCheckpointLines` parses it trusting its digest, the snapshot's record
 * lines read on a thread; undefined when it is not read so (not a large regular file of the
 * current version, or anything found amiss: the caller then reads it as before). `count` is
 * filled as `linesOfFile` fills it.
 */
export async function parseCheckpointOnThread(
	fs: CheckpointFileSystem,
	path: string,
	count: LineCount,
	threshold = LOAD_THREAD_BYTES,
): Promise<ParsedCheckpoint | undefined> {
	if (!CAN_THREAD || fs !== nodeFileSystem) return undefined;
	try {
		const info = statSync(path);
		if (!info.isFile() || info.size < threshold) return undefined;
	} catch {
		return undefined;
	}
	let fd: number | undefined;
	let worker: Worker | undefined;
	try {
		fd = openSync(path, "r");
		worker = new Worker(WORKER, { workerData: { fd } satisfies LoadJob });
		const next = messagesOf(worker);
		const first = firstLineOf(fs, path);
		if (first === undefined) return undefined;
		const head = readSnapshotHead(decode(first), first, path, true);
		if (head.trustedDigest === undefined) return undefined;
		const maps = emptyMaps();
		const files: Buffer[] = [];
		const chunks: Buffer[][] = PASSES.map(() => []);
		const hash = createHash("sha256");
		let taken = 0;
		for (;;) {
			const message = await next();
			if (message.end === undefined) {
				const { batch } = message;
				for (const shared of batch.files) files.push(Buffer.from(shared));
				for (const [pass, file] of batch.chunks) chunks[pass]?.push(files[file]!);
				markHashed(batch, files, hash);
				taken += takeBatch(batch, maps, chunks);
				continue;
			}
			const end = message.end;
			if (!end.isRead || hash.digest("hex") !== head.trustedDigest || taken !== head.records)
				return undefined;
			PASSES.forEach((pass, index) => {
				maps[pass].adoptArena(TextArena.adopt(chunks[index]!, end.sizes[index]!));
			});
			// Lines parsed in full were kept as strings while the thread filled the arena: moved in now.
			for (const pass of PASSES) maps[pass].moveIntoArena();
			const journal = linesOfFile(fs, path, count, end.snapshotEnd);
			const nextLine = (): string | undefined => {
				const read = journal.next();
				return read.done ? undefined : decode(read.value);
			};
			return finishCheckpoint(head, maps, taken, nextLine);
		}
	} catch {
		return undefined;
	} finally {
		// Ended before its descriptor is closed: the number may be given to another file next.
		await worker?.terminate();
		if (fd !== undefined) closeSync(fd);
	}
}

/** Hashes the batch's record lines, then writes each done state's length before it (`markText`). */
function markHashed(batch: LoadBatch, files: readonly Buffer[], hash: Hash): void {
	const { ranges, marks } = batch;
	for (let i = 0; i < ranges.length; i += 3)
		hash.update(files[ranges[i]!]!.subarray(ranges[i + 1], ranges[i + 2]));
	for (let i = 0; i < marks.length; i += 3) markText(files[marks[i]!]!, marks[i + 1]!, marks[i + 2]!);
}

/** Takes a batch's records into `maps`, in order, their keys read in `chunks` (per pass); how many it held. */
function takeBatch(batch: LoadBatch, maps: Record<PassName, StateMap>, chunks: readonly Buffer[][]): number {
	const { kinds, handles, starts, ends } = batch;
	const text = Buffer.from(batch.text.buffer, batch.text.byteOffset, batch.text.byteLength);
	for (let i = 0; i < kinds.length; i++) {
		const kind = kinds[i]!;
		if (kind === PARSE) {
			const line = text.subarray(starts[i], ends[i]);
			takeParsedLine(decode(line), line, maps, false);
			continue;
		}
		const handle = handles[i]!;
		const chunk = chunks[kind >> 1]![Math.floor(handle / CHUNK_BYTES)]!;
		const pass = PASSES[kind >> 1] as PassName;
		const key = chunk.toString("utf8", starts[i], ends[i]);
		if (!maps[pass].loadDoneHandle(key, kind & 1 ? "existed" : "created", handle)) twice(pass, key);
	}
	return kinds.length;
}
