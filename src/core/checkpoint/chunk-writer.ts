/** The snapshot's writer: a megabyte of lines per system call, at explicit positions. */

import { createHash, type Hash } from "node:crypto";
import { type CheckpointFileSystem, writeAll } from "./file-system.js";

/** Bytes of snapshot lines gathered before each write. */
const WRITE_CHUNK = 1 << 20;

/** Gathers bytes into a buffer of `WRITE_CHUNK` and writes it out whenever it is full. */
export class ChunkWriter {
	readonly #fs: CheckpointFileSystem;
	readonly #fd: number;
	#buffer = Buffer.allocUnsafe(WRITE_CHUNK);
	#used = 0;
	#position = 0;
	// From `startHash` on, every byte written is hashed too, a buffer at a time.
	#hash: Hash | undefined;
	#hashFrom = 0;

	constructor(fs: CheckpointFileSystem, fd: number) {
		this.#fs = fs;
		this.#fd = fd;
	}

	text(text: string): void {
		const length = Buffer.byteLength(text);
		this.#room(length);
		this.#used += this.#buffer.write(text, this.#used, length, "utf8");
	}

	/** `text`, room made for its longest UTF-8 form: one native call where `text` makes two. */
	shortText(text: string): void {
		this.#room(text.length * 3);
		this.#used += this.#buffer.write(text, this.#used, "utf8");
	}

	bytes(bytes: Uint8Array): void {
		this.#room(bytes.length);
		this.#buffer.set(bytes, this.#used);
		this.#used += bytes.length;
	}

	/** `bytes[start, end)`, copied without a view of them made first. */
	span(bytes: Buffer, start: number, end: number): void {
		this.#room(end - start);
		this.#used += bytes.copy(this.#buffer, this.#used, start, end);
	}

	/** Hashes (SHA-256) every byte given from now on; `digest` gives it once `end` was called. */
	startHash(): void {
		this.#hash = createHash("sha256");
		this.#hashFrom = this.#used;
	}

	/** The SHA-256 (hex) of the bytes given since `startHash`, once `end` was called. */
	digest(): string {
		return this.#hash?.digest("hex") ?? "";
	}

	/** Writes what is left; returns the bytes written in all. */
	end(): number {
		this.#flush();
		return this.#position;
	}

	#room(length: number): void {
		if (this.#used + length <= this.#buffer.length) return;
		this.#flush();
		if (length > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(length);
	}

	#flush(): void {
		this.#hash?.update(this.#buffer.subarray(this.#hashFrom, this.#used));
		this.#hashFrom = 0;
		writeAll(this.#fs, this.#fd, this.#buffer.subarray(0, this.#used), this.#position);
		this.#position += this.#used;
		this.#used = 0;
	}
}
