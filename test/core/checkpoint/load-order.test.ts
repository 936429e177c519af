/**
 * Look-ups that follow a load's order (load-order.ts) answer what the map answers, whatever order
 * the keys are asked in, and never an answer from before a later `set`.
 */
import { describe, expect, it } from "vitest";
import { StateMap } from "../../../src/core/checkpoint/state-map.js";
import type { FieldValues, RecordState } from "../../../src/model/records.js";
import { failed } from "./helpers.js";

const values = (i: number): FieldValues => ({ name: `Name ${i}`, mrr: i });
const done = (i: number): RecordState => ({
	s: "done",
	attempts: 1,
	id: `id_${i}`,
	outcome: "created",
	v: values(i),
});
const stateOf = (i: number): RecordState =>
	i % 7 === 3 ? failed() : i % 11 === 5 ? { s: "removed", why: "gone", id: `id_${i}`, g: 1 } : done(i);

/** A map loaded as a state file's load fills it, and the same records set one by one (no order kept). */
function maps(count: number) {
	const loaded = new StateMap();
	const set = new StateMap();
	for (let i = 0; i < count; i++) {
		loaded.load(`k${i}`, stateOf(i), JSON.stringify(stateOf(i)));
		set.set(`k${i}`, stateOf(i));
	}
	return { loaded, set };
}

const GENERATION = Buffer.from('"g":');

function answers(map: StateMap, keys: readonly string[]) {
	return keys.map((key, n) => {
		const i = Number(key.slice(1));
		return [
			map.sameDoneValues(key, values(n % 2 === 0 ? i : i + 1)),
			map.doneId(key),
			map.hasCopy(key),
			map.textHolds(key, GENERATION),
		];
	});
}

describe("look-ups in a load's order", () => {
	it("answer what the map answers, for keys asked in order, repeated, skipped, missing, reversed or shuffled", () => {
		const count = 3000;
		const { loaded, set } = maps(count);
		const inOrder = Array.from({ length: count }, (_, i) => `k${i}`);
		const repeated = inOrder.flatMap((key, i) => (i % 3 === 0 ? [key, key] : [key]));
		const skipped = inOrder.filter((_, i) => i % 5 !== 2 && i % 97 !== 0);
		const missing = inOrder.flatMap((key, i) => (i % 13 === 0 ? [`k${count + i}`, key] : [key]));
		const reversed = [...inOrder].reverse();
		let seed = 7;
		const shuffled = [...inOrder].sort(() => {
			seed = (seed * 48271) % 2147483647;
			return (seed % 3) - 1;
		});
		for (const keys of [inOrder, repeated, skipped, missing, reversed, shuffled, inOrder])
			expect(answers(loaded, keys)).toEqual(answers(set, keys));
	});

	it("answers with what was set since the load, never the text the load left", () => {
		const { loaded } = maps(100);
		expect(answers(loaded, ["k20", "k21", "k22", "k23"])).toEqual([
			[expect.any(Number), "id_20", true, false],
			[-1, "id_21", true, false],
			[expect.any(Number), "id_22", true, false],
			[-1, "id_23", true, false],
		]);
		// Asked in the load's order just before: the next look-ups would be found at their place.
		loaded.set("k22", { s: "removed", why: "gone", id: "id_22", g: 2 });
		loaded.set("k23", { ...done(23), id: "id_new" } as RecordState);
		expect(loaded.doneId("k22")).toBeUndefined();
		expect(loaded.hasCopy("k22")).toBe(false);
		expect(loaded.textHolds("k22", GENERATION)).toBe(true);
		expect(loaded.doneId("k23")).toBe("id_new");
		expect(loaded.doneId("k25")).toBe("id_25");
	});

	it("answers what the map answers after records are set (a run's writes), asked in order again", () => {
		const count = 3000;
		const { loaded, set } = maps(count);
		const keys = Array.from({ length: count }, (_, i) => `k${i}`);
		expect(answers(loaded, keys)).toEqual(answers(set, keys));
		for (let i = 0; i < count; i += 10)
			for (const map of [loaded, set]) {
				map.set(`k${i}`, i % 20 === 0 ? ({ ...done(i), id: `new_${i}` } as RecordState) : failed());
				map.set(`k${count + i}`, done(count + i));
			}
		const withNew = keys.flatMap((key, i) => (i % 10 === 0 ? [key, `k${count + i}`] : [key]));
		expect(answers(loaded, withNew)).toEqual(answers(set, withNew));
		expect(loaded.doneId("k20")).toBe("new_20");
		expect(loaded.quickCopy("k20", 0, 9)).toEqual(set.quickCopy("k20", 0, 9));
	});
});
