import type { Prng } from "./prng.js";

/**
 * cuid-like ids (25 chars, leading `c`). A persisted counter in the id guarantees uniqueness
 * even if a restarted simulator were given the same PRNG state twice; the random tail keeps ids
 * opaque so clients cannot lean on their order.
 */
export class IdFactory {
	#counter: number;
	readonly #prng: Prng;

	constructor(prng: Prng, counter = 0) {
		this.#prng = prng;
		this.#counter = counter;
	}

	next(): string {
		this.#counter += 1;
		let tail = "";
		for (let i = 0; i < 4; i++) {
			tail += Math.floor(this.#prng.next() * 36 ** 4)
				.toString(36)
				.padStart(4, "0");
		}
		return `c${this.#counter.toString(36).padStart(8, "0")}${tail}`;
	}

	get counter(): number {
		return this.#counter;
	}
}
