/**
 * A number per customer id, 0 until set: the line of each customer's primary contact, the
 * onboarding rows counted per customer. Kept by the customer's place in the customers file's id
 * set where it is there (a typed array, one number a customer), else by its id in a map. A
 * refresh of 400k contacts, each its customer's primary, kept a map of 400k ids (and the
 * onboardings one of 200k) whose growth and strings the collector paid for, beside the set that
 * holds the same ids.
 */

import { type StringLookup, StringSet } from "./key-sets.js";

export class CustomerNumbers {
	readonly #ids: StringSet | undefined;
	// Per customer in `#ids`, in the set's order: its number.
	#numbers: Int32Array | undefined;
	readonly #others = new Map<string, number>();

	/** `customerIds`: the customers file's ids, read to its end (no id is added after). */
	constructor(customerIds?: StringLookup | undefined) {
		this.#ids = customerIds instanceof StringSet ? customerIds : undefined;
	}

	/** The customer's number, set to `value` (not 0) when it was 0. */
	claim(customer: string, value: number): number {
		const index = this.#indexOf(customer);
		if (index < 0) {
			const had = this.#others.get(customer) ?? 0;
			if (had === 0) this.#others.set(customer, value);
			return had;
		}
		const numbers = this.#numbers!;
		const had = numbers[index]!;
		if (had === 0) numbers[index] = value;
		return had;
	}

	/** Adds one to the customer's number; the number then. */
	increment(customer: string): number {
		const index = this.#indexOf(customer);
		if (index < 0) {
			const count = (this.#others.get(customer) ?? 0) + 1;
			this.#others.set(customer, count);
			return count;
		}
		return ++this.#numbers![index]!;
	}

	/** Where the customer's number is in `#numbers`; -1: in `#others`. */
	#indexOf(customer: string): number {
		const ids = this.#ids;
		if (ids === undefined) return -1;
		const index = ids.indexOf(customer);
		if (index < 0) return -1;
		this.#numbers ??= new Int32Array(ids.size);
		return index < this.#numbers.length ? index : -1;
	}
}
