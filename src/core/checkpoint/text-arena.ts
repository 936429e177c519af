/**
 * UTF-8 texts kept outside the JavaScript heap, in 16 MiB buffers, each found by a small
 * integer. A million record states then cost the garbage collector a map of numbers, not a
 * million strings: the heap it scans (and the headroom it keeps, a multiple of that heap) stays
 * small while the bytes live in buffers it does not walk.
 */

import { holdsWithin } from "./done-bytes.js";

const CHUNK_BYTES = 1 << 24;
/** A chunk of this thread's own begins this large and doubles as it fills, up to `CHUNK_BYTES`. */
const FIRST_CHUNK_BYTES = 1 << 16;
/** Texts this long or longer are not put in a chunk (the caller keeps them as strings). */
export const ARENA_MAX_TEXT = CHUNK_BYTES - 4;

export class TextArena {
	#chunks: Buffer[] = [];
	// Chunks in shared memory, for an arena built on a thread and handed over (load-thread.ts).
	readonly #isShared: boolean;
	#used = CHUNK_BYTES;
	// Bytes held by texts replaced or dropped since: a rebuild is due once they outweigh the rest.
	#dead = 0;
	#size = 0;

	constructor(isShared = false) {
		this.#isShared = isShared;
	}

	/** An arena over chunks another thread filled (shared memory), `used` bytes of the last in use. */
	static adopt(chunks: readonly Buffer[], used: number, size: number): TextArena {
		const arena = new TextArena();
		arena.#chunks = [...chunks];
		arena.#used = chunks.length === 0 ? CHUNK_BYTES : used;
		arena.#size = size;
		return arena;
	}

	/** The chunks made so far, in order (a handle's chunk is `chunks[handle / 2^24]`). */
	get chunks(): readonly Buffer[] {
		return this.#chunks;
	}

	/** Bytes in use in the last chunk. */
	get used(): number {
		return this.#used;
	}

	/** Bytes in use, dead ones included. */
	get size(): number {
		return this.#size;
	}

	get dead(): number {
		return this.#dead;
	}

