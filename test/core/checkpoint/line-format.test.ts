import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
	CHECKPOINT_VERSION,
	openCheckpoint,
	readCheckpoint,
	summarizeCheckpoint,
} from "../../../src/core/checkpoint/index.js";
import { recordLineHead } from "../../../src/core/checkpoint/parse-checkpoint.js";
import type { RecordState } from "../../../src/model/records.js";
import { appendChained } from "../../support/seal-state.js";
import { blocked, checkpointPerTest, created, failed, header, linesOf, sent } from "./helpers.js";

let path: string;
checkpointPerTest((made) => {
	path = made.path;
});

const withValues: RecordState = {
	s: "done",
	outcome: "created",
	id: "cus_9",
	attempts: 1,
	v: { name: "Acme “Ünïcode”", metadata: { tier: "gold" } },
	ch: [{ run: 2, before: { name: "Acme" }, after: { name: "Acme “Ünïcode”" } }],
};

/** A checkpoint as pivotal-tui wrote them before version 2: every record in the first line. */
function writeVersion1(): void {
	const snapshot = {
		format: "pivotal-tui-checkpoint",
		version: 1,
		updatedAt: "2025-02-01T00:00:00.000Z",
		header: header(),
		counters: { requests: 7, rateLimited: 0, retries: 1, created: 3, existed: 0, failed: 1, runs: 2 },
		records: {
			customers: { c1: created("cus_1"), __proto__: created("cus_2"), c9: withValues, c3: failed() },
			contacts: { "c3/a@example.com": blocked("c3") },
			onboardings: {},
		},
	};
	// JSON.stringify of an object literal would drop the `__proto__` key: spell the line out.
	const line = JSON.stringify(snapshot).replace(
		'"c1":',
		'"__proto__":{"s":"done","outcome":"created","id":"cus_2","attempts":1},"c1":',
	);
	const journal = JSON.stringify({ t: Date.UTC(2025, 1, 2), p: "onboardings", k: "c1/1", v: sent(2) });
	fs.writeFileSync(path, `${line}\n${journal}\n`);
}

