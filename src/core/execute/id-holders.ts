/**
 * Which other record of this import holds a Pivotal id: asked of every create's answer. A server
 * (or a gateway replaying one cached 201 for different POSTs) that answers two creates with one
 * id must not have both rows recorded as that record: each sync's PATCH of one would overwrite
 * the other's fields, and `--delete-missing` would delete the record the other holds (adversarial
 * finding U14).
 *
 * The engine settles millions of records, so the index is small: 52-bit hashes of the ids in an
 * open-addressed `Float64Array` (16 bytes a record at most, no string kept), filled from the
 * state's ids on the pass's first create answer of the run (read on their bytes, not parsed: under
 * a second a million records, and nothing at all on a first import, whose state is empty),
 * then with each id this run's creates are answered with. A hash found is confirmed on the state
 * itself, the only place keys live: the holder's key is looked for (a walk of the pass's states,
 * then remembered), and its current id compared. Hashes meet by chance about once in 2^52 pairs;
 * a walk is then paid for nothing. A server that answers many creates with many ids other records
 * hold pays a walk for each distinct id, and each such record fails.
 */

import { copyOf, type PassName, type RecordState } from "../../model/records.js";
import { StateMap } from "../checkpoint/state-map.js";
import type { StateStore } from "../state/state-store.js";
import type { Failure } from "./ledger.js";

/**
 * The failure `duplicate_id`: a create answered with the id another record of this import holds.
 * Retryable, and the record stays in doubt (its mark written before it left): the next run looks
 * it up, or sends it again under its idempotency key, and never records it as the other's.
 * `after` says what comes of it where that differs (an undo's re-creation stays deleted).
 */
export function heldIdFailure(
	pass: PassName,
	id: string,
	holder: string,
	status: number,
	after = "It stays in doubt: the next run looks it up first",
): Failure {
	return {
		status,
		code: "duplicate_id",
		message: `Pivotal answered its create with id ${id}, which ${pass} ${holder} of this import holds; not recorded as that record, nothing else changed (a server bug, or a gateway replaying one answer for several creates). ${after}`,
		retryable: true,
	};
}

/** A 52-bit hash of `text` (two 32-bit FNV-1a-style hashes, 20 bits of one above the other), never 0. */
export function hash52(text: string): number {
	let low = 0x811c9dc5;
	let high = 0x050c5d1f ^ text.length;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		low = Math.imul(low ^ code, 0x01000193);
		high = Math.imul(high ^ code, 0x5bd1e995);
	}
	return (high >>> 12) * 2 ** 32 + (low >>> 0) + 1;
}

/** A set of non-zero hashes: linear probing in a table kept at most half full. */
class HashSet {
	#slots: Float64Array;
	#size = 0;

	/** Room for `expected` hashes without growing. */
	constructor(expected = 0) {
		let length = 1024;
		while (length < expected * 2) length *= 2;
		this.#slots = new Float64Array(length);
	}

	has(hash: number): boolean {
		const mask = this.#slots.length - 1;
		for (let i = hash % this.#slots.length; ; i = (i + 1) & mask) {
			const slot = this.#slots[i];
			if (slot === hash) return true;
			if (slot === 0) return false;
		}
	}

	add(hash: number): void {
		if ((this.#size + 1) * 2 > this.#slots.length) this.#grow();
		if (this.#put(this.#slots, hash)) this.#size += 1;
	}

	#put(slots: Float64Array, hash: number): boolean {
		const mask = slots.length - 1;
		for (let i = hash % slots.length; ; i = (i + 1) & mask) {
			if (slots[i] === hash) return false;
			if (slots[i] === 0) {
				slots[i] = hash;
				return true;
			}
		}
	}

	#grow(): void {
		const slots = new Float64Array(this.#slots.length * 2);
		for (const hash of this.#slots) if (hash !== 0) this.#put(slots, hash);
		this.#slots = slots;
	}
}

/**
 * Calls `each` with every (key, Pivotal id) the pass's states hold, done states read on their
 * bytes, until it answers true (a callback, not a generator: a million of them in a second).
 */
function eachHeldId(store: StateStore, pass: PassName, each: (key: string, id: string) => boolean): void {
	const records = store.records?.(pass);
	if (records === undefined) {
		for (const [key, state] of store.entries(pass)) {
			const id = copyOf(state)?.id;
			if (id !== undefined && each(key, id)) return;
		}
		return;
	}
	const fast = records instanceof StateMap ? records : undefined;
	for (const key of records.keys()) {
		const id = fast?.doneId(key) ?? copyOf(records.get(key) as RecordState | undefined)?.id;
		if (id !== undefined && each(key, id)) return;
	}
}

/** One pass's ids: the state's and this run's creates'. */
export class IdHolders {
	readonly #store: StateStore;
	readonly #pass: PassName;
	/** Filled on the first question (`holderOf`), from the state as it then was. */
	#hashes: HashSet | undefined;
	/** Ids found held, and by whom: a server that repeats one id is answered without a walk. */
	readonly #holders = new Map<string, string>();

	constructor(store: StateStore, pass: PassName) {
		this.#store = store;
		this.#pass = pass;
	}

	/** The key of another record of this pass that holds `id` now; undefined when none does. */
	holderOf(id: string, key: string): string | undefined {
		const hashes = this.#hashes ?? this.#fill();
		if (!hashes.has(hash52(id))) return undefined;
		const known = this.#holders.get(id);
		if (known !== undefined && known !== key && this.#holds(known, id)) return known;
		let holder: string | undefined;
		eachHeldId(this.#store, this.#pass, (other, held) => {
			if (held !== id || other === key) return false;
			holder = other;
			return true;
		});
		if (holder !== undefined) this.#holders.set(id, holder);
		return holder;
	}

	/** `id` is now held (by the record just created). */
	add(id: string): void {
		this.#hashes?.add(hash52(id));
	}

	#holds(key: string, id: string): boolean {
		return copyOf(this.#store.get(this.#pass, key))?.id === id;
	}

	#fill(): HashSet {
		const hashes = new HashSet(this.#store.records?.(this.#pass).size);
		eachHeldId(this.#store, this.#pass, (_key, id) => {
			hashes.add(hash52(id));
			return false;
		});
		this.#hashes = hashes;
		return hashes;
	}
}
