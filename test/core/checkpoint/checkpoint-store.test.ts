import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
	CHECKPOINT_FORMAT,
	CHECKPOINT_VERSION,
	CheckpointError,
	openCheckpoint,
	readCheckpoint,
	summarizeCheckpoint,
} from "../../../src/core/checkpoint/index.js";
import type { RecordState } from "../../../src/model/records.js";
import { blocked, checkpointPerTest, created, existed, failed, header, linesOf, sent } from "./helpers.js";

let dir: string;
let path: string;
checkpointPerTest((made) => {
	({ dir, path } = made);
});

describe("openCheckpoint and readCheckpoint", () => {
	it("creates a versioned checkpoint from create() when there is none", async () => {
		const { store, resumed, recoveredFrom } = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			create: () => header(),
		});
		expect(resumed).toBe(false);
		expect(recoveredFrom).toBeUndefined();
		expect(store.header).toEqual(header());
		const [first, ...journal] = linesOf(path);
		expect(journal).toEqual([]);
		expect(JSON.parse(first ?? "")).toMatchObject({
			format: CHECKPOINT_FORMAT,
			version: CHECKPOINT_VERSION,
			header: { runId: "run-0001", keyFingerprint: "sha256:0123456789abcdef" },
		});
		await store.close();
	});

	it("round-trips every state, the counters and the header, through the journal and a compaction", async () => {
		const { store } = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			create: () => header(),
			now: () => Date.UTC(2025, 0, 31),
		});
		store.set("customers", "c1", created("cus_1"));
		store.set("customers", "c2", existed("cus_2"));
		store.set("customers", "c3", failed());
		store.set("contacts", "c3/a@example.com", blocked("c3"));
		store.set("onboardings", "c1/1", sent(2));
		store.addCounters({ requests: 5, rateLimited: 1, lookups: 2 });
		store.flush();

		// Before compaction: snapshot plus journal.
		const fromJournal = await readCheckpoint(path);
		// After: the snapshot alone, a line per record after the line that heads it.
		store.compact();
		const [head, ...snapshot] = linesOf(path);
		expect(JSON.parse(head ?? "")).toMatchObject({ version: CHECKPOINT_VERSION, records: 5 });
		expect(snapshot.map((line) => (JSON.parse(line) as { k: string }).k)).toEqual([
			"c1",
			"c2",
			"c3",
			"c3/a@example.com",
			"c1/1",
		]);
		const fromSnapshot = await readCheckpoint(path);
		await store.close();

		for (const data of [fromJournal, fromSnapshot]) {
			expect(data?.header).toEqual(header());
			expect(data?.records.customers.get("c1")).toEqual(created("cus_1"));
			expect(data?.records.customers.get("c2")).toEqual(existed("cus_2"));
			expect(data?.records.customers.get("c3")).toEqual(failed());
			expect(data?.records.contacts.get("c3/a@example.com")).toEqual(blocked("c3"));
			expect(data?.records.onboardings.get("c1/1")).toEqual(sent(2));
			expect(data?.counters).toMatchObject({ requests: 5, rateLimited: 1, retries: 0, lookups: 2 });
			expect(data?.updatedAt).toBe("2025-01-31T00:00:00.000Z");
		}
	});

	it("resumes with every state, including keys that look like object internals", async () => {
		const first = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		const keys = ["__proto__", "constructor", "hasOwnProperty", 'ü/ñ\n"quoted"', "42"];
		for (const [i, key] of keys.entries()) first.store.set("customers", key, created(`cus_${i}`));
		// No close(): a resume must not depend on a clean shutdown.

		const second = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			create: () => {
				throw new Error("create() must not be called on resume");
			},
		});
		expect(second.resumed).toBe(true);
		expect([...second.store.entries("customers")]).toEqual(keys.map((key, i) => [key, created(`cus_${i}`)]));
		expect(Object.getPrototypeOf(second.store.counters())).toBe(Object.prototype);
		await second.store.close();
	});

	it("resolves undefined when reading a checkpoint that does not exist", async () => {
		expect(await readCheckpoint(join(dir, "none.json"))).toBeUndefined();
	});

	it("ignores a torn last line, and the next writes do not extend it", async () => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		store.set("customers", "c1", created("cus_1"));
		// What a kill in the middle of a write leaves: part of a line, no newline, mid-character.
		const torn = Buffer.from('{"t":1,"p":"customers","k":"c2","v":{"s":"done","outcome":"created","id":"é');
		fs.appendFileSync(path, torn.subarray(0, torn.length - 1));

		const data = await readCheckpoint(path);
		expect([...(data?.records.customers.keys() ?? [])]).toEqual(["c1"]);

		const resumed = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		resumed.store.set("customers", "c3", created("cus_3"));
		const again = await readCheckpoint(path);
		expect([...(again?.records.customers.keys() ?? [])]).toEqual(["c1", "c3"]);
		await resumed.store.close();
	});

	it("with fresh, sets the old checkpoint and its backup aside and starts over", async () => {
		const old = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			create: () => header({ runId: "old-run" }),
		});
		old.store.set("customers", "c1", created("cus_1"));
		await old.store.close();
		await (await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() })).store.close(); // leaves a .bak
		expect(fs.existsSync(`${path}.bak`)).toBe(true);

		const now = () => Date.UTC(2025, 1, 1, 9, 30);
		const { store, resumed, setAside } = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			fresh: true,
			now,
			create: () => header({ runId: "new-run" }),
		});
		expect(resumed).toBe(false);
		expect(store.count("customers").total).toBe(0);
		expect(store.header.runId).toBe("new-run");
		const aside = `${path}.2025-02-01T09-30-00-000Z.old`;
		// Said where, for a way back (finding V11).
		expect(setAside).toBe(aside);
		expect((await readCheckpoint(aside))?.records.customers.get("c1")).toEqual(created("cus_1"));
		expect(fs.existsSync(`${aside}.bak`)).toBe(true);
		await store.close();

		// A second --fresh in the same millisecond must not overwrite the first set-aside file.
		const second = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			fresh: true,
			now,
			create: () => header(),
		});
		expect(second.setAside).toBe(`${aside}-2`);
		await second.store.close();
		expect(fs.existsSync(`${aside}-2`)).toBe(true);
		expect((await readCheckpoint(aside))?.header.runId).toBe("old-run");
	});

	it("refuses a header that would store the key or credentials", async () => {
		const attempt = (overrides: Parameters<typeof header>[0]) =>
			openCheckpoint({ path, isOwnTakenOver: true, create: () => header(overrides) });
		await expect(attempt({ keyFingerprint: "pivotal_live_abcdef0123456789" })).rejects.toMatchObject({
			code: "invalid-header",
		});
		await expect(attempt({ baseUrl: "https://user:secret@example.com/api/v1" })).rejects.toBeInstanceOf(
			CheckpointError,
		);
		expect(fs.existsSync(path)).toBe(false);
	});

	it("writes nothing but the fingerprint of the key", async () => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		store.set("customers", "c1", created("cus_1"));
		await store.close();
		const text = fs.readFileSync(path, "utf8");
		expect(text).toContain("sha256:0123456789abcdef");
		expect(text).not.toMatch(/pivotal_(test_)?[A-Za-z0-9]/);
	});

	it("refuses a malformed state rather than write a line the loader would reject", async () => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		const bad = { s: "failed", status: undefined, code: "x", message: "y", attempts: 1, retryable: false };
		expect(() => store.set("customers", "c1", bad as unknown as RecordState)).toThrow(TypeError);
		expect(linesOf(path)).toHaveLength(1);
		expect(store.count("customers").total).toBe(0);
		await store.close();
	});

	it("refuses use after close", async () => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		await store.close();
		await store.close();
		expect(() => store.set("customers", "c1", sent())).toThrow(
			expect.objectContaining({ name: "CheckpointError", code: "closed" }),
		);
	});
});

