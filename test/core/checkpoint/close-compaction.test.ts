/**
 * A run's close compacts only a journal worth it: a refresh of a big state that changed a few
 * records leaves them in the journal (the next load reads them) instead of writing every record
 * again, and the next open writes on after them without rewriting the file either.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { CheckpointFileSystem } from "../../../src/core/checkpoint/index.js";
import { openCheckpoint, readCheckpoint } from "../../../src/core/checkpoint/index.js";
import { checkpointPerTest, created, header, linesOf } from "./helpers.js";

let path: string;
checkpointPerTest((made) => {
	({ path } = made);
});

/** A state of `records` customers in its snapshot alone, opened with a small allowance. */
async function bigState(records: number) {
	const opened = await openCheckpoint({ path, create: () => header(), compactEvery: 10 });
	for (let i = 0; i < records; i++) opened.store.set("customers", `c${i}`, created(`cus_${i}`));
	opened.store.compact();
	await opened.store.close();
	return openCheckpoint({ path, create: () => header(), compactEvery: 10 });
}

describe("the close's compaction", () => {
	it("a journal under an eighth of the snapshot stays; the next open writes on after it, and it all loads", async () => {
		const { store } = await bigState(100);
		const inode = fs.statSync(path).ino;
		for (let i = 0; i < 5; i++) store.set("customers", `c${i}`, created(`cus_new${i}`));
		store.compact({ ifWorthIt: true });
		await store.close();
		expect(linesOf(path)).toHaveLength(1 + 100 + 5);
		expect(fs.statSync(path).ino).toBe(inode);
		const before = fs.readFileSync(path);
		// Opened again: nothing rewritten, the next line chains on after the journal's last.
		const again = await openCheckpoint({ path, create: () => header(), compactEvery: 10 });
		expect(fs.readFileSync(path).equals(before)).toBe(true);
		again.store.set("customers", "c99", created("cus_last"));
		await again.store.close();
		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c0")).toEqual(created("cus_new0"));
		expect(read?.records.customers.get("c99")).toEqual(created("cus_last"));
		expect(read?.records.customers.size).toBe(100);
	});

	it("a journal of an eighth of the snapshot or more is compacted at the close", async () => {
		const { store } = await bigState(100);
		for (let i = 0; i < 13; i++) store.set("customers", `c${i}`, created(`cus_new${i}`));
		store.compact({ ifWorthIt: true });
		await store.close();
		expect(linesOf(path)).toHaveLength(1 + 100);
	});

	it("a small state is compacted at the close whatever its journal", async () => {
		const opened = await openCheckpoint({ path, create: () => header() });
		opened.store.set("customers", "c1", created("cus_1"));
		opened.store.compact({ ifWorthIt: true });
		await opened.store.close();
		expect(linesOf(path)).toHaveLength(2);
	});

	it("a journal past the allowance (a killed run's) is compacted when the state opens", async () => {
		const { store } = await bigState(4);
		for (let i = 0; i < 9; i++) store.set("customers", `c${i % 4}`, created(`cus_x${i}`));
		// The file as a kill would leave it: the close never ran.
		const killed = fs.readFileSync(path);
		await store.close();
		fs.writeFileSync(path, killed);
		expect(linesOf(path)).toHaveLength(1 + 4 + 9);
		// 4 records, an allowance of max(5, 2 × 4) = 8 lines: 9 are rewritten before anything else.
		const opened = await openCheckpoint({ path, create: () => header(), compactEvery: 5 });
		expect(linesOf(path)).toHaveLength(1 + 4);
		await opened.store.close();
		expect((await readCheckpoint(path))?.records.customers.get("c0")).toEqual(created("cus_x8"));
	});

	it("a close right after the compaction fsyncs nothing more; a line written after it is fsynced", async () => {
		let fsyncs = 0;
		const counted: CheckpointFileSystem = {
			...fs,
			fsyncSync: (fd) => {
				fsyncs += 1;
				fs.fsyncSync(fd);
			},
		};
		const opened = await openCheckpoint({ path, fs: counted, create: () => header() });
		opened.store.set("customers", "c1", created("cus_1"));
		opened.store.compact({ ifWorthIt: true });
		const afterCompaction = fsyncs;
		await opened.store.close();
		// The compaction fsynced its file and its folder: the close adds no third.
		expect(fsyncs).toBe(afterCompaction);
		// A journal line after the compaction, too short to compact at the close: fsynced there.
		const again = await openCheckpoint({ path, fs: counted, create: () => header(), compactEvery: 10 });
		for (let i = 0; i < 100; i++) again.store.set("customers", `c${i}`, created(`cus_${i}`));
		again.store.compact();
		again.store.set("customers", "c2", created("cus_new"));
		again.store.compact({ ifWorthIt: true });
		const beforeClose = fsyncs;
		await again.store.close();
		expect(linesOf(path)).toHaveLength(1 + 100 + 1);
		expect(fsyncs).toBe(beforeClose + 1);
		expect((await readCheckpoint(path))?.records.customers.get("c2")).toEqual(created("cus_new"));
	});
});
