import { describe, expect, it } from "vitest";
import { StateMap } from "../../../src/core/checkpoint/state-map.js";
import { hash52, IdHolders } from "../../../src/core/execute/id-holders.js";
import type { StateStore } from "../../../src/core/state/state-store.js";
import type { RecordState } from "../../../src/model/records.js";

const done = (id: string): RecordState =>
	({ s: "done", id, d: 1, outcome: "created", v: {}, c: 1, r: 1, did: "created" }) as RecordState;

/** The part of a store the index reads: the customers' states, in a `StateMap` or a plain map. */
function storeOf(states: Map<string, RecordState> | StateMap, withRecords = true): StateStore {
	return {
		get: (_pass: string, key: string) => states.get(key),
		entries: () => states.entries(),
		...(withRecords ? { records: () => states } : {}),
	} as unknown as StateStore;
}

function stateMapOf(entries: [string, RecordState][]): StateMap {
	const map = new StateMap();
	for (const [key, state] of entries) map.set(key, state);
	return map;
}

describe("IdHolders", () => {
	it("names the record of the state that holds an id, never the asking record itself", () => {
		const states = stateMapOf([
			["h1", done("cus_1")],
			["h2", done("cus_2")],
		]);
		const holders = new IdHolders(storeOf(states), "customers");
		expect(holders.holderOf("cus_1", "h3")).toBe("h1");
		expect(holders.holderOf("cus_2", "h2")).toBeUndefined();
		expect(holders.holderOf("cus_9", "h3")).toBeUndefined();
	});

	it("knows the ids created after its first question, once they are added and in the state", () => {
		const states = stateMapOf([["h1", done("cus_1")]]);
		const holders = new IdHolders(storeOf(states), "customers");
		expect(holders.holderOf("cus_new", "h2")).toBeUndefined();
		states.set("h2", done("cus_new"));
		holders.add("cus_new");
		expect(holders.holderOf("cus_new", "h3")).toBe("h2");
	});

	it("answers a repeated id again, and not once its holder holds another id", () => {
		const states = new Map<string, RecordState>([["h1", done("cus_same")]]);
		const holders = new IdHolders(storeOf(states, false), "customers");
		expect(holders.holderOf("cus_same", "h2")).toBe("h1");
		expect(holders.holderOf("cus_same", "h3")).toBe("h1");
		states.set("h1", done("cus_other"));
		expect(holders.holderOf("cus_same", "h3")).toBeUndefined();
	});

	it("keeps thousands of ids apart as its table grows", () => {
		const entries: [string, RecordState][] = Array.from({ length: 5000 }, (_, i) => [
			`k${i}`,
			done(`cus_${i}`),
		]);
		const holders = new IdHolders(storeOf(stateMapOf(entries)), "customers");
		expect(holders.holderOf("cus_4999", "x")).toBe("k4999");
		for (let i = 0; i < 5000; i++) holders.add(`new_${i}`);
		expect(holders.holderOf("cus_0", "x")).toBe("k0");
		expect(holders.holderOf("cus_5000", "x")).toBeUndefined();
	});

	it("hashes ids to distinct non-zero numbers below 2^53", () => {
		const hashes = new Set<number>();
		let outside = 0;
		for (let i = 0; i < 100_000; i++) {
			const hash = hash52(`cus_${i}`);
			if (!(hash > 0 && hash <= Number.MAX_SAFE_INTEGER)) outside += 1;
			hashes.add(hash);
		}
		expect(outside).toBe(0);
		expect(hashes.size).toBe(100_000);
	});
});
