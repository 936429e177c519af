/**
 * Onboardings are keyed by name within their customer, or by position when the customer's rows
 * repeat the name (onboarding-keys.ts), so a row's key changes when its name turns unique or
 * repeated, and states written before keying by name hold `<customer>/<n>`. A row whose own key
 * the state does not know takes an entry of its customer that no row of the file holds: one
 * whose last written name is the row's (the one whose values are closest to the row's), else, for an
 * old entry with no values known, the one at the row's position. So neither change creates a
 * second onboarding or leaves the first behind. A row renamed in spelling only (`Kickoff` →
 * `Kick-off`, `On-boarding` → `Onboarding`: the same letters and digits, case aside) takes the one
 * entry of its customer so named that no row holds, and PATCHes its name: created, it would be
 * a second onboarding in its phase (Pivotal's automations fired again) and, with --delete-missing,
 * the first deleted (adversarial finding Q18). The entry keeps its key: nothing in the state is
 * rewritten.
 */

import anyAscii from "any-ascii";
import {
	copyOf,
	type FieldValues,
	type PassName,
	type RecordState,
	type SourceRecord,
} from "../../model/records.js";
import { isNumbered } from "../../model/resources.js";
import {
	type KnownFromCheck,
	readRecordBatches,
	readRecords,
	readSettings,
	type SourceOptions,
} from "../../source/index.js";
import {
	legacyPosition,
	type OnboardingNames,
	onboardingNames,
	pairOf,
	parseNamedKey,
} from "../../source/onboarding-keys.js";
import { diffFields } from "./field-diff.js";

/** What the state knows of one pass. */
export interface PassState {
	get(key: string): RecordState | undefined;
	/** Is the key known (without reading its state)? `get` answers it otherwise. */
	has?(key: string): boolean;
	/** The keys alone (without reading their states); `entries` otherwise. */
	keys?(): Iterable<string>;
	entries(): Iterable<[string, RecordState]>;
}

/** One pass of a store, as `LegacyKeys` reads it (with its map's cheap key look-ups where it has one). */
export function passStateOf(
	store: {
		get(pass: PassName, key: string): RecordState | undefined;
		entries(pass: PassName): Iterable<[string, RecordState]>;
		records?(pass: PassName): ReadonlyMap<string, RecordState>;
	},
	pass: PassName,
): PassState {
	const records = store.records?.(pass);
	return {
		get: (key) => store.get(pass, key),
		...(records ? { has: (key: string) => records.has(key), keys: () => records.keys() } : {}),
		entries: () => store.entries(pass),
	};
}

export interface LegacyEntry {
	readonly key: string;
	/** Its position, when its key holds one (`<customer>/<n>`, `<customer>/#<n>`). */
	readonly n: number | undefined;
	/** The onboarding's name as last written; null when the state has no values of it. */
	readonly name: string | undefined | null;
	/** Its values as last written, to tell rows of one name apart. */
	readonly values?: FieldValues | undefined;
}

const sameName = (a: string | undefined, b: string | undefined): boolean =>
	a === b || (a !== undefined && b !== undefined && a.trim().normalize("NFC") === b.trim().normalize("NFC"));

/**
 * The entry a row takes (pure): of the unclaimed ones whose name is the row's, the one whose
 * values differ from the row's in fewest fields (`distance`; the one at the row's position, then
 * the first, on a tie), else the one at the row's position, else the first; with none named so,
 * one with no values known at the row's position.
 */
export function pickLegacy(
	entries: readonly LegacyEntry[],
	name: string | undefined,
	n: number | undefined,
	claimed: ReadonlySet<string>,
	distance: (entry: LegacyEntry) => number = () => Number.POSITIVE_INFINITY,
): LegacyEntry | undefined {
	const free = entries.filter((e) => !claimed.has(e.key));
	const named = free.filter((e) => e.name !== null && sameName(e.name, name));
	let closest: LegacyEntry | undefined;
	let fewest = Number.POSITIVE_INFINITY;
	for (const e of named) {
		const d = distance(e);
		if (d < fewest || (d === fewest && d < Number.POSITIVE_INFINITY && e.n === n && closest?.n !== n)) {
			closest = e;
			fewest = d;
		}
	}
	return (
		closest ??
		named.find((e) => e.n === n) ??
		named[0] ??
		free.find((e) => e.name === null && n !== undefined && e.n === n)
	);
}

/** Resolves each onboarding row of one read of a file to the key the state knows it by. */
export class LegacyKeys {
	readonly #state: PassState;
	/** The file's keys, when known: entries no row holds may be taken over, not only old ones. */
	readonly #names: OnboardingNames | undefined;
	#byCustomer: Map<string, LegacyEntry[]> | undefined;
	readonly #claimed = new Set<string>();
	#tie: readonly string[] | undefined;
	/** Rows keyed so far per repeated name of a customer (`pairOf`). */
	readonly #rowsSeen = new Map<string, number>();

