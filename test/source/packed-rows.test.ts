/**
 * The CSV thread's batches as posted (packed-rows.ts): short cells in a string per row, long ones
 * alone, and typed arrays, read back as the very rows that were packed, through a real structured clone.
 */
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import type { CsvRow } from "../../src/source/csv-rows.js";
import { packRows, transferOf, unpackRows } from "../../src/source/packed-rows.js";

describe("packRows and unpackRows", () => {
	it("give back every row's cells, width and line, whatever the cells hold", () => {
		const rows: CsvRow[] = [
			{ cells: ["external_id", "name", "notes"], line: 1 },
			{ cells: ["c1", "", "a note\non two lines"], line: 2 },
			{ cells: ["", "", ""], line: 4 },
			{ cells: ["c2", "Zoë 客户 🙂", "x".repeat(100_000)], line: 5 },
			{ cells: ["ragged"], line: 6 },
			{ cells: [], line: 7 },
			{ cells: ["\ud800", "\u0000", '"quoted"'], line: 9 },
		];
		const packed = packRows(rows);
		const { port1, port2 } = new MessageChannel();
		port1.postMessage(packed, transferOf(packed));
		const received = receiveMessageOnPort(port2)?.message as ReturnType<typeof packRows>;
		port1.close();
		// Moved, not copied: the sender's arrays are emptied.
		expect(packed.ends.length).toBe(0);
		expect(unpackRows(received)).toEqual(rows);
	});

	it("posts a cell of 13 characters or more as a string of its own, never cut from its row's text", () => {
		// A longer cut would be a view keeping the row's text alive as long as the cell is kept.
		const id = "customer-0000000042";
		const packed = packRows([{ cells: [id, "short", "twelve chars", "thirteen char"], line: 2 }]);
		expect(packed.long).toEqual([id, "thirteen char"]);
		expect(packed.texts).toEqual(["shorttwelve chars"]);
	});

	it("packs an empty batch", () => {
		expect(unpackRows(packRows([]))).toEqual([]);
	});
});
