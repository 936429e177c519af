/**
 * The worker thread of `readCsvRowsOnThread` (csv-thread.ts): reads one file with `readCsvRows`,
 * exactly as the main thread would, and posts its batches of rows (packed, packed-rows.ts), then
 * what the scan learnt.
 * It stays at most `AHEAD` batches ahead of the reader, so a slow reader never holds the file.
 */

import { parentPort, workerData } from "node:worker_threads";
import { type CsvReadOptions, newScan, readCsvRows } from "./csv-rows.js";
import type { ThreadJob, ThreadMessage } from "./csv-thread.js";
import { packRows, transferOf } from "./packed-rows.js";

/**
 * Batches posted and not yet taken: enough to keep the reader fed, few enough to bound memory.
 * At least the batches the reader takes before it says so (csv-thread.ts), or both would wait.
 */
const AHEAD = 8;

async function work(port: NonNullable<typeof parentPort>, job: ThreadJob): Promise<void> {
	let credits = Math.max(AHEAD, job.options.ahead ?? AHEAD);
	let wake: (() => void) | undefined;
	port.on("message", (taken: number) => {
		credits += taken;
		const w = wake;
		wake = undefined;
		w?.();
	});
	const scan = newScan(job.utf8Limit);
	const options: CsvReadOptions = job.options;
	let isFirst = true;
	for await (const rows of readCsvRows(job.path, scan, options)) {
		// The format is settled before the first row: a reader that stops early still learns it.
		const packed = packRows(rows);
		const message: ThreadMessage = isFirst ? { rows: packed, format: scan.format } : { rows: packed };
		isFirst = false;
		port.postMessage(message, transferOf(packed));
		if (--credits === 0) await new Promise<void>((resolve) => (wake = resolve));
	}
	const end: ThreadMessage = {
		end: {
			failure: scan.failure,
			sha256: scan.sha256,
			invalid: scan.utf8.invalid,
			invalidCount: scan.utf8.invalidCount,
			undecodable: scan.undecodable,
			undecodableCount: scan.undecodableCount,
			format: scan.format,
			footer: scan.footer,
			lastByte: scan.lastByte,
			blocks: scan.blocks,
		},
	};
	port.postMessage(end);
	port.close();
}

if (parentPort !== null) await work(parentPort, workerData as ThreadJob);
