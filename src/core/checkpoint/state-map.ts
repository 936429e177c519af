/**
 * The records of one pass, as both stores keep them in memory: each state as its JSON text (the
 * very bytes the store writes), in a text arena outside the JavaScript heap, parsed again when
 * read. A million records then leave the garbage collector a map of keys to numbers to walk, not
 * a million trees of objects, and the heap's headroom (a multiple of it) stays small. The states
 * read most often (the record a pass just read or wrote) stay parsed in a small cache. The tally
 * by bucket and the keys of failed records are kept as states are set, so counting and listing
 * failures read no state.
 */

import { copyOf, type FieldValues, type PivotalCopy, type RecordState } from "../../model/records.js";
import {
	DONE_BYTES,
	doneIdAt,
	headBeforeValues,
	holdsWithin,
	valuesAtBytes,
	valuesLengthAtBytes,
} from "./done-bytes.js";
import {
	DONE,
	type DoneState,
	isDoneWith,
	scratchBytes,
	toScratch,
	valuesAt,
	withoutValues,
} from "./done-text.js";
import { MISMATCH, UNSURE } from "./json-match.js";
import { LoadOrder, OWN, PARENT } from "./load-order.js";
import { parseState } from "./parse-state.js";
import { bucketOf, emptyTally, type Tally } from "./pass-counts.js";
import { TextArena } from "./text-arena.js";

/**
 * A state's generation (`g`, raised when a record is created anew after a removal), as its
 * text holds it: `textHolds(key, GENERATION, GENERATION_ANCHOR)`, looked for by its `g`, not by
 * the quotes every member has.
 */
export const GENERATION = Buffer.from('"g":');
export const GENERATION_ANCHOR = 1;

/** `textHolds`' answers as remembered. */
const YES = 2;
const NO = 1;
// A place past the answers' end (keys loaded after they were made).
const NO_ROOM = -1;

/** Parsed states kept at most; the cache is dropped whole when full (cheaper than an LRU). */
const CACHE_SIZE = 4096;

/** A record the ledger lists as a failure from the start: failed, or found deleted in Pivotal. */
export function isFailing(state: RecordState): boolean {
	return state.s === "failed" || (state.s === "removed" && state.why === "gone");
}

export class StateMap implements ReadonlyMap<string, RecordState> {
	// The JSON of each state by key: its handle in #arena, or the text itself when too long for it.
	readonly #texts = new Map<string, number | string>();
	#arena = new TextArena();
	readonly #tally: Tally = emptyTally();
	readonly #failing = new Set<string>();
	// Records with a copy in Pivotal that the state knows of.
	#held = 0;
	// Creates sent with no answer: no copy known, the record may be in Pivotal or not.
	#unanswered = 0;
	#cache = new Map<string, RecordState>();
	// The loads' order, for look-ups in it, until anything else is set (load-order.ts).
	#order: LoadOrder | undefined = new LoadOrder();
	// `textHolds`' answers for the load's texts of one part, by place in the loads' order (0: not asked).
	#answers: { readonly part: Buffer; readonly holds: Uint8Array } | undefined;

	get size(): number {
		return this.#texts.size;
	}

	has(key: string): boolean {
		return this.#texts.has(key);
	}

