/**
 * The records of one pass, as both stores keep them in memory: each state as its JSON text (the
 * very text the store writes), parsed again when read. A million records then cost a string and
 * a map slot each, not a tree of objects: about a fifth of the memory. The states read most
 * often (a customer each of its children asks for, the record a pass just wrote) stay parsed in
 * a small cache. The tally by bucket and the keys of failed records are kept as states are set,
 * so counting and listing failures read no state.
 */

import type { RecordState } from "../../model/records.js";
import { bucketOf, emptyTally, type Tally } from "./pass-counts.js";

/** Parsed states kept at most; the cache is dropped whole when full (cheaper than an LRU). */
const CACHE_SIZE = 4096;

/** A record the ledger lists as a failure from the start: failed, or found deleted in Pivotal. */
export function isFailing(state: RecordState): boolean {
	return state.s === "failed" || (state.s === "removed" && state.why === "gone");
}

export class StateMap implements ReadonlyMap<string, RecordState> {
	// The JSON of each state by key: what the map holds.
	readonly #texts = new Map<string, string>();
	readonly #tally: Tally = emptyTally();
	readonly #failing = new Set<string>();
	#cache = new Map<string, RecordState>();

	get size(): number {
		return this.#texts.size;
	}

	has(key: string): boolean {
		return this.#texts.has(key);
	}

	get(key: string): RecordState | undefined {
		const cached = this.#cache.get(key);
		if (cached !== undefined) return cached;
		const text = this.#texts.get(key);
		if (text === undefined) return undefined;
		const state = JSON.parse(text) as RecordState;
		this.#remember(key, state);
		return state;
	}

	/** The state's JSON text as stored, for a store that writes it out again. */
	textOf(key: string): string | undefined {
		return this.#texts.get(key);
	}

	/** Sets `state`, whose JSON is `text` (`JSON.stringify(state)` when not given). */
	set(key: string, state: RecordState, text: string = JSON.stringify(state)): this {
		// The record just read before its write is cached: this parses nothing in the usual case.
		const previous = this.get(key);
		if (previous !== undefined) this.#tally[bucketOf(previous)]--;
		this.#tally[bucketOf(state)]++;
		this.#texts.set(key, text);
		if (isFailing(state)) this.#failing.add(key);
		else this.#failing.delete(key);
		this.#remember(key, state);
		return this;
	}

	/** Counts by bucket: O(1). */
	tally(): Tally {
		return { ...this.#tally };
	}

	/** The keys of failed records (and records found deleted in Pivotal), with their states. */
	*failing(): IterableIterator<[string, RecordState]> {
		for (const key of this.#failing) {
			const state = this.get(key);
			if (state !== undefined) yield [key, state];
		}
	}

	/** Keys with their JSON texts, parsing nothing. */
	texts(): IterableIterator<[string, string]> {
		return this.#texts.entries();
	}

	*entries(): IterableIterator<[string, RecordState]> {
		for (const [key, text] of this.#texts)
			yield [key, this.#cache.get(key) ?? (JSON.parse(text) as RecordState)];
	}

	keys(): IterableIterator<string> {
		return this.#texts.keys();
	}

	*values(): IterableIterator<RecordState> {
		for (const [, state] of this.entries()) yield state;
	}

	[Symbol.iterator](): IterableIterator<[string, RecordState]> {
		return this.entries();
	}

	forEach(callback: (value: RecordState, key: string, map: ReadonlyMap<string, RecordState>) => void): void {
		for (const [key, state] of this.entries()) callback(state, key, this);
	}

	#remember(key: string, state: RecordState): void {
		if (this.#cache.size >= CACHE_SIZE) this.#cache = new Map();
		this.#cache.set(key, state);
	}
}

/** `records` as a `StateMap`: itself when it is one, else a copy. */
export function toStateMap(records: ReadonlyMap<string, RecordState>): StateMap {
	if (records instanceof StateMap) return records;
	const map = new StateMap();
	for (const [key, state] of records) map.set(key, state);
	return map;
}
