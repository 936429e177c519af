/**
 * A journal small beside its snapshot (`isSmallJournal`: at most a tenth of its records) is left
 * in place at a run's end and written on by the next open; it is read, and checked, as any
 * journal. A larger one is compacted, as before.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isSmallJournal } from "../../../src/core/checkpoint/checkpoint-store.js";
import { openCheckpoint, readCheckpoint } from "../../../src/core/checkpoint/index.js";
import { created, header, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => void;
let path: string;

beforeEach(() => {
	({ dir, cleanup } = tempDir());
	path = join(dir, "customers.csv.checkpoint.json");
});
afterEach(() => cleanup());

const lineCount = () => fs.readFileSync(path, "utf8").trimEnd().split("\n").length;

/** A checkpoint whose snapshot holds `n` customers, compacted. */
async function snapshotOf(n: number): Promise<void> {
	const { store } = await openCheckpoint({ path, create: () => header() });
	for (let i = 0; i < n; i++) store.set("customers", `c${i}`, created(`id${i}`));
	store.compact();
	await store.close();
	expect(lineCount()).toBe(1 + n);
}

describe("a small journal left in place", () => {
	it("is a tenth of the snapshot's records at most", () => {
		expect([
			isSmallJournal(0, 0),
			isSmallJournal(1, 9),
			isSmallJournal(1, 10),
			isSmallJournal(10, 100),
		]).toEqual([true, false, true, true]);
		expect(isSmallJournal(11, 100)).toBe(false);
	});

	it("stays after the run's end and the next open; both runs' updates are read back", async () => {
		await snapshotOf(100);
		const first = await openCheckpoint({ path, create: () => header() });
		first.store.set("customers", "c1", created("id1-new", 2));
		first.store.addCounters({ requests: 3 });
		await first.store.compact({ unlessSmall: true });
		await first.store.close();
		// The header and the snapshot's 100 records, then the update and a line of counters.
		expect(lineCount()).toBe(103);

		const second = await openCheckpoint({ path, create: () => header() });
		expect(second.resumed).toBe(true);
		expect(lineCount()).toBe(103);
		second.store.set("customers", "c2", created("id2-new", 2));
		await second.store.close();
		expect(lineCount()).toBe(104);

		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c1")).toMatchObject({ id: "id1-new" });
		expect(read?.records.customers.get("c2")).toMatchObject({ id: "id2-new" });
		expect(read?.records.customers.size).toBe(100);
		expect(read?.counters.requests).toBe(3);
	});

	it("is compacted once it passes a tenth", async () => {
		await snapshotOf(20);
		const { store } = await openCheckpoint({ path, create: () => header() });
		for (let i = 0; i < 3; i++) store.set("customers", `c${i}`, created(`again${i}`, 2));
		await store.close();
		expect(lineCount()).toBe(21);
		expect((await readCheckpoint(path))?.records.customers.get("c2")).toMatchObject({ id: "again2" });
	});

	it("a damaged line in a journal left in place is refused on the next open", async () => {
		await snapshotOf(100);
		const first = await openCheckpoint({ path, create: () => header() });
		first.store.set("customers", "c1", created("id1-new", 2));
		await first.store.close();
		const text = fs.readFileSync(path, "utf8");
		fs.writeFileSync(path, text.replace('"id":"id1-new"', '"id":17'));
		await expect(openCheckpoint({ path, create: () => header() })).rejects.toMatchObject({
			code: "corrupt",
			line: 102,
		});
	});
});
