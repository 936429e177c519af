/**
 * Keeps enough requests in flight to sustain the keys' rate at the latency the run sees,
 * unless the user chose a concurrency. Looks again every 50 answers.
 */
export class LatencyFollower {
	#isUserChoice: boolean;
	#ewma = 0;
	#responses = 0;

	constructor(isUserChoice: boolean) {
		this.#isUserChoice = isUserChoice;
	}

	userChose(): void {
		this.#isUserChoice = true;
	}

	/** A new concurrency to set, or undefined to keep the current one. */
	observe(
		durationMs: number,
		limit: number | undefined,
		windowMs: number | undefined,
		current: number,
	): number | undefined {
		this.#ewma = this.#responses === 0 ? durationMs : this.#ewma * 0.9 + durationMs * 0.1;
		this.#responses += 1;
		if (this.#responses % 50 !== 0 || this.#isUserChoice) return undefined;
		if (limit === undefined || windowMs === undefined) return undefined;
		const needed = Math.ceil((limit / windowMs) * this.#ewma * 1.5) + 2;
		return needed > current ? Math.min(64, needed) : undefined;
	}
}