	get(key: string): RecordState | undefined {
		const cached = this.#cache.get(key);
		if (cached !== undefined) return cached;
		const stored = this.#texts.get(key);
		if (stored === undefined) return undefined;
		const state = parseState(key, this.#textOf(stored));
		this.#remember(key, state);
		return state;
	}

	/**
	 * Does the state know a Pivotal copy of the record (`copyOf`)? A done state says so in its
	 * first bytes, so the usual answer (a child's customer, done) parses nothing.
	 */
	hasCopy(key: string): boolean {
		// A done text says so in its first bytes; the cache's state is what set() last wrote too.
		const text = this.#order === undefined ? undefined : this.#lookup(key, PARENT);
		if (typeof text === "number" && this.#arena.startsWith(text, DONE_BYTES)) return true;
		const cached = this.#cache.get(key);
		if (cached !== undefined) return copyOf(cached) !== undefined;
		const stored = this.#texts.get(key);
		if (stored === undefined) return false;
		if (typeof stored === "number" ? this.#arena.startsWith(stored, DONE_BYTES) : stored.startsWith(DONE))
			return true;
		return copyOf(parseState(key, this.#textOf(stored))) !== undefined;
	}

	/**
	 * The state at `key` when it is done and its values (`v`) are exactly `valuesJson`, the JSON
	 * of `values`, the values a row asks for; undefined otherwise (the caller compares the parsed
	 * state). Only the state's small fields are parsed: its `v` is `values`, the same JSON. Not
	 * cached: it is read once, by a record that needs no request. A state parsed already (cached)
	 * is compared as parsed.
	 */
	sameDone(key: string, values: FieldValues, valuesJson: string): DoneState | undefined {
		const cached = this.#cache.get(key);
		if (cached !== undefined) return isDoneWith(cached, valuesJson) ? cached : undefined;
		const stored = this.#texts.get(key);
		if (stored === undefined) return undefined;
		const rest = withoutValues(this.#textOf(stored), valuesJson);
		if (rest === undefined) return undefined;
		const state = parseState(key, rest, false) as { -readonly [K in keyof DoneState]: DoneState[K] };
		state.v = values;
		return state;
	}

	/**
	 * Is the state at `key` done with exactly `valuesJson` as its values (see `sameDone`)? The
	 * UTF-8 length of `valuesJson` (what `quickCopy` is given) when it is, else -1. A state in the arena is compared as its bytes, decoding nothing.
	 */
	sameDoneLength(key: string, valuesJson: string): number {
		const cached = this.#cache.get(key);
		if (cached !== undefined) return isDoneWith(cached, valuesJson) ? Buffer.byteLength(valuesJson) : -1;
		const stored = this.#texts.get(key);
		if (stored === undefined) return -1;
		const length = toScratch(valuesJson);
		if (typeof stored !== "number") return valuesAt(stored, valuesJson) >= 0 ? length : -1;
		const start = this.#arena.startOf(stored);
		const end = start + this.#arena.lengthOf(stored);
		return valuesAtBytes(this.#arena.chunkOf(stored), start, end, scratchBytes(), length) >= 0 ? length : -1;
	}

	/**
	 * `sameDoneLength` asked with the row's values themselves, compared with the state's bytes
	 * without writing their JSON (`valuesLengthAtBytes`): the UTF-8 length of their JSON when the
	 * state is done with exactly those values, `MISMATCH` when it is not, `UNSURE` when this cannot
	 * tell (a value kind it does not read, or a state not in the arena): ask `sameDoneLength`.
	 */
	sameDoneValues(key: string, values: FieldValues): number {
		const stored = this.#lookup(key, OWN);
		if (stored === undefined) return MISMATCH;
		// The text is what set() last wrote, as any cached state is.
		if (typeof stored !== "number") return UNSURE;
		const start = this.#arena.startOf(stored);
		return valuesLengthAtBytes(
			this.#arena.chunkOf(stored),
			start,
			start + this.#arena.lengthOf(stored),
			values,
		);
	}

	/**
	 * What a run needs of a record its plan settled by the quick comparison (`sameDoneLength`, against
	 * this very state: the run holds the lock and writes no such record) to count and report it:
	 * the members before its values (`id`, `outcome`: scalars, as the plan found), parsed alone.
	 * Undefined when a member after the values may say that `run` wrote it (an earlier session of
	 * this run: what it did counts) or the text is not as the plan found it: the caller reads the
	 * state whole.
	 */
	quickCopy(key: string, valuesLength: number, run: number): PivotalCopy | undefined {
		const cached = this.#cache.get(key);
		if (cached !== undefined) return copyOf(cached);
		const stored = this.#lookup(key, OWN);
		if (stored === undefined) return undefined;
		// Read on the bytes: only the members before the values are decoded, then parsed.
		const bytes = typeof stored === "number" ? this.#arena.chunkOf(stored) : Buffer.from(stored);
		const start = typeof stored === "number" ? this.#arena.startOf(stored) : 0;
		const end = start + (typeof stored === "number" ? this.#arena.lengthOf(stored) : bytes.length);
		const text = headBeforeValues(bytes, start, end, valuesLength, run);
		if (text === undefined) return undefined;
		const head = parseState(key, text, false) as Partial<PivotalCopy>;
		return typeof head.id === "string" ? (head as PivotalCopy) : undefined;
	}

	/**
	 * The Pivotal id of the state at `key` when it is done, read on its bytes without parsing it
	 * (`doneIdAt`); undefined when it is not done, or not spelt as the stores write it.
	 */
	doneId(key: string): string | undefined {
		// The text is what set() last wrote, as the cache's state is: no need to look there first.
		const stored = this.#lookup(key, OWN);
		if (typeof stored !== "number") return undefined;
		const start = this.#arena.startOf(stored);
		return doneIdAt(this.#arena.chunkOf(stored), start, start + this.#arena.lengthOf(stored));
	}

	/**
	 * Does the state's JSON text at `key` hold `part` (ASCII)? Read on the bytes in the arena,
	 * decoding nothing: asked for each child row of a refresh about its customer. `anchor`: the
	 * index of `part`'s least common byte (`holdsWithin`).
	 */
	textHolds(key: string, part: Buffer, anchor = 0): boolean {
		const order = this.#order;
		const place = order === undefined ? -1 : order.guessPlace(key, PARENT);
		if (place >= 0) return this.#loadedHolds(order!, place, part, anchor);
		const stored = this.#lookupMissed(key, PARENT);
		return stored !== undefined && this.#holds(stored, part, anchor);
	}

	/**
	 * `textHolds` of the load's text at `place`, remembered: a refresh asks it of a customer for its
	 * contacts, then again for its onboardings, and the load's text does not change.
	 */
	#loadedHolds(order: LoadOrder, place: number, part: Buffer, anchor: number): boolean {
		if (this.#answers?.part !== part) this.#answers = { part, holds: new Uint8Array(order.size) };
		const holds = this.#answers.holds;
		const known = holds[place] ?? NO_ROOM;
		if (known === NO_ROOM) return this.#holds(order.textAt(place), part, anchor);
		if (known !== 0) return known === YES;
		const answer = this.#holds(order.textAt(place), part, anchor);
		holds[place] = answer ? YES : NO;
		return answer;
	}

	/**
	 * `textHolds(key, part)` of the record the load just set (`loadDoneHandle`), answered by the
	 * loader, which had its bytes at hand: remembered as if it had been asked.
	 */
	knowLoadedHolds(part: Buffer, answer: boolean): void {
		const order = this.#order;
		if (order === undefined || order.size === 0) return;
		const place = order.size - 1;
		let answers = this.#answers;
		if (answers?.part !== part) answers = { part, holds: new Uint8Array(Math.max(1024, order.size)) };
		else if (place >= answers.holds.length) {
			const holds = new Uint8Array(answers.holds.length * 2);
			holds.set(answers.holds);
			answers = { part, holds };
		}
		this.#answers = answers;
		answers.holds[place] = answer ? YES : NO;
	}

	#holds(stored: number | string, part: Buffer, anchor: number): boolean {
		if (typeof stored !== "number") return stored.includes(part.toString("latin1"));
		const start = this.#arena.startOf(stored);
		return holdsWithin(
			this.#arena.chunkOf(stored),
			start,
			start + this.#arena.lengthOf(stored),
			part,
			anchor,
		);
	}

	/** The state's JSON text as stored, for a store that writes it out again. */
	textOf(key: string): string | undefined {
		const stored = this.#texts.get(key);
		return stored === undefined ? undefined : this.#textOf(stored);
	}

	/**
	 * Sets `state`, whose JSON is `text`, as a string or its UTF-8 bytes (copied)
	 * (`JSON.stringify(state)` when not given).
	 */
	set(key: string, state: RecordState, text: string | Uint8Array = JSON.stringify(state)): this {
		if (this.#order?.change(key) === false) this.#order = undefined;
		// The record just read before its write is cached: this parses nothing in the usual case.
		const previous = this.get(key);
		if (previous !== undefined) this.#tally[bucketOf(previous)]--;
		this.#tally[bucketOf(state)]++;
		this.#held += (copyOf(state) ? 1 : 0) - (copyOf(previous) ? 1 : 0);
		this.#unanswered += (isUnansweredCreate(state) ? 1 : 0) - (isUnansweredCreate(previous) ? 1 : 0);
		const old = this.#texts.get(key);
		if (typeof old === "number") this.#arena.drop(old);
		this.#texts.set(
			key,
			this.#arena.add(text) ?? (typeof text === "string" ? text : Buffer.from(text).toString()),
		);
		if (this.#arena.isWasteful()) this.#rebuild();
		if (isFailing(state)) this.#failing.add(key);
		else this.#failing.delete(key);
		this.#remember(key, state);
		return this;
	}

	/**
	 * Sets `state`, whose JSON is `text`, under a key new to the map, as a load does: no earlier
	 * state is looked up and the parsed state is not cached (a load reads a million of them once).
	 */
	load(key: string, state: RecordState, text: string | Uint8Array): void {
		this.#tally[bucketOf(state)]++;
		if (copyOf(state)) this.#held++;
		if (isUnansweredCreate(state)) this.#unanswered++;
		const stored = this.#arena.add(text) ?? (typeof text === "string" ? text : Buffer.from(text).toString());
		this.#texts.set(key, stored);
		this.#order?.add(key, stored);
		if (isFailing(state)) this.#failing.add(key);
	}

	/**
	 * Sets the done state whose JSON is `bytes[start, end)` (copied), of this outcome, as a load
	 * that trusts the bytes (fast-lines.ts) does: nothing is parsed. False when the map held the
	 * key already (a snapshot holds each key once): its state is then replaced and its counts left
	 * as they were, and the caller refuses the whole load.
	 */
	loadDoneAt(
		key: string,
		outcome: "created" | "existed",
		bytes: Buffer,
		start: number,
		end: number,
	): boolean {
		const size = this.#texts.size;
		// Set, then counted: one look-up of the key where asking first took two.
		const stored = this.#arena.addRange(bytes, start, end) ?? bytes.toString("utf8", start, end);
		this.#texts.set(key, stored);
		if (this.#texts.size === size) return false;
		this.#order?.add(key, stored);
		this.#tally[outcome]++;
		this.#held++;
		return true;
	}

	/**
	 * `loadDoneAt` of a state a load's thread put in the arena this map adopts (`adoptArena`) at
	 * `handle`: only the key is set here.
	 */
	loadDoneHandle(key: string, outcome: "created" | "existed", handle: number): boolean {
		const size = this.#texts.size;
		this.#texts.set(key, handle);
		if (this.#texts.size === size) return false;
		this.#order?.add(key, handle);
		this.#tally[outcome]++;
		this.#held++;
		return true;
	}

	/**
	 * `load`, the text kept as a string outside the arena: a load whose arena a thread is filling
	 * (load-thread.ts) adds nothing to one of its own.
	 */
	loadString(key: string, state: RecordState, text: string | Uint8Array): void {
		this.#tally[bucketOf(state)]++;
		if (copyOf(state)) this.#held++;
		if (isUnansweredCreate(state)) this.#unanswered++;
		const stored = typeof text === "string" ? text : Buffer.from(text).toString();
		this.#texts.set(key, stored);
		this.#order?.add(key, stored);
		if (isFailing(state)) this.#failing.add(key);
	}

	/** The texts `loadString` kept as strings put in the arena, as `load` would have put them. */
	moveIntoArena(): void {
		const move = (key: string, text: string): number | string => {
			const stored = this.#arena.add(text) ?? text;
			this.#texts.set(key, stored);
			return stored;
		};
		if (this.#order !== undefined) this.#order.moveStrings(move);
		else for (const [key, stored] of this.#texts) if (typeof stored === "string") move(key, stored);
	}

	/** Takes the arena a load's thread filled, before any text is added here. */
	adoptArena(arena: TextArena): void {
		if (this.#arena.size > 0) throw new Error("an arena is adopted only by a map whose own is empty");
		this.#arena = arena;
	}

	/** Creates sent with no answer (`isUnansweredCreate`): O(1). */
	unansweredCreates(): number {
		return this.#unanswered;
	}

	/** Records the state knows a Pivotal copy of (`copyOf`): O(1). */
	held(): number {
		return this.#held;
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
	*texts(): IterableIterator<[string, string]> {
		for (const [key, stored] of this.#texts) yield [key, this.#textOf(stored)];
	}

	/** Keys with their JSON texts' UTF-8 bytes (a view, valid until the next `set`), or the texts. */
	*rawTexts(): IterableIterator<[string, Uint8Array | string]> {
		for (const [key, stored] of this.#texts)
			yield [key, typeof stored === "number" ? this.#arena.bytes(stored) : stored];
	}

	/**
	 * Calls `each` with every key and its JSON text's UTF-8 bytes, `bytes[start, end)` of a buffer
	 * of the arena (or the text itself, when kept as a string): what a snapshot writes, with no
	 * object made per record.
	 */
	eachRawText(each: (key: string, bytes: Buffer | string, start: number, end: number) => void): void {
		const arena = this.#arena;
		for (const [key, stored] of this.#texts) {
			if (typeof stored !== "number") {
				each(key, stored, 0, stored.length);
				continue;
			}
			const start = arena.startOf(stored);
			each(key, arena.chunkOf(stored), start, start + arena.lengthOf(stored));
		}
	}

	*entries(): IterableIterator<[string, RecordState]> {
		for (const [key, stored] of this.#texts)
			yield [key, this.#cache.get(key) ?? parseState(key, this.#textOf(stored))];
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

	/** The text at `key`, looked for first where the loads' order says it likely is. */
	#lookup(key: string, which: number): number | string | undefined {
		const guessed = this.#order?.guess(key, which);
		return guessed ?? this.#lookupMissed(key, which);
	}

	/** The text at `key` from the map, the loads' order told where it was (it was not where guessed). */
	#lookupMissed(key: string, which: number): number | string | undefined {
		const stored = this.#texts.get(key);
		if (stored !== undefined) this.#order?.missed(stored, which);
		return stored;
	}

	#textOf(stored: number | string): string {
		return typeof stored === "number" ? this.#arena.text(stored) : stored;
	}

	/** Copies the live texts to a new arena, leaving the replaced ones behind. */
	#rebuild(): void {
		// Every handle changes: the loads' order holds the old ones.
		this.#order = undefined;
		const old = this.#arena;
		const arena = new TextArena();
		for (const [key, stored] of this.#texts)
			if (typeof stored === "number") this.#texts.set(key, arena.add(old.bytes(stored)) as number);
		this.#arena = arena;
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

/**
 * A create sent with no answer recorded: the record may be in Pivotal, and the state knows no
 * copy of it (an update or a delete in doubt keeps the copy it had).
 */
export function isUnansweredCreate(state: RecordState | undefined): boolean {
	return state?.s === "sent" && state.was === undefined;
}

/**
 * A create that may have made its record: sent with no answer, or given up on a transient failure
 * (a 5xx, a network error) after it went out (adversarial finding W11).
 */
export function isCreateMaybeMade(state: RecordState | undefined): boolean {
	if (isUnansweredCreate(state)) return true;
	return state?.s === "failed" && state.retryable && state.t !== undefined && state.was === undefined;
}

/** Did Pivotal say a send of the create in doubt in `state`, under `generation`'s key, landed (`kr`, finding AE5)? */
export function isLanded(state: RecordState | undefined, generation: number): boolean {
	return state?.s === "sent" && state.kr === 1 && (state.g ?? 0) === generation;
}

/** Whether `records` may hold creates that made their records (`isCreateMaybeMade`): O(1) in a `StateMap`. */
export function mayHoldMadeCreates(records: ReadonlyMap<string, RecordState>): boolean {
	if (records instanceof StateMap) return records.unansweredCreates() > 0 || records.tally().failed > 0;
	for (const state of records.values()) if (isCreateMaybeMade(state)) return true;
	return false;
}

/**
 * How many of `records` are creates that may have made their record (`isCreateMaybeMade`): sent
 * with no answer, or given up on a cause of the moment after they left. Counted as set in a
 * `StateMap` that holds no failure; else read one by one.
 */
export function maybeMadeCreatesIn(records: ReadonlyMap<string, RecordState>): number {
	if (records instanceof StateMap && records.tally().failed === 0) return records.unansweredCreates();
	let made = 0;
	for (const state of records.values()) if (isCreateMaybeMade(state)) made += 1;
	return made;
}

/** How many of `records` are creates sent with no answer: counted as set in a `StateMap`. */
export function unansweredCreatesIn(records: ReadonlyMap<string, RecordState>): number {
	if (records instanceof StateMap) return records.unansweredCreates();
	let sent = 0;
	for (const state of records.values()) if (isUnansweredCreate(state)) sent += 1;
	return sent;
}

/** How many of `records` the state knows a Pivotal copy of: counted as set in a `StateMap`. */
export function heldIn(records: ReadonlyMap<string, RecordState>): number {
	if (records instanceof StateMap) return records.held();
	let held = 0;
	for (const state of records.values()) if (copyOf(state)) held += 1;
	return held;
}
