import { describe, expect, it } from "vitest";
import { CustomerNumbers } from "../../src/source/customer-numbers.js";
import { StringSet } from "../../src/source/key-sets.js";

const customerIds = (): StringSet => {
	const ids = new StringSet();
	for (const id of ["cus_1", "cus_2", "cus_3", "9001"]) ids.add(id);
	return ids;
};

describe("CustomerNumbers", () => {
	it.each([
		["the customers file's id set", true],
		["no id set (the customers file was not read to its end)", false],
	])("keeps each customer's first claim and its count, with %s", (_, hasIds) => {
		const numbers = new CustomerNumbers(hasIds ? customerIds() : undefined);
		const claims: [string, number][] = [
			["cus_2", 2],
			["cus_1", 3],
			["cus_2", 4],
			["unknown", 5],
			["9001;9002", 6],
			["unknown", 7],
			["cus_1", 8],
			["9001;9002", 9],
			["9001", 10],
			["cus_3", 11],
		];
		expect(claims.map(([customer, line]) => numbers.claim(customer, line))).toEqual([
			0, 0, 2, 0, 0, 5, 3, 6, 0, 0,
		]);
		const counts = new CustomerNumbers(hasIds ? customerIds() : undefined);
		const rows = ["cus_1", "cus_1", "other", "cus_3", "other", "cus_1", "9001"];
		expect(rows.map((customer) => counts.increment(customer))).toEqual([1, 2, 1, 1, 2, 3, 1]);
	});

	it("answers as a map does for 30,000 customers, half of them in the id set", () => {
		const ids = new StringSet();
		for (let i = 0; i < 30_000; i += 2) ids.add(`cus_${i}`);
		const numbers = new CustomerNumbers(ids);
		const counts = new CustomerNumbers(ids);
		const firsts = new Map<string, number>();
		const seen = new Map<string, number>();
		for (let line = 1; line <= 60_000; line++) {
			const customer = `cus_${(line * 7919) % 30_000}`;
			const first = firsts.get(customer) ?? 0;
			if (first === 0) firsts.set(customer, line);
			expect(numbers.claim(customer, line)).toBe(first);
			seen.set(customer, (seen.get(customer) ?? 0) + 1);
			expect(counts.increment(customer)).toBe(seen.get(customer));
		}
	});
});
