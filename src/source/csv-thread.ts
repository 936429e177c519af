/**
 * `readCsvRows` on a worker thread: the file is read, hashed, checked, decoded and parsed there,
 * and its batches of rows come back as they are. csv-parse is the largest single cost of reading
 * a big file; off the main thread it runs beside the checks and the plan of the rows before it,
 * on the machine's other core. What the caller sees is what `readCsvRows` gives: the same rows,
 * lines and scan, in the same batches. Starting a thread costs tens of milliseconds, so small
 * files are read on the calling thread (rows.ts).
 */

import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { ByteBlocks } from "./byte-blocks.js";
import type { SkippedFooter } from "./clean/index.js";
import type { CsvFailure, CsvFormat, CsvReadOptions, CsvRow, CsvScan } from "./csv-rows.js";
import type { Undecodable } from "./decode-stream.js";
import { type PackedRows, unpackRows } from "./packed-rows.js";
import { threadInbox } from "./thread-inbox.js";
import type { InvalidByte } from "./utf8.js";

/** Files from this size on are parsed on a worker thread (when the caller reads them whole). */
export const THREAD_BYTES = 4 * 1024 * 1024;

/** What the worker is given (structured-cloned). */
export interface ThreadJob {
	readonly path: string;
	readonly options: CsvReadOptions;
	readonly utf8Limit: number;
}

/** What the scan holds once the rows are read, as the worker sends it. */
export interface ThreadScan {
	readonly failure: CsvFailure | undefined;
	readonly sha256: string | undefined;
	readonly invalid: readonly InvalidByte[];
	readonly invalidCount: number;
	readonly undecodable: readonly Undecodable[];
	readonly undecodableCount: number;
	readonly format: CsvFormat | undefined;
	readonly footer: SkippedFooter | undefined;
	readonly lastByte: number | undefined;
	readonly blocks: ByteBlocks | undefined;
}

export type ThreadMessage =
	| { readonly rows: PackedRows; readonly format?: CsvFormat | undefined; readonly end?: undefined }
	| { readonly end: ThreadScan; readonly rows?: undefined };

const WORKER = new URL("./csv-thread-worker.js", import.meta.url);
/**
 * Batches taken before the reader tells the thread so (at most the thread's `AHEAD`): each message
 * wakes the thread, and on a busy machine a woken thread takes the core from its waker.
 */
const TAKEN_PER_MESSAGE = 4;
/**
 * Run from its TypeScript source (as the test runner loads it), this module has no compiled
 * worker beside it to start: files are then read on the calling thread. The tests of the thread
 * load the built module.
 */
const CAN_THREAD = import.meta.url.endsWith(".js");

/**
 * Is `path` a regular file of at least `threshold` bytes, to be read on a thread? False when it
 * cannot be stat'ed (the read on the calling thread says why).
 */
export async function isThreadWorthy(path: string, threshold = THREAD_BYTES): Promise<boolean> {
	if (!CAN_THREAD) return false;
	let info: Stats;
	try {
		info = await stat(path);
	} catch {
		return false;
	}
	return info.isFile() && info.size >= threshold;
}

/** Copies what the worker's scan learnt into the caller's. */
function fillScan(scan: CsvScan, from: ThreadScan): void {
	scan.failure = from.failure;
	scan.sha256 = from.sha256;
	for (const bad of from.invalid) scan.utf8.invalid.push(bad);
	scan.utf8.invalidCount = from.invalidCount;
	for (const bad of from.undecodable) scan.undecodable.push(bad);
	scan.undecodableCount = from.undecodableCount;
	scan.format = from.format;
	scan.footer = from.footer;
	scan.lastByte = from.lastByte;
	if (from.blocks !== undefined) scan.blocks = from.blocks;
}

/**
 * `readCsvRows(path, scan, options)` with the reading done on a worker thread, which is ended
 * when the caller stops. Throws only what `readCsvRows` would (a fault of the thread itself).
 */
export async function* readCsvRowsOnThread(
	path: string,
	scan: CsvScan,
	options: CsvReadOptions = {},
): AsyncGenerator<CsvRow[], void, undefined> {
	const { offThread: _, ...plain } = options;
	const job: ThreadJob = { path, options: plain, utf8Limit: scan.utf8.limit };
	const worker = new Worker(WORKER, { workerData: job });
	// The thread keeps the process alive only while this reader waits for it: a reader dropped
	// without being ended (no `return()`) must not hold the process open.
	worker.unref();
	const next = threadInbox<ThreadMessage>(worker, {
		onWait: () => worker.ref(),
		onWoken: () => worker.unref(),
	});
	let taken = 0;
	try {
		for (;;) {
			const message = await next();
			if (message === undefined)
				throw new Error(`the thread reading ${path} stopped before the end of the file`);
			if (message.end !== undefined) {
				fillScan(scan, message.end);
				return;
			}
			if (message.format !== undefined) scan.format = message.format;
			// Taken: the worker may read as many batches further while these are checked.
			if (++taken === TAKEN_PER_MESSAGE) {
				worker.postMessage(taken);
				taken = 0;
			}
			yield unpackRows(message.rows);
		}
	} finally {
		await worker.terminate();
	}
}