describe("the lock", () => {
	it("refuses a checkpoint another running process has open, and takes over a dead one's", async () => {
		fs.writeFileSync(`${path}.lock`, `${process.ppid}\n`);
		const error = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }).catch(
			(e: unknown) => e,
		);
		expect(error).toMatchObject({ name: "CheckpointError", code: "locked" });
		expect((error as Error).message).toContain(`pid ${process.ppid}`);
		expect(fs.existsSync(path)).toBe(false);

		const dead = spawnSync(process.execPath, ["-e", ""]).pid;
		fs.writeFileSync(`${path}.lock`, `${dead}\n`);
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		expect(JSON.parse(fs.readFileSync(`${path}.lock`, "utf8"))).toMatchObject({ pid: process.pid });
		await store.close();
		expect(fs.existsSync(`${path}.lock`)).toBe(false);
	});
});

describe("counts", () => {
	it("stay right through overwrites, in the store and in summarizeCheckpoint", async () => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		store.set("customers", "a", sent());
		store.set("customers", "b", sent());
		store.set("customers", "c", sent());
		expect(store.count("customers")).toEqual({
			done: 0,
			created: 0,
			existed: 0,
			failed: 0,
			blocked: 0,
			inDoubt: 3,
			removed: 0,
			total: 3,
		});
		store.set("customers", "a", created("cus_a")); // sent → done
		store.set("customers", "b", failed("server_error", true)); // sent → failed
		store.set("customers", "b", existed("cus_b")); // failed → done (a resume retried it)
		store.set("customers", "a", failed()); // done → failed
		store.set("customers", "c", blocked("x")); // sent → blocked
		store.set("contacts", "a/x@example.com", sent());
		const expected = {
			done: 1,
			created: 0,
			existed: 1,
			failed: 1,
			blocked: 1,
			inDoubt: 0,
			removed: 0,
			total: 3,
		};
		expect(store.count("customers")).toEqual(expected);
		expect(store.count("contacts")).toMatchObject({ inDoubt: 1, total: 1 });
		expect(store.count("onboardings").total).toBe(0);
		await store.close();

		const summary = summarizeCheckpoint((await readCheckpoint(path))!);
		expect(summary.customers).toEqual(expected);
		expect(summary.contacts).toMatchObject({ inDoubt: 1, total: 1 });
	});
});