describe("the checkpoint a record a line (version 2)", () => {
	it("still reads a version-1 file, whose snapshot is one line, and rewrites it a record a line", async () => {
		writeVersion1();
		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c1")).toEqual(created("cus_1"));
		expect(read?.records.customers.get("__proto__")).toEqual(created("cus_2"));
		expect(read?.records.customers.get("c9")).toEqual(withValues);
		expect(read?.records.contacts.get("c3/a@example.com")).toEqual(blocked("c3"));
		expect(read?.records.onboardings.get("c1/1")).toEqual(sent(2));
		expect(read?.counters).toMatchObject({ requests: 7, runs: 2 });
		expect(summarizeCheckpoint(read!).customers).toMatchObject({ done: 3, failed: 1, total: 4 });

		const { store, resumed } = await openCheckpoint({ path, create: () => header() });
		expect(resumed).toBe(true);
		const [head, ...records] = linesOf(path);
		expect(JSON.parse(head ?? "")).toMatchObject({ version: CHECKPOINT_VERSION, records: 6 });
		expect(records).toHaveLength(6);
		expect(store.get("customers", "c9")).toEqual(withValues);
		expect([...store.failing("customers")].map(([key]) => key)).toEqual(["c3"]);
		await store.close();

		const again = await readCheckpoint(path);
		for (const pass of ["customers", "contacts", "onboardings"] as const)
			expect(new Map(again?.records[pass])).toEqual(new Map(read?.records[pass]));
	});

	it("writes each record's line as recordLineHead, its state's JSON and a `}`, whatever its key holds", async () => {
		const { store } = await openCheckpoint({ path, create: () => header() });
		const keys = ['c"1', "c\\2", "Zoë/客户/🙂", "tab\there", "\u0000nul", "plain"];
		for (const [i, key] of keys.entries()) store.set("customers", key, created(`cus_${i}`));
		store.set("contacts", "plain/a@example.com", withValues);
		await store.close();
		const [, ...records] = linesOf(path);
		expect(records).toEqual([
			...keys.map((key, i) => `${recordLineHead("customers", key)}${JSON.stringify(created(`cus_${i}`))}}`),
			`${recordLineHead("contacts", "plain/a@example.com")}${JSON.stringify(withValues)}}`,
		]);
		const read = await readCheckpoint(path);
		for (const [i, key] of keys.entries())
			expect(read?.records.customers.get(key)).toEqual(created(`cus_${i}`));
	});

	it("refuses a snapshot cut short, naming the line where it ends", async () => {
		const { store } = await openCheckpoint({ path, create: () => header() });
		for (let i = 0; i < 10; i++) store.set("customers", `c${i}`, created(`cus_${i}`));
		await store.close();
		const lines = linesOf(path);
		expect(lines).toHaveLength(11);
		// A copy that lost its tail (a disk full while copying it by hand): records would be forgotten.
		fs.writeFileSync(path, `${lines.slice(0, 6).join("\n")}\n`);
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: 6 });
		await expect(openCheckpoint({ path, create: () => header() })).rejects.toMatchObject({ code: "corrupt" });
	});

	it("refuses a snapshot that holds one record twice, though its count still matches", async () => {
		const { store } = await openCheckpoint({ path, create: () => header() });
		for (let i = 0; i < 10; i++) store.set("customers", `c${i}`, created(`cus_${i}`));
		await store.close();
		const lines = linesOf(path);
		// c1's line spliced in again with another id, the last record's line dropped: the count holds.
		const spliced = [
			...lines.slice(0, 3),
			lines[2]?.replace('"cus_1"', '"cus_bogus"'),
			...lines.slice(3, 10),
		];
		expect(spliced).toHaveLength(11);
		fs.writeFileSync(path, `${spliced.join("\n")}\n`);
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: 4 });
		await expect(openCheckpoint({ path, create: () => header() })).rejects.toMatchObject({ code: "corrupt" });
	});

	it("writes on a clean file as it is, and a resume sees every update", async () => {
		const first = await openCheckpoint({ path, create: () => header() });
		for (let i = 0; i < 20; i++) first.store.set("customers", `c${i}`, created(`cus_${i}`));
		await first.store.close();
		const before = fs.statSync(path);

		const second = await openCheckpoint({ path, create: () => header() });
		// No compaction on open: the same file, not a copy renamed over it.
		expect(fs.statSync(path).ino).toBe(before.ino);
		expect(linesOf(path)).toHaveLength(21);
		second.store.set("customers", "c3", failed());
		second.store.set("contacts", "c3/b@example.com", blocked("c3"));
		// Killed here: no close(). The journal follows the snapshot.
		expect(linesOf(path)).toHaveLength(23);
		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c3")).toEqual(failed());
		expect(read?.records.customers.size).toBe(20);
		expect(read?.records.contacts.size).toBe(1);
		await second.store.close();
	});

	it("hands the records a readCheckpoint just read to the run that opens the same file", async () => {
		const first = await openCheckpoint({ path, create: () => header() });
		first.store.set("customers", "c1", created("cus_1"));
		await first.store.close();
		const read = await readCheckpoint(path);
		const { store } = await openCheckpoint({ path, create: () => header() });
		store.set("customers", "c2", created("cus_2"));
		// One copy in memory: the plan's view sees the run's update.
		expect(read?.records.customers.get("c2")).toEqual(created("cus_2"));
		await store.close();

		// Changed on disk since the read (another process's update): read again, never the stale records.
		const stale = await readCheckpoint(path);
		appendChained(path, { t: Date.now(), p: "customers", k: "c3", v: created("cus_3") });
		const other = await openCheckpoint({ path, create: () => header() });
		expect(other.store.get("customers", "c3")).toEqual(created("cus_3"));
		expect(stale?.records.customers.has("c3")).toBe(false);
		await other.store.close();
	});
});
