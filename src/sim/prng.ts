/**
 * Seeded PRNG (mulberry32). Every random choice the simulator makes comes from one of these so
 * a run with the same seed and the same request order behaves the same. The state is one
 * uint32, which makes it trivial to carry across a restart.
 */
export class Prng {
	#state: number;

	constructor(seed: number) {
		this.#state = seed >>> 0;
	}

	/** A float in [0, 1). */
	next(): number {
		this.#state = (this.#state + 0x6d2b79f5) >>> 0;
		let t = this.#state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** An integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** True with probability `p`; consumes no randomness when `p` is 0 so idle faults do not shift other draws. */
	chance(p: number): boolean {
		if (p <= 0) return false;
		return this.next() < p;
	}

	get state(): number {
		return this.#state;
	}

	set state(value: number) {
		this.#state = value >>> 0;
	}
}
