/**
 * The line of each customer's primary contact, for the rule that a customer has one. Kept by the
 * customer's place in the customers file's id set where it is there (a typed array, one number
 * a customer), else by its id in a map: a refresh of 400k contacts, each its customer's primary,
 * kept a map of 400k ids whose growth and strings the collector paid for, beside the set that
 * holds the same ids.
 */

import { type StringLookup, StringSet } from "./key-sets.js";

export class PrimaryLines {
	readonly #ids: StringSet | undefined;
	// Per customer in `#ids`: the line of its primary contact, 0 while it has none (lines start at 1).
	#lines: Int32Array | undefined;
	readonly #others = new Map<string, number>();

	/** `customerIds`: the customers file's ids, read to its end (no id is added after). */
	constructor(customerIds: StringLookup | undefined) {
		this.#ids = customerIds instanceof StringSet ? customerIds : undefined;
	}

	/** The line of the customer's primary contact before `line`, else undefined (`line` is then its). */
	claim(customer: string, line: number): number | undefined {
		const index = this.#ids?.indexOf(customer) ?? -1;
		if (index < 0 || line < 1) return this.#claimOther(customer, line);
		this.#lines ??= new Int32Array(this.#ids!.size);
		const lines = this.#lines;
		if (index >= lines.length) return this.#claimOther(customer, line);
		const first = lines[index]!;
		if (first !== 0) return first;
		lines[index] = line;
		return undefined;
	}

	#claimOther(customer: string, line: number): number | undefined {
		const first = this.#others.get(customer);
		if (first === undefined) this.#others.set(customer, line);
		return first;
	}
}
