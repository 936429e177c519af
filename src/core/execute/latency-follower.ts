/**
 * Keeps enough requests in flight to sustain the keys' rate at the latency the run sees,
 * unless the user chose a concurrency. Looks again every 50 answers.
 */
/** Share of the window a burst of a whole window's worth may take. */
const BURST_SHARE = 0.01;
/** The client's connections: more in flight would only queue. */
const BURST_MAX = 16;

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
		const rate = Math.ceil((limit / windowMs) * this.#ewma * 1.5) + 2;
		// When a window frees, a window's worth may go at once: enough in flight that the burst
		// takes about 1 % of the window (up to the client's 16 connections).
		const burst = Math.min(BURST_MAX, Math.ceil((limit * this.#ewma) / (windowMs * BURST_SHARE)));
		const needed = Math.max(rate, burst);
		return needed > current ? Math.min(64, needed) : undefined;
	}
}
