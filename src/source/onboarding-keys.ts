/**
 * How an onboarding is known across syncs. DESIGN matches onboardings by name within their
 * customer, so a row whose name is unique among that customer's rows is keyed by the name: rows
 * removed or reordered in the export keep their identity. Rows with no name, or a name the
 * customer's rows repeat, fall back to their position among the customer's rows (`#n`).
 */

import { type CsvReadOptions, newScan } from "./csv-rows.js";
import { CustomerNumbers } from "./customer-numbers.js";
import { type StringLookup, StringSet } from "./key-sets.js";
import { layoutFor } from "./layout.js";
import type { SourceMap } from "./map-file.js";
import { readRows } from "./rows.js";
import { isBlank } from "./schema.js";

/** The key of the name tally: a customer and one of its rows' names. */
export const pairOf = (customer: string, name: string): string => `${customer}\u0000${name.normalize("NFC")}`;

/**
 * What a whole read of an onboardings file tells about its keys, before any record is made:
 * which names a customer's rows repeat, and so which keys the file's rows hold. A sync needs
 * the second to tell a state entry no row holds (an orphan, which a row may take over) from
 * one a later row of the file holds by its own key.
 */
export class OnboardingNames {
	/**
	 * The name pairs seen, and per pair (in the set's order): minus the row's position while one
	 * row carries it, the count once more do. Typed arrays: 200k pairs kept in a map were 200k
	 * strings for the collector to trace and move.
	 */
	readonly #names = new StringSet();
	#tallies: Int32Array = new Int32Array(1024);
	/** Rows so far per customer: positions, counted as `RecordMaker` numbers them. */
	readonly #rows: CustomerNumbers;
	/** `<customer>/#<n>` of the rows keyed by position: no name, or a name the customer repeats. */
	readonly #numbered = new Set<string>();
	#isAnyRepeated = false;
	// The pair the last row added carried (customer, trimmed name) and its tally: keying that row
	// right after (`count`) asks for it, without a pair's text made and looked up again.
	#lastCustomer: string | undefined;
	#lastName: string | undefined;
	#lastSeen = 0;

	/** `customerIds`: the customers file's ids, when read to its end (the counts are kept by them). */
	constructor(customerIds?: StringLookup) {
		this.#rows = new CustomerNumbers(customerIds);
	}

	/**
	 * Has a customer's name been carried by two of its rows? Until one is, each row counted so
	 * far is keyed by its name exactly as the whole file's tally would key it.
	 */
	get isAnyRepeated(): boolean {
		return this.#isAnyRepeated;
	}

	/** One data row, in file order: its customer and name cells (no name for a ragged row). */
	add(customer: string, name: string | undefined): void {
		if (isBlank(customer)) return;
		const n = this.#rows.increment(customer);
		const trimmed = name?.trim();
		if (trimmed === undefined || isBlank(trimmed)) {
			this.#numbered.add(`${customer}/#${n}`);
			return;
		}
		const size = this.#names.size;
		const index = this.#names.put(pairOf(customer, trimmed));
		this.#lastCustomer = customer;
		this.#lastName = trimmed;
		if (index === size) {
			if (index === this.#tallies.length) this.#tallies = grown(this.#tallies);
			this.#tallies[index] = -n;
			this.#lastSeen = -n;
			return;
		}
		const seen = this.#tallies[index]!;
		// The first row carrying the name was keyed by it until now: it is numbered too.
		this.#isAnyRepeated = true;
		if (seen < 0) this.#numbered.add(`${customer}/#${-seen}`);
		this.#lastSeen = seen < 0 ? 2 : seen + 1;
		this.#tallies[index] = this.#lastSeen;
		this.#numbered.add(`${customer}/#${n}`);
	}

	/** How many of the customer's rows carry the name (trimmed, any Unicode form). */
	count(customer: string, name: string): number {
		const trimmed = name.trim();
		// Only `add` changes a tally, and it keeps the last pair's: the same strings, the same pair.
		let seen = this.#lastSeen;
		if (customer !== this.#lastCustomer || trimmed !== this.#lastName) {
			const index = this.#names.indexOf(pairOf(customer, trimmed));
			if (index < 0) return 0;
			seen = this.#tallies[index]!;
		}
		return seen < 0 ? 1 : seen;
	}

	/**
	 * Does a row of the file hold this key, exactly as `onboardingKey` writes it? A key written
	 * with the name in another Unicode form (before names were keyed in NFC) is no row's.
	 */
	holds(key: string): boolean {
		if (this.#numbered.has(key)) return true;
		const named = parseNamedKey(key);
		return named !== undefined && onboardingKey(named.customer, 0, named.name, this) === key;
	}
}

/** `tallies` in an array twice as long. */
function grown(tallies: Int32Array): Int32Array {
	const longer = new Int32Array(tallies.length * 2);
	longer.set(tallies);
	return longer;
}

/** The customer and name of a `<customer>/name:<name>` key, or undefined for another form. */
export function parseNamedKey(key: string): { customer: string; name: string } | undefined {
	const named = /^(.*)\/name:([^/]*)$/.exec(key);
	if (!named) return undefined;
	return { customer: named[1]!, name: named[2]!.replaceAll("%2F", "/").replaceAll("%25", "%") };
}

/**
 * The key of an onboarding row: `<customer>/name:<name>` (`%` and `/` escaped, so the customer's
 * key is still what precedes the last `/`) when the name is unique among the customer's rows,
 * else `<customer>/#<n>`, n its 1-based position among them.
 */
export function onboardingKey(
	customer: string,
	n: number,
	name: string | undefined,
	names: OnboardingNames,
): string {
	if (name !== undefined && !isBlank(name) && names.count(customer, name) === 1)
		return namedKey(customer, name);
	return `${customer}/#${n}`;
}

/** `<customer>/name:<name>`, the key of a row whose name is unique among its customer's rows. */
export function namedKey(customer: string, name: string): string {
	return `${customer}/name:${name.normalize("NFC").replaceAll("%", "%25").replaceAll("/", "%2F")}`;
}

/** A key written before onboardings were keyed by name: `<customer>/<n>`. */
export function legacyPosition(key: string): { customer: string; n: number } | undefined {
	const match = /^(.*)\/(\d+)$/.exec(key);
	return match ? { customer: match[1]!, n: Number(match[2]) } : undefined;
}

/**
 * Tallies an onboardings file's rows per customer, over every row (valid or not, ragged or not,
 * as positions are counted), in a read of its own before the records.
 */
export async function onboardingNames(
	file: string,
	map: SourceMap | undefined,
	read: CsvReadOptions,
): Promise<OnboardingNames> {
	const names = new OnboardingNames();
	let idAt: number | undefined;
	let nameAt: number | undefined;
	let project: ((cells: readonly string[]) => string[]) | undefined;
	let width = -1;
	for await (const batch of readRows(file, newScan(0), { ...read, hash: false })) {
		for (const row of batch) {
			if (width === -1) {
				const layout = layoutFor("onboardings", file, row.cells, map);
				width = layout.header.width;
				idAt = layout.header.indexOf.get("customer_external_id");
				nameAt = layout.header.indexOf.get("name");
				project = layout.project;
				if (idAt === undefined) return names;
				continue;
			}
			const cells = project === undefined ? row.cells : project(row.cells);
			const id = cells[idAt!];
			// A ragged row takes its position, not its name (as validation counts it).
			const isRagged = row.cells.length !== width;
			if (id !== undefined) names.add(id, nameAt === undefined || isRagged ? undefined : cells[nameAt]);
		}
	}
	return names;
}
