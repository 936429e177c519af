/**
 * The zip container of a workbook, through yauzl: the central directory is read once, and each
 * part is opened by name when needed, so a sheet streams from the file without the rest of the
 * workbook in memory. Every part read is capped by its uncompressed size (a zip bomb declares a
 * small file that unpacks to gigabytes); yauzl checks that the bytes match what is declared.
 */

import { closeSync, read } from "node:fs";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import yauzl from "yauzl";

const readFd = promisify(read);

/** What the file's first bytes say it is. */
export type Container = "zip" | "compound" | "other";

/** Zip local header, or the empty-archive end record. */
const ZIP = [0x50, 0x4b];
/** OLE compound file: a legacy .xls, or an .xlsx encrypted with a password (MS-OFFCRYPTO). */
const COMPOUND = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export async function containerOf(fd: number): Promise<Container> {
	const head = Buffer.alloc(8);
	const { bytesRead } = await readFd(fd, head, 0, 8, 0);
	const starts = (magic: readonly number[]): boolean =>
		bytesRead >= magic.length && magic.every((b, i) => head[i] === b);
	if (starts(COMPOUND)) return "compound";
	return starts(ZIP) ? "zip" : "other";
}

/** A part would unpack to more than the cap. */
export class PartTooLargeError extends Error {
	readonly part: string;
	readonly size: number;
	constructor(part: string, size: number) {
		super(`${part} unpacks to ${size} bytes`);
		this.name = "PartTooLargeError";
		this.part = part;
		this.size = size;
	}
}

export class ZipEntries {
	readonly #zip: yauzl.ZipFile;
	/** Part name → entry, names without a leading `/`, compared case-insensitively as Excel does. */
	readonly #entries: ReadonlyMap<string, yauzl.Entry>;

	private constructor(zip: yauzl.ZipFile, entries: ReadonlyMap<string, yauzl.Entry>) {
		this.#zip = zip;
		this.#entries = entries;
	}

	/**
	 * Takes the descriptor over: it is closed when this throws (the file is not a readable zip,
	 * yauzl's error says why), or by `close`.
	 */
	static async open(fd: number): Promise<ZipEntries> {
		let zip: yauzl.ZipFile;
		try {
			zip = await yauzl.fromFdPromise(fd, { lazyEntries: true, autoClose: false });
		} catch (error) {
			closeSync(fd);
			throw error;
		}
		const entries = new Map<string, yauzl.Entry>();
		try {
			for await (const entry of zip.eachEntry()) entries.set(entry.fileName.toLowerCase(), entry);
		} catch (error) {
			zip.close();
			throw error;
		}
		return new ZipEntries(zip, entries);
	}

	has(part: string): boolean {
		return this.#entries.has(part.toLowerCase());
	}

	/** Whether the part's content is encrypted with the zip's own (legacy) encryption. */
	isEncrypted(part: string): boolean {
		return this.#entries.get(part.toLowerCase())?.isEncrypted() ?? false;
	}

	/** The part's bytes as a stream; undefined when there is no such part. Throws past `limit`. */
	async stream(part: string, limit: number): Promise<Readable | undefined> {
		const entry = this.#entries.get(part.toLowerCase());
		if (entry === undefined) return undefined;
		if (entry.uncompressedSize > limit) throw new PartTooLargeError(part, entry.uncompressedSize);
		return this.#zip.openReadStreamPromise(entry);
	}

	/** The whole part as text (UTF-8, as every OOXML part is written); undefined when missing. */
	async text(part: string, limit: number): Promise<string | undefined> {
		const stream = await this.stream(part, limit);
		if (stream === undefined) return undefined;
		const decoder = new TextDecoder("utf-8");
		let text = "";
		for await (const chunk of stream as AsyncIterable<Buffer>)
			text += decoder.decode(chunk, { stream: true });
		return text + decoder.decode();
	}

	close(): void {
		this.#zip.close();
	}
}