describe("compaction", () => {
	it("keeps the file bounded: the journal never outgrows max(compactEvery, 2 × records)", async () => {
		const { store } = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			compactEvery: 50,
			create: () => header(),
		});
		let maxLines = 0;
		for (let i = 0; i < 3000; i++) {
			// 200 records, each updated 15 times: the journal alone would be 3000 lines.
			store.set("customers", `c${i % 200}`, { s: "sent", attempts: i });
			if (i % 50 === 0) maxLines = Math.max(maxLines, linesOf(path).length);
		}
		// The snapshot's 200 record lines, and a journal of at most twice as many.
		expect(maxLines).toBeLessThanOrEqual(1 + 200 + 400 + 1);
		expect(fs.statSync(path).size).toBeLessThan(2 * fs.statSync(`${path}.bak`).size + 400 * 80);
		await store.close();
		expect(linesOf(path)).toHaveLength(1 + 200);
		// No line grows with the records: the longest is the one that heads the snapshot.
		expect(Math.max(...linesOf(path).map((line) => line.length))).toBeLessThan(600);
		const data = await readCheckpoint(path);
		expect(data?.records.customers.size).toBe(200);
		expect(data?.records.customers.get("c199")).toEqual({ s: "sent", attempts: 2999 });
	});

	it("by default a first pass of 5,000 records (a mark and an answer each) is journalled whole, compacted once at its close", async () => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		for (let i = 0; i < 5_000; i++) {
			store.set("customers", `c${i}`, sent());
			store.set("customers", `c${i}`, created(`cus_${i}`));
		}
		// No compaction on the way (none left a backup): the header and the 10,000 journal lines.
		expect(fs.existsSync(`${path}.bak`)).toBe(false);
		expect(linesOf(path)).toHaveLength(1 + 10_000);
		await store.close();
		expect(linesOf(path)).toHaveLength(1 + 5_000);
		expect((await readCheckpoint(path))?.records.customers.get("c4999")).toEqual(created("cus_4999"));
	});

	it("buffers counters until the next set or flush, and compaction keeps them", async () => {
		const { store } = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			compactEvery: 2,
			create: () => header(),
		});
		store.addCounters({ requests: 1 });
		store.addCounters({ requests: 2, retries: 1 });
		expect(linesOf(path)).toHaveLength(1);
		expect(store.counters()).toMatchObject({ requests: 3, retries: 1 });
		store.set("customers", "c1", sent());
		expect((await readCheckpoint(path))?.counters).toMatchObject({ requests: 3, retries: 1 });
		store.addCounters({ requests: 1 });
		store.flush();
		store.addCounters({ requests: 1 });
		store.set("customers", "c2", sent()); // third journal line: compacts
		expect(linesOf(path)).toHaveLength(1 + 2);
		expect((await readCheckpoint(path))?.counters).toMatchObject({ requests: 5, retries: 1 });
		expect(() => store.addCounters({ requests: Number.NaN })).toThrow(TypeError);
		await store.close();
	});
});
