/**
 * States written before onboardings were keyed by name hold them as `<customer>/<n>`, their
 * position among the customer's rows then. A row whose own key the state does not know takes
 * the old entry its values name (the same onboarding name; with no values known, the same
 * position), so an upgrade neither creates a second onboarding nor deletes the one still in
 * the file. The entry keeps its old key: nothing in the state is rewritten.
 */

import { copyOf, type PassName, type RecordState, type SourceRecord } from "../../model/records.js";
import { isNumbered } from "../../model/resources.js";
import { type KnownFromCheck, readRecordBatches, type SourceOptions } from "../../source/index.js";
import { legacyPosition } from "../../source/onboarding-keys.js";

/** What the state knows of one pass. */
export interface PassState {
	get(key: string): RecordState | undefined;
	/** Is the key known (without reading its state)? `get` answers it otherwise. */
	has?(key: string): boolean;
	entries(): Iterable<[string, RecordState]>;
}

export interface LegacyEntry {
	readonly key: string;
	readonly n: number;
	/** The onboarding's name as last written; null when the state has no values of it. */
	readonly name: string | undefined | null;
}

/**
 * The old entry a row takes (pure): the unclaimed one whose name is the row's, at the row's
 * position if several; else, with no values known, the one at the row's position.
 */
export function pickLegacy(
	entries: readonly LegacyEntry[],
	name: string | undefined,
	n: number | undefined,
	claimed: ReadonlySet<string>,
): LegacyEntry | undefined {
	const free = entries.filter((e) => !claimed.has(e.key));
	const named = free.filter((e) => e.name === name);
	return (
		named.find((e) => e.n === n) ??
		named[0] ??
		free.find((e) => e.name === null && n !== undefined && e.n === n)
	);
}

/** Resolves each onboarding row of one read of a file to the key the state knows it by. */
export class LegacyKeys {
	readonly #state: PassState;
	#byCustomer: Map<string, LegacyEntry[]> | undefined;
	readonly #claimed = new Set<string>();

	constructor(state: PassState) {
		this.#state = state;
	}

	keyOf(record: SourceRecord): string {
		if (!isNumbered(record.pass)) return record.key;
		if (this.#state.has ? this.#state.has(record.key) : this.#state.get(record.key) !== undefined)
			return record.key;
		const index = this.#index();
		if (index.size === 0 || record.parentKey === undefined) return record.key;
		const name = typeof record.body.name === "string" ? record.body.name : undefined;
		const position = /\/#(\d+)$/.exec(record.key);
		const n = position ? Number(position[1]) : undefined;
		const found = pickLegacy(index.get(record.parentKey) ?? [], name, n, this.#claimed);
		if (found === undefined) return record.key;
		this.#claimed.add(found.key);
		return found.key;
	}

	/**
	 * The old key a record's key stands for, read from the key alone (the results and failures
	 * files look records up by key, with no row at hand); undefined when the state has none.
	 */
	stateKeyOf(key: string): string | undefined {
		const named = /^(.*)\/name:([^/]*)$/.exec(key);
		const placed = named ? undefined : /^(.*)\/#(\d+)$/.exec(key);
		const customer = named?.[1] ?? placed?.[1];
		if (customer === undefined) return undefined;
		const name = named ? named[2]!.replaceAll("%2F", "/").replaceAll("%25", "%") : undefined;
		const n = placed ? Number(placed[2]) : undefined;
		return pickLegacy(this.#index().get(customer) ?? [], name, n, new Set())?.key;
	}

	#index(): Map<string, LegacyEntry[]> {
		if (this.#byCustomer) return this.#byCustomer;
		const index = new Map<string, LegacyEntry[]>();
		for (const [key, state] of this.#state.entries()) {
			const at = legacyPosition(key);
			if (at === undefined) continue;
			const values = copyOf(state)?.v ?? (state.s === "removed" ? state.was?.v : undefined);
			const name = values === undefined ? null : typeof values.name === "string" ? values.name : undefined;
			const list = index.get(at.customer) ?? [];
			list.push({ key, n: at.n, name });
			index.set(at.customer, list);
		}
		this.#byCustomer = index;
		return index;
	}
}

/** `readRecords`, each onboarding keyed as the state knows it (see LegacyKeys). */
export async function* knownRecords(
	file: string,
	pass: PassName,
	source: SourceOptions | undefined,
	state: PassState | undefined,
	known?: KnownFromCheck,
): AsyncGenerator<SourceRecord, void, undefined> {
	for await (const batch of knownRecordBatches(file, pass, source, state, known)) yield* batch;
}

/** `knownRecords` a parsed block at a time, as `readRecordBatches` reads them. */
export async function* knownRecordBatches(
	file: string,
	pass: PassName,
	source: SourceOptions | undefined,
	state: PassState | undefined,
	known?: KnownFromCheck,
): AsyncGenerator<SourceRecord[], void, undefined> {
	const keys = isNumbered(pass) && state !== undefined ? new LegacyKeys(state) : undefined;
	for await (const batch of readRecordBatches(file, pass, source, known)) {
		if (keys === undefined) {
			yield batch;
			continue;
		}
		// One at a time, each keyed only when asked for: a key is claimed as the records before it
		// left the state, exactly as `readRecords` one by one would have it.
		for (const record of batch) {
			const key = keys.keyOf(record);
			yield [key === record.key ? record : { ...record, key }];
		}
	}
}
