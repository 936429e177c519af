/**
 * KeptRecords: a pass's records kept from the plan's read, in file order, until a cap sends the
 * run back to the file; a child pass's copy is used only while the customers the plan counted on
 * read the same.
 */
import { describe, expect, it } from "vitest";
import { KeptRecords, MAX_KEPT_RECORDS } from "../../../src/core/plan/kept-records.js";
import type { SourceRecord } from "../../../src/model/records.js";

const record = (key: string): SourceRecord => ({
	pass: "customers",
	key,
	line: 2,
	body: { name: key },
	columns: {},
	fields: ["name"],
});

describe("KeptRecords", () => {
	it("gives back records and keys in file order, keys of any script intact, once read to its end", () => {
		const kept = new KeptRecords("customers");
		kept.addQuick("c1", 20, "c00abc");
		kept.addQuick("Zoë/客户/🙂", 31, "c00def");
		kept.addWhole(record("c3"));
		kept.addQuick("c4", 7);
		// An id too long for its length byte is left for the run to read from the state.
		kept.addQuick("c5", 9, "x".repeat(256));
		expect(kept.isUsable).toBe(false);
		kept.end();
		expect(kept.isUsable).toBe(true);
		expect([kept.wholeCount, kept.quickCount]).toEqual([1, 4]);
		expect(
			[...kept.entries()].map((e) => (e.kind === "quick" ? [e.key, e.valuesLength, e.id] : [e.record.key])),
		).toEqual([["c1", 20, "c00abc"], ["Zoë/客户/🙂", 31, "c00def"], ["c3"], ["c4", 7, ""], ["c5", 9, ""]]);
		// In blocks for the run: the same entries in the same order, none lost at a block's edge.
		const blocks = [...kept.blocks(3)];
		expect(blocks.map((block) => block.length)).toEqual([3, 2]);
		expect(blocks.flat()).toEqual([...kept.entries()]);
		expect([...kept.blocks(5)].map((block) => block.length)).toEqual([5]);
	});

	it("gives up its copy past the cap of records kept whole, or when the read stopped: the run reads the file", () => {
		const many = new KeptRecords("customers");
		for (let i = 0; i <= MAX_KEPT_RECORDS; i++) many.addWhole(record(`c${i}`));
		many.end();
		expect(many.isUsable).toBe(false);
		expect([...many.entries()]).toEqual([]);

		const stopped = new KeptRecords("customers");
		stopped.addQuick("c1", 3);
		stopped.giveUp();
		stopped.end();
		expect(stopped.isUsable).toBe(false);
	});

	it("says a child pass's quick settlements hold only while every customer the plan counted on still reads so", () => {
		const customers = new KeptRecords("customers");
		customers.addWhole(record("c1"), true);
		customers.addWhole(record("c2"), false);
		customers.addQuick("c3", 5);
		customers.end();
		// c2 was not counted on (its children were kept whole): how it reads now does not matter.
		expect(customers.isParentAsPlanned((key) => key === "c1")).toBe(true);
		expect(customers.isParentAsPlanned((key) => key === "c2")).toBe(false);
		customers.giveUp();
		expect(customers.isParentAsPlanned(() => true)).toBe(false);
	});
});
