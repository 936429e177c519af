import type { Hash } from "node:crypto";

const NEWLINE = Buffer.from("\n");

/**
 * Hashes record lines with the newline after each, a run of lines that lie one after the other
 * in one buffer (the usual lines, read within one chunk) in one call: a million calls, each with
 * a view of its own, cost more than the hashing. A line whose newline is not after it in its
 * buffer is hashed with a newline of its own. `end()` hashes what is left of the run.
 */
export class LineHash {
	readonly #hash: Hash;
	#buffer: ArrayBufferLike | undefined;
	#bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
	#start = 0;
	#end = 0;

	constructor(hash: Hash) {
		this.#hash = hash;
	}

	add(line: Uint8Array): void {
		const start = line.byteOffset;
		const end = start + line.byteLength;
		if (line.buffer !== this.#buffer) {
			this.end();
			this.#buffer = line.buffer;
			this.#bytes = new Uint8Array(line.buffer);
			this.#start = start;
			this.#end = start;
		}
		if (end >= this.#bytes.length || this.#bytes[end] !== 0x0a) {
			this.end();
			this.#hash.update(line);
			this.#hash.update(NEWLINE);
			return;
		}
		if (start !== this.#end) {
			this.#flush();
			this.#start = start;
		}
		this.#end = end + 1;
	}

	end(): void {
		this.#flush();
		this.#buffer = undefined;
	}

	#flush(): void {
		if (this.#end > this.#start) this.#hash.update(this.#bytes.subarray(this.#start, this.#end));
		this.#start = this.#end;
	}
}
