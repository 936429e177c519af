import * as nodeFs from "node:fs";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
	type CheckpointFileSystem,
	openCheckpoint,
	readCheckpoint,
} from "../../../src/core/checkpoint/index.js";
import { created, header, linesOf, sent, tempDir } from "./helpers.js";

let cleanup: () => void;
let path: string;

beforeEach(() => {
	const made = tempDir();
	cleanup = made.cleanup;
	path = join(made.dir, "customers.csv.checkpoint.json");
});
afterEach(() => cleanup());

/** node:fs that counts writes and can be told to refuse them. */
function countingFs(): CheckpointFileSystem & { writes: number; isFailing: boolean } {
	const fs = {
		...nodeFs,
		writes: 0,
		isFailing: false,
		writeSync: (
			fd: number,
			buffer: NodeJS.ArrayBufferView,
			offset?: number,
			length?: number,
			position?: number | null,
		) => {
			if (fs.isFailing) throw Object.assign(new Error("ENOSPC: simulated"), { code: "ENOSPC" });
			fs.writes += 1;
			return nodeFs.writeSync(fd, buffer, offset, length, position);
		},
	};
	return fs as CheckpointFileSystem & { writes: number; isFailing: boolean };
}

describe("deferred updates", () => {
	it("are visible at once and reach the file together at the end of the turn", async () => {
		const fs = countingFs();
		const { store } = await openCheckpoint({ path, create: () => header(), fs });
		const before = fs.writes;
		for (let i = 0; i < 50; i++) store.set("customers", `c-${i}`, created(`id-${i}`), { isDeferred: true });
		expect(store.get("customers", "c-49")).toEqual(created("id-49"));
		expect(store.count("customers").created).toBe(50);
		expect(fs.writes).toBe(before);
		await nextTurn();
		expect(fs.writes).toBe(before + 1);
		const onDisk = await readCheckpoint(path);
		expect(onDisk?.records.customers.size).toBe(50);
		await store.close();
	});

	it("are written before the next immediate update, in order", async () => {
		const fs = countingFs();
		const { store } = await openCheckpoint({ path, create: () => header(), fs });
		store.set("customers", "a", sent(1), { isDeferred: true });
		store.set("customers", "a", created("id-a"), { isDeferred: true });
		store.set("customers", "b", sent(1));
		const lines = linesOf(path)
			.slice(1)
			.map((line) => JSON.parse(line) as { k: string; v: { s: string } });
		expect(lines.map((l) => [l.k, l.v.s])).toEqual([
			["a", "sent"],
			["a", "done"],
			["b", "sent"],
		]);
		await store.close();
	});

	it("that fail to write make the next update throw, so the caller stops", async () => {
		const fs = countingFs();
		const { store } = await openCheckpoint({ path, create: () => header(), fs });
		store.set("customers", "a", created("id-a"), { isDeferred: true });
		fs.isFailing = true;
		await nextTurn();
		fs.isFailing = false;
		expect(() => store.set("customers", "b", created("id-b"), { isDeferred: true })).toThrow(/ENOSPC/);
		expect(store.get("customers", "b")).toBeUndefined();
	});
});
