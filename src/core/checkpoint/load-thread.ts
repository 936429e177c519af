/**
 * A state file's load with its snapshot's record lines read on a worker thread
 * (load-thread-worker.ts): the lines split, the done ones checked as written
 * (fast-lines.ts) and their states copied into an arena per pass, in shared memory. This thread
 * fills each pass's map with the keys and handles as the batches come, hashes the record lines
 * where the thread read them, and parses in full the lines the thread could not take, in their
 * order. A refresh of a million records spent most of its load on the thread's part, on the one
 * thread that also plans every row after it.
 *
 * Only a sound file is read so: on anything else (a damaged line, a digest that is not its
 * records', a thread that fails) the caller reads the file again on its own thread, which finds
 * and names what is wrong exactly as before.
 */

import { createHash } from "node:crypto";
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
import { GENERATION, GENERATION_ANCHOR, type StateMap } from "./state-map.js";
import { TextArena, textInChunksHolds } from "./text-arena.js";

/** State files from this size on are loaded with a thread (starting one costs tens of ms). */
export const LOAD_THREAD_BYTES = 16 * 1024 * 1024;

/** What the thread is given: the file's descriptor, read from its start. */
export interface LoadJob {
	readonly fd: number;
}

/**
 * Records in file order: `kinds[i]` is the pass's index times two, plus one when its outcome is
 * `existed`, or `PARSE` (255) for a line to parse in full; `text[ends[i - 1], ends[i])` is the
 * record's key, or the whole line to parse; `handles[i]` its state in its pass's arena. `chunks`
 * are the arenas' chunks made since the last batch, with their pass's index.
 */
export interface LoadBatch {
	readonly kinds: Uint8Array;
	readonly handles: Int32Array;
	readonly ends: Int32Array;
	readonly text: Uint8Array;
	readonly chunks: readonly (readonly [number, SharedArrayBuffer])[];
	/** The snapshot's record lines read since the last batch, in file order, where they lie. */
	readonly hashed: readonly HashedPiece[];
}

/** Bytes of the file as the thread read them: `length` bytes from `start` of the shared memory. */
export type HashedPiece = readonly [buffer: SharedArrayBuffer, start: number, length: number];

export type LoadEnd =
	| { readonly isShort: true }
	| {
			readonly isShort: false;
			/** The file offset after the record lines (the journal's start). */
			readonly snapshotEnd: number;
			/** Per pass: bytes in use in its arena's last chunk, and in all its chunks. */
			readonly used: readonly number[];
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
		const chunks: Buffer[][] = PASSES.map(() => []);
		// The record lines' digest, made here (the thread reads and splits, this thread waits
		// for it half the load) of the bytes the thread took the records from.
		const hash = createHash("sha256");
		let taken = 0;
		for (;;) {
			const message = await next();
			if (message.end === undefined) {
				for (const [pass, shared] of message.batch.chunks) chunks[pass]?.push(Buffer.from(shared));
				for (const [buffer, start, length] of message.batch.hashed)
					hash.update(new Uint8Array(buffer, start, length));
				taken += takeBatch(message.batch, maps, chunks);
				continue;
			}
			const end = message.end;
			if (end.isShort || hash.digest("hex") !== head.trustedDigest || taken !== head.records)
				return undefined;
			PASSES.forEach((pass, index) => {
				maps[pass].adoptArena(TextArena.adopt(chunks[index]!, end.used[index]!, end.sizes[index]!));
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

/**
 * Takes a batch's records into `maps`, in order; how many it held. Whether each customer's state
 * holds a generation (asked of it for each of its contacts and onboardings) is answered here, on
 * its bytes in `chunks`, while this thread would otherwise wait for the next batch.
 */
function takeBatch(batch: LoadBatch, maps: Record<PassName, StateMap>, chunks: readonly Buffer[][]): number {
	const { kinds, handles, ends } = batch;
	const text = Buffer.from(batch.text.buffer, batch.text.byteOffset, batch.text.byteLength);
	let start = 0;
	for (let i = 0; i < kinds.length; i++) {
		const end = ends[i]!;
		const kind = kinds[i]!;
		if (kind === PARSE) {
			const line = text.subarray(start, end);
			takeParsedLine(decode(line), line, maps, false);
		} else {
			const pass = PASSES[kind >> 1] as PassName;
			const key = text.toString("utf8", start, end);
			const handle = handles[i]!;
			if (!maps[pass].loadDoneHandle(key, kind & 1 ? "existed" : "created", handle)) twice(pass, key);
			if (pass === "customers")
				maps.customers.knowLoadedHolds(
					GENERATION,
					textInChunksHolds(chunks[0]!, handle, GENERATION, GENERATION_ANCHOR),
				);
		}
		start = end;
	}
	return kinds.length;
}
