import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

const { O_APPEND, O_CREAT, O_NONBLOCK, O_TRUNC, O_WRONLY } = constants;

/** Written to the file once this much has gathered: a million rows are not a million writes. */
const CHUNK_BYTES = 64 * 1024;
/** A reader that takes nothing for this long (a pipe nobody drains): the report is given up. */
const STALL_MS = 30_000;
/** How often a full pipe is tried again. */
const RETRY_MS = 10;

/**
 * A report a run writes (the Markdown summary, the failures and results CSVs), opened without
 * waiting: a FIFO with no reader is refused at once (ENXIO), said as a file not written, where the
 * open waited for a reader forever and held the process past its run and past SIGTERM
 * (adversarial finding O13). Opened so, a pipe answers EAGAIN while its reader is behind: the
 * write waits for it (at most `STALL_MS` without progress), never cuts the report short.
 */
/** The process's standard output or error by a path: `/dev/stdout`, `/dev/fd/2`, `/proc/self/fd/1`. */
const OWN_STREAM = /^\/(?:dev\/(?:stdout|stderr|fd\/[12])|proc\/(?:self|thread-self)\/fd\/[12])$/;

export class OutputFile {
	readonly #handle: FileHandle;
	#pending: Buffer[] = [];
	#pendingBytes = 0;

	private constructor(handle: FileHandle) {
		this.#handle = handle;
	}

	/** `append`: `$GITHUB_STEP_SUMMARY` holds the job's earlier steps too. */
	static async open(path: string, how: "new" | "append", mode = 0o666): Promise<OutputFile> {
		// The command's own output or error stream, by one of its names: written after what is
		// there, never emptied (adversarial finding AJ3: `--summary-md /dev/stdout >> sync.log`
		// emptied the log of every night before).
		const isOwnStream = OWN_STREAM.test(path);
		const flags = O_WRONLY | O_CREAT | O_NONBLOCK | (how === "append" || isOwnStream ? O_APPEND : O_TRUNC);
		return new OutputFile(await open(path, flags, mode));
	}

	async write(text: string): Promise<void> {
		const bytes = Buffer.from(text, "utf8");
		this.#pending.push(bytes);
		this.#pendingBytes += bytes.length;
		if (this.#pendingBytes >= CHUNK_BYTES) await this.#flush();
	}

	/** Writes what is left and closes the file; closes it whatever happens. */
	async close(): Promise<void> {
		try {
			await this.#flush();
		} finally {
			await this.#handle.close();
		}
	}

	async #flush(): Promise<void> {
		const bytes = Buffer.concat(this.#pending);
		this.#pending = [];
		this.#pendingBytes = 0;
		let at = 0;
		let lastProgress = Date.now();
		while (at < bytes.length) {
			try {
				const { bytesWritten } = await this.#handle.write(bytes, at, bytes.length - at);
				at += bytesWritten;
				if (bytesWritten > 0) lastProgress = Date.now();
			} catch (error) {
				if (!isFull(error) || Date.now() - lastProgress > STALL_MS) throw error;
				await sleep(RETRY_MS);
			}
		}
	}
}

/** A pipe opened without waiting, full while its reader is behind. */
function isFull(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException).code;
	const errno = (error as { info?: { code?: string } }).info?.code;
	return code === "EAGAIN" || code === "EWOULDBLOCK" || errno === "EAGAIN";
}

/** Writes `text` as the whole of a report file (or appended to it). */
export async function writeOutput(path: string, text: string, how: "new" | "append"): Promise<void> {
	const file = await OutputFile.open(path, how);
	try {
		await file.write(text);
	} finally {
		await file.close();
	}
}
