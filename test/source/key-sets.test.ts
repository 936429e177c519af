import { describe, expect, it } from "vitest";
import { KeySet, NumberSet, StringSet } from "../../src/source/key-sets.js";

/** A deterministic stream of values with repeats, to compare against the native Set. */
function* values(count: number): Generator<string> {
	let x = 12345;
	for (let i = 0; i < count; i++) {
		x = (Math.imul(x, 1103515245) + 12345) >>> 0;
		yield `id-${x % (count / 2)}`;
	}
}

describe("StringSet", () => {
	it.each([
		{ adds: ["a", "b", "a", ""], added: [true, true, false, true], size: 3 },
		{ adds: ["", ""], added: [true, false], size: 1 },
		{ adds: ["é", "e\u0301", "é"], added: [true, true, false], size: 2 },
		{ adds: ["Acme", "acme"], added: [true, true], size: 2 },
		// Latin-1 first, then a wider character in the middle of a value: the set widens its store.
		{
			adds: ["café", "株式会社", "café", "株式会社", "ab"],
			added: [true, true, false, false, true],
			size: 3,
		},
	])("adds $adds", ({ adds, added, size }) => {
		const set = new StringSet();
		expect(adds.map((v) => set.add(v))).toEqual(added);
		expect(set.size).toBe(size);
		for (const v of adds) expect(set.has(v)).toBe(true);
		expect(set.has("missing")).toBe(false);
		expect([...set]).toEqual([...new Set(adds)]);
	});

	it("answers as a native Set does over 20,000 values with repeats, through many growths, in insertion order", () => {
		const ours = new StringSet();
		const native = new Set<string>();
		for (const v of values(20_000)) {
			const isNew = !native.has(v);
			native.add(v);
			expect(ours.add(v)).toBe(isNew);
		}
		expect(ours.size).toBe(native.size);
		expect([...ours]).toEqual([...native]);
		for (let i = 0; i < 12_000; i++) expect(ours.has(`id-${i}`)).toBe(native.has(`id-${i}`));
	});
});

describe("NumberSet and KeySet", () => {
	it("keeps numbers exactly, large ids included, and strings apart from numbers", () => {
		const numbers = new NumberSet();
		const big = [0, 1, 2 ** 31, 2 ** 32 + 1, 999_999_999_999_999, 2 ** 53 - 1];
		for (const n of big) expect(numbers.add(n)).toBe(true);
		for (const n of big) expect(numbers.add(n)).toBe(false);
		for (let i = 3; i < 5000; i++) expect(numbers.add(i * 7919)).toBe(i * 7919 !== 2 ** 31);
		expect(numbers.has(2 ** 32)).toBe(false);
		const keys = new KeySet();
		expect([keys.add(9001), keys.add("9001"), keys.add(9001), keys.add("9001")]).toEqual([
			true,
			true,
			false,
			false,
		]);
		expect(keys.size).toBe(2);
	});
});

describe("a KeySet told how many keys to expect", () => {
	it.each([
		["fewer", 5_000],
		["as many", 10_000],
		["more", 20_000],
	])("answers as a native Set does with %s keys than it expected, strings then numbers", (_, count) => {
		const keys = new KeySet(10_000);
		const native = new Set<string | number>();
		const wide = (i: number): string => (i % 1000 === 999 ? `株${i}` : `id-${i}`);
		for (let i = 0; i < count; i++) {
			const key = i % 3 === 0 ? wide(i % (count / 2)) : `id-${i % (count / 2)}`;
			expect(keys.add(key)).toBe(!native.has(key));
			native.add(key);
		}
		for (let i = 0; i < 3000; i++) {
			expect(keys.add(i * 7)).toBe(!native.has(i * 7));
			native.add(i * 7);
		}
		expect(keys.size).toBe(native.size);
		expect([...keys.strings]).toEqual([...native].filter((key) => typeof key === "string"));
		for (let i = 0; i < count; i++) expect(keys.strings.has(`id-${i}`)).toBe(native.has(`id-${i}`));
		for (let i = 0; i < 3000; i++) expect(keys.numbers.has(i)).toBe(native.has(i));
	});

	it("sizes its numbers when the first key is one", () => {
		const keys = new KeySet(50_000);
		for (let i = 1; i <= 60_000; i++) expect(keys.add(i * 11)).toBe(true);
		expect(keys.add(11)).toBe(false);
		expect(keys.add("11")).toBe(true);
		expect(keys.size).toBe(60_001);
	});
});
