/**
 * A pass's keys and texts in the order a load set them, kept while nothing else is set (see
 * `StateMap`). A refresh plans its rows in the order its state was written, so the key a row asks
 * about is nearly always at the place after the last one asked: found by comparing two strings,
 * where a look-up in a map of a million keys cost about a microsecond (its cache misses), and a
 * refresh asks a few million of them. Two places are followed: the rows' own keys, and their
 * customers' keys (asked by each contact and onboarding).
 */

/** Which place a look-up follows. */
export const OWN = 0;
export const PARENT = 1;

/** Keys set since the load followed at most: beyond, the order is given up (the map answers). */
const MOST_CHANGED = 65536;

/** After this many misses, a miss moves the place only while most look-ups are found at it. */
const MISSES_BEFORE_GIVING_UP = 4096;

export class LoadOrder {
	readonly #keys: string[] = [];
	readonly #texts: (number | string)[] = [];
	readonly #places = [0, 0];
	#found = 0;
	#missed = 0;
	// Keys set since the load: their text here is the load's, no longer theirs.
	readonly #changed = new Set<string>();

	add(key: string, text: number | string): void {
		this.#keys.push(key);
		this.#texts.push(text);
	}

	/**
	 * `key` was set anew: its text is asked of the map from now on. False when too many were, and
	 * the order is to be given up (a first import's order, holding nothing, is not followed at all).
	 */
	change(key: string): boolean {
		if (this.#keys.length === 0 || this.#changed.size >= MOST_CHANGED) return false;
		this.#changed.add(key);
		return true;
	}

	/** Keys the load set. */
	get size(): number {
		return this.#keys.length;
	}

	/** The text of `key` when it is at the place `which` follows or the one after; else undefined. */
	guess(key: string, which: number): number | string | undefined {
		const place = this.guessPlace(key, which);
		return place < 0 ? undefined : this.#texts[place];
	}

	/**
	 * Where `key` is in the load's order (`textAt`) when it is at the place `which` follows or the
	 * one after, its text still the load's; else -1.
	 */
	guessPlace(key: string, which: number): number {
		const at = this.#places[which]!;
		let found = at;
		if (this.#keys[at] !== key) {
			if (this.#keys[at + 1] !== key) return -1;
			found = at + 1;
		}
		if (this.#changed.size > 0 && this.#changed.has(key)) return -1;
		this.#found++;
		this.#places[which] = found;
		return found;
	}

	/** The load's text at `place` (`guessPlace`). */
	textAt(place: number): number | string {
		return this.#texts[place]!;
	}

	/**
	 * Told of a key the map found elsewhere (its text): the place moves to it, found by a binary
	 * search of the handles (a load's handles grow in the order it set them).
	 */
	missed(text: number | string, which: number): void {
		this.#missed++;
		if (typeof text !== "number") return;
		// Rows in another order than the state's: the search would cost more than it finds.
		if (this.#missed > MISSES_BEFORE_GIVING_UP && this.#missed > this.#found) return;
		const texts = this.#texts;
		let low = 0;
		let high = texts.length - 1;
		while (low <= high) {
			const middle = (low + high) >>> 1;
			const at = texts[middle]!;
			if (typeof at !== "number") return;
			if (at === text) {
				this.#places[which] = middle;
				return;
			}
			if (at < text) low = middle + 1;
			else high = middle - 1;
		}
	}

	/** Each text kept as a string given to `move`, replaced by what it returns (a handle). */
	moveStrings(move: (key: string, text: string) => number | string): void {
		const texts = this.#texts;
		for (let i = 0; i < texts.length; i++) {
			const text = texts[i]!;
			if (typeof text === "string") texts[i] = move(this.#keys[i]!, text);
		}
	}
}