	constructor(state: PassState, names?: OnboardingNames) {
		this.#state = state;
		this.#names = names;
	}

	/**
	 * The names of the entries the last row `keyOf` keyed reads as, but for spelling, and cannot
	 * be told apart between (findings T9, T10); undefined when it took one, or none was alike.
	 */
	get lastTie(): readonly string[] | undefined {
		return this.#tie;
	}

	keyOf(record: SourceRecord): string {
		this.#tie = undefined;
		if (!isNumbered(record.pass)) return record.key;
		const rowsLeft = this.#rowsLeft(record);
		if (this.#state.has ? this.#state.has(record.key) : this.#state.get(record.key) !== undefined)
			return record.key;
		const index = this.#index();
		if (index.size === 0 || record.parentKey === undefined) return record.key;
		const name = typeof record.body.name === "string" ? record.body.name : undefined;
		const position = /\/#(\d+)$/.exec(record.key);
		const n = position ? Number(position[1]) : undefined;
		const distance = (e: LegacyEntry): number =>
			e.values === undefined
				? Number.POSITIVE_INFINITY
				: diffFields(record.pass, record.body, e.values).length;
		const entries = index.get(record.parentKey) ?? [];
		let found = pickLegacy(entries, name, n, this.#claimed, distance);
		if (found === undefined) {
			const respelled = this.#respelled(entries, name, record.parentKey, distance, rowsLeft);
			if (Array.isArray(respelled)) this.#tie = respelled;
			else found = respelled as LegacyEntry | undefined;
		}
		if (found === undefined) return record.key;
		this.#claimed.add(found.key);
		return found.key;
	}

	/** The rows of the record's name left to key in its customer's rows, itself included (1 for a unique name). */
	#rowsLeft(record: SourceRecord): number {
		const names = this.#names;
		const name = record.body.name;
		if (
			names === undefined ||
			!names.isAnyRepeated ||
			typeof name !== "string" ||
			record.parentKey === undefined
		)
			return 1;
		const count = names.count(record.parentKey, name);
		if (count <= 1) return 1;
		const pair = pairOf(record.parentKey, name.trim());
		const seen = this.#rowsSeen.get(pair) ?? 0;
		this.#rowsSeen.set(pair, seen + 1);
		return count - seen;
	}

	/**
	 * The old key a record's key stands for, read from the key alone (the results and failures
	 * files look records up by key, with no row at hand); undefined when the state has none.
	 */
	stateKeyOf(key: string): string | undefined {
		const named = parseNamedKey(key);
		const placed = named ? undefined : /^(.*)\/#(\d+)$/.exec(key);
		const customer = named?.customer ?? placed?.[1];
		if (customer === undefined) return undefined;
		const n = placed ? Number(placed[2]) : undefined;
		return pickLegacy(this.#index().get(customer) ?? [], named?.name, n, new Set())?.key;
	}

	/**
	 * The unclaimed entry of the customer whose name is the row's but for spelling (`looseName`),
	 * when no row of the file carries that entry's name as it is (that row would take it by name):
	 * the one, or of several (a name that repeated), the one whose values are closest to the row's.
	 * The names of the alike entries when that cannot be told: two as close to the row, or more
	 * rows of the row's name than alike entries while the row's values are not one's own (a row
	 * added beside the re-spelled one: the first row would take the record of the other).
	 */
	#respelled(
		entries: readonly LegacyEntry[],
		name: string | undefined,
		customer: string,
		distance: (entry: LegacyEntry) => number,
		rowsLeft: number,
	): LegacyEntry | readonly string[] | undefined {
		const names = this.#names;
		const loose = name === undefined ? "" : looseName(name);
		if (names === undefined || loose === "") return undefined;
		// An entry's name still carried by rows is theirs, unless it has more entries than rows
		// (a name that repeated, one of its rows re-spelled: finding T4).
		const entriesNamed = (n: string): number => entries.filter((e) => e.name === n).length;
		const alike = entries.filter(
			(e) =>
				!this.#claimed.has(e.key) &&
				typeof e.name === "string" &&
				looseName(e.name) === loose &&
				names.count(customer, e.name) < entriesNamed(e.name),
		);
		const ranked = alike.map((entry) => ({ entry, d: distance(entry) })).sort((a, b) => a.d - b.d);
		const [first, second] = ranked;
		if (first === undefined) return undefined;
		const namesOf = (list: typeof ranked) => list.map(({ entry }) => entry.name as string);
		// More rows of this name than records to take, and this row's values are none's own: which
		// row stands for which record cannot be told from this one (finding T9).
		// (A re-spelled name is one field apart: values otherwise the record's are at most 1.)
		if (rowsLeft > alike.length && first.d > 1) return namesOf(ranked);
		if (second === undefined) return first.entry;
		// Of several (finding S4), the closest, if no other is as close: a tie is no answer (T10).
		if (first.d < Number.POSITIVE_INFINITY && first.d < second.d) return first.entry;
		return namesOf(ranked.filter(({ d }) => d === first.d));
	}

	#index(): Map<string, LegacyEntry[]> {
		if (this.#byCustomer) return this.#byCustomer;
		const index = new Map<string, LegacyEntry[]>();
		const add = (customer: string, entry: LegacyEntry): void => {
			const list = index.get(customer) ?? [];
			list.push(entry);
			index.set(customer, list);
		};
		const keys = this.#state.keys?.() ?? [...this.#state.entries()].map(([key]) => key);
		for (const key of keys) {
			const old = legacyPosition(key);
			if (old !== undefined) {
				const state = this.#state.get(key)!;
				const values = copyOf(state)?.v ?? (state.s === "removed" ? state.was?.v : undefined);
				const name = values === undefined ? null : typeof values.name === "string" ? values.name : undefined;
				add(old.customer, { key, n: old.n, name, values });
				continue;
			}
			// An entry no row of the file holds, still in Pivotal: a row may take it over.
			const names = this.#names;
			if (names === undefined || names.holds(key)) continue;
			const customer = parseNamedKey(key)?.customer ?? /^(.*)\/#\d+$/.exec(key)?.[1];
			const values = customer === undefined ? undefined : copyOf(this.#state.get(key)!)?.v;
			if (customer === undefined || values === undefined) continue;
			const placed = /\/#(\d+)$/.exec(key);
			const name = typeof values.name === "string" ? values.name : undefined;
			add(customer, { key, n: placed ? Number(placed[1]) : undefined, name, values });
		}
		this.#byCustomer = index;
		return index;
	}
}

/**
 * A name's letters and digits, lower-cased and without accents, with a mark where punctuation or
 * space parts two numbers: what a change of spelling only leaves as it was.
 */
export function looseName(name: string): string {
	// As an ASCII-only export writes it: accents, ß, Ł, Ø, Æ (`Démarrage Été`, `Strasse`, `Lodz`:
	// findings S12, T5), by the transliteration the slugs use.
	const folded = anyAscii(name.normalize("NFC")).toLowerCase();
	// Only spacing and word punctuation are spelling: a symbol that carries meaning stays (`C#` is
	// not `C++`, `Tier +` not `Tier -`: finding T11), and a separator between two digits tells
	// numbers apart (`Store 1/2` is not `Store 12`: finding S3).
	return folded
		.replace(/(?<=\p{N})[\s\-_.,:;/\\'"]+(?=\p{N})/gu, "|")
		.replace(/[\s\-_.,:;!?/\\'"()[\]{}]+/gu, "");
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
	if (!isNumbered(pass) || state === undefined) {
		yield* readRecordBatches(file, pass, source, known);
		return;
	}
	// One at a time, each keyed only when asked for: a key is claimed as the records before it
	// left the state, exactly as `readRecords` one by one would have it.
	for await (const { record, stateKey } of keyedRecords(file, pass, source, state, known))
		yield [stateKey === record.key ? record : { ...record, key: stateKey }];
}

/** `readRecords` as they are, each with the key the state knows it by (see LegacyKeys). */
export async function* keyedRecords(
	file: string,
	pass: PassName,
	source: SourceOptions | undefined,
	state: PassState | undefined,
	known?: KnownFromCheck,
): AsyncGenerator<{ readonly record: SourceRecord; readonly stateKey: string }, void, undefined> {
	if (!isNumbered(pass) || state === undefined) {
		for await (const record of readRecords(file, pass, source, known)) yield { record, stateKey: record.key };
		return;
	}
	// The file's keys, from validation's read when it came from there, else from a read of its own.
	const settings = readSettings(source ?? {});
	const names =
		known?.onboardingNames ??
		(typeof settings === "string" ? undefined : await onboardingNames(file, source?.map, settings));
	const keys = new LegacyKeys(state, names);
	for await (const record of readRecords(file, pass, source, { ...known, onboardingNames: names })) {
		const stateKey = keys.keyOf(record);
		const tie = keys.lastTie;
		yield { record: tie === undefined ? record : { ...record, respelledFrom: tie }, stateKey };
	}
}
