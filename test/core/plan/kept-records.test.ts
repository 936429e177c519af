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
			[...kept.entries()].map((e) =>
				e.kind === "quick" ? [e.key, e.valuesLength, e.id] : e.kind === "record" ? [e.record.key] : [e.count],
			),
		).toEqual([["c1", 20, "c00abc"], ["Zoë/客户/🙂", 31, "c00def"], ["c3"], ["c4", 7, ""], ["c5", 9, ""]]);
		// In blocks for the run: the same entries in the same order, none lost at a block's edge.
		const blocks = [...kept.blocks(false, 3)];
		expect(blocks.map((block) => block.length)).toEqual([3, 2]);
		expect(blocks.flat()).toEqual([...kept.entries()]);
		expect([...kept.blocks(false, 5)].map((block) => block.length)).toEqual([5]);
		// Counted: the keys with an id kept come as counts; one without (the run reads the state) as itself.
		expect([...kept.entries(true)]).toEqual([
			{ kind: "counted", count: 2 },
			{ kind: "record", record: record("c3") },
			{ kind: "quick", key: "c4", valuesLength: 7, id: "" },
			{ kind: "quick", key: "c5", valuesLength: 9, id: "" },
		]);
	});

	it("counts quick-settled keys in runs of at most a block, every one counted once, in file order", () => {
		const kept = new KeptRecords("customers");
		for (let i = 0; i < 10; i++) kept.addQuick(`a${i}`, 5, `id${i}`);
		kept.addQuick("no-id", 5);
		for (let i = 0; i < 7; i++) kept.addQuick(`b${i}`, 5, `id${i}`);
		kept.addWhole(record("w"));
		for (let i = 0; i < 3; i++) kept.addQuick(`c${i}`, 5, `id${i}`);
		kept.end();
		const shown = [...kept.entries(true, 4)].map((e) =>
			e.kind === "counted" ? e.count : e.kind === "quick" ? e.key : e.record.key,
		);
		expect(shown).toEqual([4, 4, 2, "no-id", 4, 3, "w", 3]);
		// Blocks weigh a count as the records it counts: a block ends once it holds its size of records.
		const weights = [...kept.blocks(true, 4)].map((block) =>
			block.reduce((n, e) => n + (e.kind === "counted" ? e.count : 1), 0),
		);
		expect(weights).toEqual([4, 4, 7, 4, 3]);
		expect(weights.reduce((a, b) => a + b, 0)).toBe(22);
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
