/**
 * The bytes a file had when it was checked, so that a later read can prove it reads the same
 * bytes without reading the file once more beforehand. Validation hashes the file as it reads it
 * (SHA-256) and notes the digest of every whole 4 MiB prefix; the read on the way to the wire
 * hashes as it goes and lets each block through to the parser only once the prefix it ends
 * hashes as noted (the last, partial block once the whole file does). A byte that differs stops
 * the read before any row holding it, or after it, is parsed.
 */

import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

export const BLOCK_BYTES = 4 * 1024 * 1024;

export interface ByteBlocks {
	/** SHA-256 (hex) of the whole file. */
	readonly sha256: string;
	/** SHA-256 (hex) of the first k × BLOCK_BYTES bytes, k = 1, 2, … (every whole block). */
	readonly prefixes: readonly string[];
	/** Size and modification time when it was checked: a cheap first look before the run starts. */
	readonly size: number;
	readonly mtimeMs: number;
}

/** SHA-256 of a stream of bytes, noting the digest at every block boundary. */
export class BlockHasher {
	readonly #hash: Hash = createHash("sha256");
	readonly #prefixes: string[] = [];
	#inBlock = 0;

	update(chunk: Buffer): void {
		let bytes = chunk;
		while (bytes.length > 0) {
			const take = Math.min(bytes.length, BLOCK_BYTES - this.#inBlock);
			this.#hash.update(take === bytes.length ? bytes : bytes.subarray(0, take));
			this.#inBlock += take;
			bytes = bytes.subarray(take);
			if (this.#inBlock === BLOCK_BYTES) {
				this.#prefixes.push(this.#hash.copy().digest("hex"));
				this.#inBlock = 0;
			}
		}
	}

	digest(): { sha256: string; prefixes: string[] } {
		return { sha256: this.#hash.digest("hex"), prefixes: this.#prefixes };
	}
}

/** The file's bytes differ from the bytes it was checked with, from `offset` on (a block's start). */
export class FileChangedError extends Error {
	readonly offset: number;
	constructor(offset: number) {
		super(`the file changed after it was checked (its bytes differ from byte ${offset} on)`);
		this.name = "FileChangedError";
		this.offset = offset;
	}
}

/** The sentence for a read stopped by a changed file, with what to do. */
export function describeChange(error: FileChangedError): string {
	return `${error.message}; nothing from there on was read. Run the command again to check the file as it is now.`;
}

/** Passes bytes on a block at a time, each only once it is proven the same as when checked. */
export class VerifyTransform extends Transform {
	readonly #blocks: ByteBlocks;
	readonly #hash: Hash = createHash("sha256");
	#held: Buffer[] = [];
	#inBlock = 0;
	#block = 0;

	constructor(blocks: ByteBlocks) {
		super();
		this.#blocks = blocks;
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		let bytes = chunk;
		while (bytes.length > 0) {
			const take = Math.min(bytes.length, BLOCK_BYTES - this.#inBlock);
			const part = take === bytes.length ? bytes : bytes.subarray(0, take);
			this.#hash.update(part);
			this.#held.push(part);
			this.#inBlock += take;
			bytes = bytes.subarray(take);
			if (this.#inBlock < BLOCK_BYTES) continue;
			const noted = this.#blocks.prefixes[this.#block];
			if (noted === undefined || this.#hash.copy().digest("hex") !== noted) {
				callback(new FileChangedError(this.#block * BLOCK_BYTES));
				return;
			}
			this.#release();
			this.#block++;
		}
		callback();
	}

	override _flush(callback: TransformCallback): void {
		const isSame =
			this.#block === this.#blocks.prefixes.length && this.#hash.digest("hex") === this.#blocks.sha256;
		if (!isSame) {
			callback(new FileChangedError(this.#block * BLOCK_BYTES));
			return;
		}
		this.#release();
		callback();
	}

	#release(): void {
		for (const part of this.#held) this.push(part);
		this.#held = [];
		this.#inBlock = 0;
	}
}
