/**
 * Sets of the values a file must not repeat (ids, slugs, e-mails), built for a million rows.
 * A native `Set` keeps every string on the collector's heap, where each collection traces and
 * moves it: here the slots, the hashes and the values themselves live in typed arrays, so a
 * million ids cost the collector nothing and take less memory (row d's peak RSS fell by 20–40 MB).
 * Per `add` it is about as fast as a native Set of fresh strings (both are bound by one cache
 * miss per insert at this size). Exact: values are compared whenever their hashes agree.
 * Numbers (CRM ids, see validate.ts) are kept unboxed.
 */

/** A read-only view: what cross-row rules and derived slugs ask of a set of strings. */
export interface StringLookup extends Iterable<string> {
	has(value: string): boolean;
	readonly size: number;
}

const EMPTY = 0;
const FIRST_CAPACITY = 1024;

function hashString(value: string): number {
	// FNV-1a over UTF-16 code units, then murmur3's finaliser: linear probing needs mixed low bits.
	let h = 0x811c9dc5;
	for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
	return mix(h);
}

function hashNumber(value: number): number {
	const low = value | 0;
	const high = (value / 4294967296) | 0;
	return mix(Math.imul(low, 0x9e3779b1) ^ high);
}

function mix(hash: number): number {
	let h = hash ^ (hash >>> 16);
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return h ^ (h >>> 16);
}

/**
 * Strings, in insertion order. Their characters are copied into one growing array instead of
 * keeping the strings: a million ids stay off the collector's heap (nothing to trace or move),
 * in a byte each while they are Latin-1, as ids and slugs nearly always are.
 */
export class StringSet implements StringLookup {
	/** Two ints per slot, so that one probe reads one cache line: 1 + the value's index (0: empty), its hash. */
	#table = new Int32Array(FIRST_CAPACITY * 2);
	#mask = FIRST_CAPACITY - 1;
	/** Latin-1 until a wider character comes, then UTF-16. */
	#chars: Uint8Array | Uint16Array = new Uint8Array(FIRST_CAPACITY * 8);
	/** Value i is `#chars[#starts[i]] … #chars[#starts[i + 1] - 1]`. */
	#starts = new Int32Array(FIRST_CAPACITY / 2 + 1);
	#size = 0;

	get size(): number {
		return this.#size;
	}

	/** Adds `value`; false when it was in the set already. */
	add(value: string): boolean {
		const size = this.#size;
		return this.put(value) === size;
	}

