/**
 * The lines of a checkpoint file, read a chunk at a time: no string or buffer is ever as large
 * as the file (a line is, and since version 2 every line is one record at most).
 */

import type { CheckpointFileSystem } from "./file-system.js";

const CHUNK = 1 << 20;

/** Filled in by a read to its end: the bytes of its complete lines, and of the whole file. */
export interface LineCount {
	complete: number;
	total: number;
}

/**
 * The complete lines of `bytes`, without their newline. A last line without its newline was
 * torn by a kill mid-write and is left out, unless it is the only line there is (then it is the
 * snapshot, to be judged as such).
 */
export function* linesOfBytes(bytes: Uint8Array, count?: LineCount): Generator<Uint8Array> {
	let start = 0;
	for (let end = bytes.indexOf(0x0a); end >= 0; end = bytes.indexOf(0x0a, start)) {
		yield bytes.subarray(start, end);
		start = end + 1;
	}
	if (count) {
		count.complete = start;
		count.total = bytes.length;
	}
	if (start === 0 && bytes.length > 0) yield bytes;
}

/**
 * The lines of the file at `path`, as `linesOfBytes` yields them, read in chunks through
 * `fs.readSync` (the whole file at once where the file system offers no `readSync`). A line's
 * bytes are not reused: each chunk is read into a buffer of its own. From byte `from` on when
 * given (a line's start: the lines before were read elsewhere, load-thread.ts); the counts are
 * still of the whole file, and a last line without its newline is then always left out.
 */
export function* linesOfFile(
	fs: CheckpointFileSystem,
	path: string,
	count?: LineCount,
	from = 0,
): Generator<Uint8Array> {
	const readSync = fs.readSync?.bind(fs);
	if (readSync === undefined && from > 0) throw new Error("a read from within a file needs readSync");
	if (readSync === undefined) {
		yield* linesOfBytes(fs.readFileSync(path), count);
		return;
	}
	const fd = fs.openSync(path, "r");
	try {
		// The start of a line that runs past the chunk it began in.
		let pieces: Buffer[] = [];
		let isAnyLine = from > 0;
		let complete = from;
		let total = from;
		for (;;) {
			// A chunk of its own per read: the lines of the one before stay as they were (a reader
			// may hold them until the next chunk is read, see parse-checkpoint.ts's LineHash).
			const chunk = Buffer.allocUnsafeSlow(CHUNK);
			const n = readSync(fd, chunk, 0, CHUNK, from > 0 ? total : null);
			if (n <= 0) break;
			let start = 0;
			const chunkStart = total;
			total += n;
			for (;;) {
				const end = chunk.indexOf(0x0a, start);
				if (end < 0 || end >= n) {
					pieces.push(Buffer.from(chunk.subarray(start, n)));
					break;
				}
				const part = chunk.subarray(start, end);
				yield pieces.length === 0 ? part : Buffer.concat([...pieces, part]);
				pieces = [];
				isAnyLine = true;
				start = end + 1;
				complete = chunkStart + start;
			}
		}
		if (count) {
			count.complete = complete;
			count.total = total;
		}
		if (!isAnyLine && pieces.length > 0) yield Buffer.concat(pieces);
	} finally {
		fs.closeSync(fd);
	}
}
