/**
 * Hands out strictly increasing millisecond timestamps for `created_at`. Cursors are
 * "strictly older than", so two rows sharing a millisecond could be skipped by a page walk
 * (§12.40); bumping ties by 1 ms keeps every row reachable.
 */
export class MonotonicClock {
	readonly #now: () => number;
	#last: number;

	constructor(now: () => number, last = Number.NEGATIVE_INFINITY) {
		this.#now = now;
		this.#last = last;
	}

	stamp(): number {
		const t = Math.max(Math.floor(this.#now()), this.#last + 1);
		this.#last = t;
		return t;
	}

	get last(): number {
		return this.#last;
	}
}
