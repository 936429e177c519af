import { describe, expect, it } from "vitest";
import { StringSet } from "../../src/source/key-sets.js";
import { PrimaryLines } from "../../src/source/primary-lines.js";

describe("PrimaryLines", () => {
	it.each([
		["the customers file's id set", true],
		["no id set (the customers file was not read to its end)", false],
	])("gives each customer's first primary line, with %s", (_, hasIds) => {
		const ids = new StringSet();
		for (const id of ["cus_1", "cus_2", "cus_3", "9001"]) ids.add(id);
		const primaries = new PrimaryLines(hasIds ? ids : undefined);
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
		expect(claims.map(([customer, line]) => primaries.claim(customer, line))).toEqual([
			undefined,
			undefined,
			2,
			undefined,
			undefined,
			5,
			3,
			6,
			undefined,
			undefined,
		]);
	});

	it("answers as a map does for 30,000 customers, half of them in the id set", () => {
		const ids = new StringSet();
		for (let i = 0; i < 30_000; i += 2) ids.add(`cus_${i}`);
		const primaries = new PrimaryLines(ids);
		const map = new Map<string, number>();
		for (let line = 1; line <= 60_000; line++) {
			const customer = `cus_${(line * 7919) % 30_000}`;
			const first = map.get(customer);
			if (first === undefined) map.set(customer, line);
			expect(primaries.claim(customer, line)).toBe(first);
		}
	});
});
