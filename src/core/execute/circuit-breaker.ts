/**
 * Stops a run before it fails every remaining record the same way: permanent failures of one
 * kind in a row (same pass, status, code and field) trip it. Any success breaks the streak.
 */
export class CircuitBreaker {
	readonly #threshold: number;
	// Invariant: #count failures in a row, all with #signature; 0 after a success or a trip.
	#signature = "";
	#count = 0;

	/** @param threshold failures in a row that trip it (at least 1) */
	constructor(threshold: number) {
		if (!Number.isInteger(threshold) || threshold < 1) {
			throw new RangeError(`Expected a threshold of at least 1, got ${threshold}`);
		}
		this.#threshold = threshold;
	}

	succeeded(): void {
		this.#signature = "";
		this.#count = 0;
	}

	/** Count a permanent failure; returns the streak's length when it trips, else undefined. */
	failed(signature: string): number | undefined {
		this.#count = signature === this.#signature ? this.#count + 1 : 1;
		this.#signature = signature;
		if (this.#count < this.#threshold) return undefined;
		const count = this.#count;
		this.succeeded();
		return count;
	}
}
