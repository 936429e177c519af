/**
 * The rows validation found invalid, by the customer each names. Under `--skip-invalid` they are
 * left out of the run, not gone from the file: `--delete-missing` must not take a record one of
 * them may be (the customer's, or any of its records in that file) for one whose row is gone.
 */
export class LeftOutRows {
	readonly #customers = new Set<string>();
	/** A row whose customer cannot be told: a ragged row (its cells may not be in their columns), a blank id. */
	#isAnyUnknown = false;

	/** One invalid row: the customer id its row names, or undefined when it cannot be told. */
	add(customer: string | undefined): void {
		if (customer === undefined || customer.trim() === "") this.#isAnyUnknown = true;
		else this.#customers.add(customer);
	}

	get size(): number {
		return this.#customers.size + (this.#isAnyUnknown ? 1 : 0);
	}

	/** May a row left out be a record of this customer (in this file)? */
	mayBeOf(customer: string): boolean {
		return this.#isAnyUnknown || this.#customers.has(customer);
	}
}