	/** The order in which `value` was added (as `indexOf`), adding it when it is new (the size then grows). */
	put(value: string): number {
		const hash = hashString(value);
		const table = this.#table;
		const mask = this.#mask;
		for (let at = hash & mask; ; at = (at + 1) & mask) {
			const slot = table[at * 2]!;
			if (slot === EMPTY) {
				this.#append(value);
				table[at * 2] = this.#size;
				table[at * 2 + 1] = hash;
				if (this.#size * 2 > mask) this.#grow();
				return this.#size - 1;
			}
			if (table[at * 2 + 1] === hash && this.#equals(slot - 1, value)) return slot - 1;
		}
	}

	/**
	 * Makes room for `count` values like `like` before the first is added: a set of a million
	 * started at a thousand slots doubled and rehashed ten times over its life, its characters
	 * copied as often.
	 */
	reserve(count: number, like: string): void {
		if (this.#size > 0) return;
		const capacity = capacityFor(count);
		if (capacity > this.#mask + 1) this.#rehash(capacity);
		if (count + 2 > this.#starts.length) this.#starts = new Int32Array(count + 2);
		const chars = count * Math.max(like.length, 1);
		if (chars > this.#chars.length) this.#chars = new Uint8Array(chars);
	}

	has(value: string): boolean {
		return this.indexOf(value) >= 0;
	}

	/** The order in which `value` was added (0 for the first value), or -1 when it is not in the set. */
	indexOf(value: string): number {
		const hash = hashString(value);
		const table = this.#table;
		const mask = this.#mask;
		for (let at = hash & mask; ; at = (at + 1) & mask) {
			const slot = table[at * 2]!;
			if (slot === EMPTY) return -1;
			if (table[at * 2 + 1] === hash && this.#equals(slot - 1, value)) return slot - 1;
		}
	}

	*[Symbol.iterator](): Iterator<string> {
		for (let i = 0; i < this.#size; i++) yield this.#valueAt(i);
	}

	#valueAt(index: number): string {
		const from = this.#starts[index]!;
		const to = this.#starts[index + 1]!;
		let text = "";
		// In slices: String.fromCharCode takes its arguments on the stack.
		for (let at = from; at < to; at += 4096)
			text += String.fromCharCode(...this.#chars.subarray(at, Math.min(to, at + 4096)));
		return text;
	}

	#equals(index: number, value: string): boolean {
		const from = this.#starts[index]!;
		if (this.#starts[index + 1]! - from !== value.length) return false;
		const chars = this.#chars;
		for (let i = 0; i < value.length; i++) if (chars[from + i] !== value.charCodeAt(i)) return false;
		return true;
	}

	#append(value: string): void {
		if (this.#size + 2 > this.#starts.length) {
			const starts = new Int32Array(this.#starts.length * 2);
			starts.set(this.#starts);
			this.#starts = starts;
		}
		const from = this.#starts[this.#size]!;
		const to = from + value.length;
		if (to > this.#chars.length) this.#resize(Math.max(to, Math.ceil(this.#chars.length * 1.5)), from, false);
		let chars = this.#chars;
		for (let i = 0; i < value.length; i++) {
			const c = value.charCodeAt(i);
			if (c > 255 && chars instanceof Uint8Array) chars = this.#resize(chars.length, from + i, true);
			chars[from + i] = c;
		}
		this.#size++;
		this.#starts[this.#size] = to;
	}

	/** A larger (or wider) character array holding the first `used` characters. */
	#resize(length: number, used: number, isWide: boolean): Uint8Array | Uint16Array {
		const old = this.#chars;
		const chars = isWide || old instanceof Uint16Array ? new Uint16Array(length) : new Uint8Array(length);
		chars.set(old.subarray(0, used));
		this.#chars = chars;
		return chars;
	}

	#grow(): void {
		this.#rehash((this.#mask + 1) * 2);
	}

	#rehash(capacity: number): void {
		const table = new Int32Array(capacity * 2);
		const mask = capacity - 1;
		const old = this.#table;
		for (let i = 0; i < old.length; i += 2) {
			const slot = old[i]!;
			if (slot === EMPTY) continue;
			const hash = old[i + 1]!;
			let at = hash & mask;
			while (table[at * 2] !== EMPTY) at = (at + 1) & mask;
			table[at * 2] = slot;
			table[at * 2 + 1] = hash;
		}
		this.#table = table;
		this.#mask = mask;
	}
}

/** Finite numbers, unboxed. */
export class NumberSet {
	/** Per slot: 0 when empty, else 1 + the index of the value. */
	#slots = new Int32Array(FIRST_CAPACITY);
	#mask = FIRST_CAPACITY - 1;
	#values = new Float64Array(FIRST_CAPACITY / 2);
	#size = 0;

	get size(): number {
		return this.#size;
	}

	/** Adds `value`; false when it was in the set already. */
	add(value: number): boolean {
		const slots = this.#slots;
		const mask = this.#mask;
		for (let at = hashNumber(value) & mask; ; at = (at + 1) & mask) {
			const slot = slots[at]!;
			if (slot === EMPTY) {
				if (this.#size === this.#values.length) {
					const values = new Float64Array(this.#values.length * 2);
					values.set(this.#values);
					this.#values = values;
				}
				this.#values[this.#size++] = value;
				slots[at] = this.#size;
				if (this.#size * 2 > mask) this.#grow();
				return true;
			}
			if (this.#values[slot - 1] === value) return false;
		}
	}

	/** Makes room for `count` values before the first is added (as `StringSet.reserve`). */
	reserve(count: number): void {
		if (this.#size > 0) return;
		const capacity = capacityFor(count);
		if (capacity > this.#slots.length) {
			this.#slots = new Int32Array(capacity);
			this.#mask = capacity - 1;
		}
		if (count > this.#values.length) this.#values = new Float64Array(count);
	}

	has(value: number): boolean {
		const slots = this.#slots;
		const mask = this.#mask;
		for (let at = hashNumber(value) & mask; ; at = (at + 1) & mask) {
			const slot = slots[at]!;
			if (slot === EMPTY) return false;
			if (this.#values[slot - 1] === value) return true;
		}
	}

	#grow(): void {
		const capacity = this.#slots.length * 2;
		const slots = new Int32Array(capacity);
		const mask = capacity - 1;
		for (let i = 0; i < this.#size; i++) {
			let at = hashNumber(this.#values[i]!) & mask;
			while (slots[at] !== EMPTY) at = (at + 1) & mask;
			slots[at] = i + 1;
		}
		this.#slots = slots;
		this.#mask = mask;
	}
}

/**
 * Strings and numbers, as a uniqueness rule's keys are (see validate.ts). `expected`: how many
 * keys are likely (the rows the state holds of the file's pass); the half the first key falls
 * in is sized for them then (a column's keys are nearly always all of one kind).
 */
export class KeySet {
	readonly strings = new StringSet();
	readonly numbers = new NumberSet();
	#expected: number;

	constructor(expected = 0) {
		this.#expected = expected;
	}

	get size(): number {
		return this.strings.size + this.numbers.size;
	}

	/** Adds `key`; false when it was in the set already. */
	add(key: string | number): boolean {
		if (this.#expected > 0) this.#reserve(key);
		return typeof key === "string" ? this.strings.add(key) : this.numbers.add(key);
	}

	#reserve(first: string | number): void {
		if (typeof first === "string") this.strings.reserve(this.#expected, first);
		else this.numbers.reserve(this.#expected);
		this.#expected = 0;
	}
}

/** Slots for `count` values: a power of two, at most half of them full (as `add` grows them). */
function capacityFor(count: number): number {
	let capacity = FIRST_CAPACITY;
	while (count * 2 >= capacity - 1) capacity *= 2;
	return capacity;
}