	/** Stores `text` (a string, or its UTF-8 bytes) and returns its handle; undefined when too long. */
	add(text: string | Uint8Array): number | undefined {
		const length = typeof text === "string" ? Buffer.byteLength(text) : text.length;
		if (length > ARENA_MAX_TEXT) return undefined;
		const chunk = this.#room(4 + length);
		const at = this.#used;
		chunk.writeUInt32LE(length, at);
		if (typeof text === "string") chunk.write(text, at + 4, length, "utf8");
		else chunk.set(text, at + 4);
		this.#used = at + 4 + length;
		this.#size += 4 + length;
		// Below 2^30 while there are fewer than 64 chunks: a small integer, no heap object.
		return (this.#chunks.length - 1) * CHUNK_BYTES + at;
	}

	/** `add` of the UTF-8 text `bytes[start, end)`, copied without a view made of it. */
	addRange(bytes: Buffer, start: number, end: number): number | undefined {
		const length = end - start;
		if (length > ARENA_MAX_TEXT) return undefined;
		const chunk = this.#room(4 + length);
		const at = this.#used;
		chunk.writeUInt32LE(length, at);
		bytes.copy(chunk, at + 4, start, end);
		this.#used = at + 4 + length;
		this.#size += 4 + length;
		return (this.#chunks.length - 1) * CHUNK_BYTES + at;
	}

	/** The bytes of the text at `handle`: a view, valid until the arena is rebuilt. */
	bytes(handle: number): Uint8Array {
		const chunk = this.#chunks[Math.floor(handle / CHUNK_BYTES)] as Buffer;
		const at = handle % CHUNK_BYTES;
		return chunk.subarray(at + 4, at + 4 + chunk.readUInt32LE(at));
	}

	text(handle: number): string {
		const chunk = this.#chunks[Math.floor(handle / CHUNK_BYTES)] as Buffer;
		const at = handle % CHUNK_BYTES;
		return chunk.toString("utf8", at + 4, at + 4 + chunk.readUInt32LE(at));
	}

	/** The buffer holding the text at `handle`: its bytes are `[startOf, startOf + lengthOf)` there. */
	chunkOf(handle: number): Buffer {
		return this.#chunks[Math.floor(handle / CHUNK_BYTES)] as Buffer;
	}

	/** Where the text at `handle` starts in `chunkOf(handle)`. */
	startOf(handle: number): number {
		return (handle % CHUNK_BYTES) + 4;
	}

	/** The length in bytes of the text at `handle`. */
	lengthOf(handle: number): number {
		return this.chunkOf(handle).readUInt32LE(handle % CHUNK_BYTES);
	}

	/** Does the text at `handle` begin with `prefix` (UTF-8 bytes)? Decodes nothing. */
	startsWith(handle: number, prefix: Uint8Array): boolean {
		const chunk = this.#chunks[Math.floor(handle / CHUNK_BYTES)] as Buffer;
		const at = handle % CHUNK_BYTES;
		if (chunk.readUInt32LE(at) < prefix.length) return false;
		// A byte loop: for a prefix of a few bytes, a native compare costs more in its call.
		for (let i = 0; i < prefix.length; i++) if (chunk[at + 4 + i] !== prefix[i]) return false;
		return true;
	}

	/** The text at `handle` is no longer used. */
	drop(handle: number): void {
		const chunk = this.#chunks[Math.floor(handle / CHUNK_BYTES)] as Buffer;
		this.#dead += 4 + chunk.readUInt32LE(handle % CHUNK_BYTES);
	}

	/** Worth rebuilding: more dead bytes than live ones, and more than a chunk of them. */
	isWasteful(): boolean {
		return this.#dead > CHUNK_BYTES && this.#dead > this.#size - this.#dead;
	}

	/**
	 * The last chunk, with `bytes` free at `#used`: grown, or a new one begun. A chunk of this
	 * thread's own first chunk begins at 64 KiB and doubles up to 16 MiB, copied as it grows (a
	 * text's handle is its place in its chunk, which a copy keeps): a run of a hundred records holds
	 * 64 KiB, not 16 MiB per pass that V8 counts as external memory and collects for (a full
	 * collection in a run's first burst). A shared chunk is handed to another thread as it fills,
	 * so it is made whole at once.
	 */
	#room(bytes: number): Buffer {
		const last = this.#chunks[this.#chunks.length - 1];
		const need = this.#used + bytes;
		if (last !== undefined && need <= last.length) return last;
		if (last !== undefined && need <= CHUNK_BYTES) {
			const grown = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(need, last.length * 2)));
			last.copy(grown, 0, 0, this.#used);
			this.#chunks[this.#chunks.length - 1] = grown;
			return grown;
		}
		// After a full chunk, the state is a large one: the next is made whole.
		const chunk = this.#isShared
			? Buffer.from(new SharedArrayBuffer(CHUNK_BYTES))
			: Buffer.allocUnsafe(last === undefined ? Math.max(FIRST_CHUNK_BYTES, bytes) : CHUNK_BYTES);
		this.#chunks.push(chunk);
		this.#used = 0;
		return chunk;
	}
}

/**
 * Does the text at `handle` of an arena's `chunks` (as `TextArena.adopt` will take them) hold
 * `part`? Read where it lies, before the arena is made (`holdsWithin`'s `anchor`).
 */
export function textInChunksHolds(
	chunks: readonly Buffer[],
	handle: number,
	part: Buffer,
	anchor = 0,
): boolean {
	const chunk = chunks[Math.floor(handle / CHUNK_BYTES)] as Buffer;
	const at = handle % CHUNK_BYTES;
	return holdsWithin(chunk, at + 4, at + 4 + chunk.readUInt32LE(at), part, anchor);
}
