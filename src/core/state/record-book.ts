/**
 * What every state store keeps in memory while a run is open: the records of each pass (as
 * their JSON text, state-map.ts) and the request counters, with the checks made before anything
 * is recorded. The stores add only how they make it durable: a file's journal, a database's batches.
 */

import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { type CheckpointCounters, COUNTER_NAME, isRecordState } from "../checkpoint/checkpoint-format.js";
import { countsOf, type PassCounts } from "../checkpoint/pass-counts.js";
import { type StateMap, toStateMap } from "../checkpoint/state-map.js";

export interface RecordBookData {
	readonly records: Readonly<Record<PassName, ReadonlyMap<string, RecordState>>>;
	readonly counters: Readonly<Record<string, number>>;
}

export class RecordBook {
	readonly #records = {} as Record<PassName, StateMap>;
	readonly #counters: Record<string, number>;

	/** Takes the loaded records over (a `StateMap` is kept, not copied). */
	constructor(data: RecordBookData) {
		for (const pass of PASSES) this.#records[pass] = toStateMap(data.records[pass]);
		this.#counters = { ...data.counters };
	}

	get(pass: PassName, key: string): RecordState | undefined {
		return this.of(pass).get(key);
	}

	/**
	 * The pass's records and the state's text, once the key and the state are what the loader
	 * accepts (a state it would reject must never be stored: the state would not load again).
	 * Throws `TypeError`, recording nothing.
	 */
	checked(pass: PassName, key: string, state: RecordState): { records: StateMap; text: string } {
		const records = this.of(pass);
		if (typeof key !== "string") throw new TypeError(`Expected a string record key, got ${String(key)}`);
		if (!isRecordState(state)) throw new TypeError(`Expected a record state, got ${JSON.stringify(state)}`);
		return { records, text: JSON.stringify(state) };
	}

	/** O(1): maintained on every set. */
	count(pass: PassName): PassCounts {
		const records = this.of(pass);
		return countsOf(records.tally(), records.size);
	}

	entries(pass: PassName): IterableIterator<[string, RecordState]> {
		return this.of(pass).entries();
	}

	/** Failed records (and records found deleted in Pivotal), without reading the others. */
	failing(pass: PassName): IterableIterator<[string, RecordState]> {
		return this.of(pass).failing();
	}

	/** Records of every pass. */
	get size(): number {
		return PASSES.reduce((sum, pass) => sum + this.#records[pass].size, 0);
	}

	/**
	 * Adds `delta` to the counters and returns the entries added, each checked (a counter name
	 * the loader accepts, a finite number); zeros are left out. Throws `TypeError`, adding none, for a bad one.
	 */
	addCounters(delta: Partial<CheckpointCounters>): readonly (readonly [string, number])[] {
		// All checked first: a bad entry adds none of them.
		const added = checkedDelta(delta);
		for (const [name, n] of added) this.#counters[name] = (this.#counters[name] ?? 0) + n;
		return added;
	}

	counters(): CheckpointCounters {
		return { ...this.#counters } as CheckpointCounters;
	}

	/** The pass's records; `TypeError` for a name that is not a pass. */
	of(pass: PassName): StateMap {
		const records = this.#records[pass];
		if (records === undefined) throw new TypeError(`Expected a pass name, got ${JSON.stringify(pass)}`);
		return records;
	}
}

/**
 * A frozen delta's checked entries: a run adds the same few shared deltas (one request, one
 * created) a few times per record, and a frozen object cannot change since it was checked.
 */
const CHECKED_DELTAS = new WeakMap<object, readonly (readonly [string, number])[]>();

/** `delta`'s entries, each checked, zeros left out; `TypeError` for a bad one. */
function checkedDelta(delta: Partial<CheckpointCounters>): readonly (readonly [string, number])[] {
	const isFrozen = Object.isFrozen(delta);
	const known = isFrozen ? CHECKED_DELTAS.get(delta) : undefined;
	if (known !== undefined) return known;
	const added: (readonly [string, number])[] = [];
	for (const [name, n] of Object.entries(delta)) {
		if (n === undefined || n === 0) continue;
		if (!COUNTER_NAME.test(name)) throw new TypeError(`Expected a counter name, got ${JSON.stringify(name)}`);
		if (!Number.isFinite(n)) throw new TypeError(`Expected a finite counter delta for ${name}, got ${n}`);
		added.push([name, n]);
	}
	if (isFrozen) CHECKED_DELTAS.set(delta, added);
	return added;
}
