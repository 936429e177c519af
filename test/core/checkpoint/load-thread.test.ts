/**
 * A state file's load with its snapshot's lines read on a thread (load-thread.ts) gives what the
 * load on the calling thread gives: every record in order with its text, the counts, failures,
 * counters, journal and the file's shape; and gives up (the caller then reads the file as before)
 * on any file that load would refuse or read line by line. The thread starts only from the built
 * module, so these tests load `dist/`, built before the tests run.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type * as LinesModule from "../../../src/core/checkpoint/checkpoint-lines.js";
import { openCheckpoint } from "../../../src/core/checkpoint/index.js";
import type * as ThreadModule from "../../../src/core/checkpoint/load-thread.js";
import type * as OpenModule from "../../../src/core/checkpoint/open-checkpoint.js";
import type * as ParseModule from "../../../src/core/checkpoint/parse-checkpoint.js";
import type { StateMap } from "../../../src/core/checkpoint/state-map.js";
import type { RecordState } from "../../../src/model/records.js";
import { blocked, checkpointPerTest, createdWithValues, existed, failed, header, sent } from "./helpers.js";

const built = (path: string): string =>
	new URL(`../../../dist/src/core/checkpoint/${path}`, import.meta.url).href;
const { parseCheckpointOnThread, LOAD_THREAD_BYTES: ThreadBytes } = (await import(
	built("load-thread.js")
)) as typeof ThreadModule;
const { parseCheckpointLines } = (await import(built("parse-checkpoint.js"))) as typeof ParseModule;
const { linesOfFile } = (await import(built("checkpoint-lines.js"))) as typeof LinesModule;
const { readCheckpoint: readBuilt } = (await import(built("open-checkpoint.js"))) as typeof OpenModule;
const { GENERATION } = (await import(
	built("state-map.js")
)) as typeof import("../../../src/core/checkpoint/state-map.js");
const { nodeFileSystem } = (await import(
	built("file-system.js")
)) as typeof import("../../../src/core/checkpoint/file-system.js");

let path: string;
checkpointPerTest((made) => {
	path = made.path;
});

const done = createdWithValues;

/** A state of every kind of line, `many` plain ones among them, with a journal when asked. */
async function written(many: number, journal: boolean): Promise<string> {
	const { store } = await openCheckpoint({ path, create: () => header() });
	for (let i = 0; i < many; i++) store.set("customers", `cus_${i}`, done(`c${i}`, `Name ${i} \u00e9`));
	store.set("customers", "c2", existed("cus_2"));
	store.set("customers", "c/3 \u00e9", done("cus_3", 'Café \u2013 "quoted"'));
	store.set("customers", 'c"4', done("cus_4", "Quote in key"));
	store.set("customers", "c5", failed());
	store.set("contacts", "cus_1/a@x.test", blocked("c1"));
	store.set("contacts", "cus_2/b@x.test", sent());
	for (let i = 0; i < many; i++) store.set("onboardings", `cus_${i}/name:Rollout`, done(`o${i}`, "Rollout"));
	store.compact();
	if (journal) {
		store.set("customers", "cus_1", done("c1", "Renamed"));
		store.set("customers", "c9", failed());
		store.flush();
	}
	// Read before the close, which would compact the journal into the snapshot.
	const text = fs.readFileSync(path, "utf8");
	await store.close();
	fs.writeFileSync(path, text);
	return text;
}

/** Everything a load gives, as plain values. */
function seen(parsed: Awaited<ReturnType<typeof parseCheckpointOnThread>>) {
	if (parsed === undefined) return undefined;
	const { data, ...shape } = parsed;
	const maps = data.records as Record<string, StateMap>;
	return {
		shape,
		header: data.header,
		counters: data.counters,
		updatedAt: data.updatedAt,
		records: Object.fromEntries(
			Object.entries(maps).map(([pass, map]) => [
				pass,
				{
					texts: [...map.texts()],
					states: [...map.entries()],
					tally: map.tally(),
					held: map.held(),
					unanswered: map.unansweredCreates(),
					failing: [...map.failing()].map(([key]) => key),
					ids: [...map.keys()].map((key) => map.doneId(key)),
				},
			]),
		),
	};
}

async function bothWays() {
	const onThread = { complete: 0, total: 0 };
	const here = { complete: 0, total: 0 };
	const threaded = await parseCheckpointOnThread(nodeFileSystem, path, onThread, 0);
	const calling = parseCheckpointLines(linesOfFile(nodeFileSystem, path, here), path, true);
	return { threaded: seen(threaded), calling: seen(calling), onThread, here };
}

describe("a state's load with its snapshot read on a thread", () => {
	it.each([
		["a snapshot alone", false],
		["a snapshot and its journal", true],
	])("gives what the load on the calling thread gives: %s", async (_, journal) => {
		await written(5000, journal);
		const { threaded, calling, onThread, here } = await bothWays();
		expect(threaded).toBeDefined();
		expect(threaded).toEqual(calling);
		expect(onThread).toEqual(here);
		expect(calling?.shape.journalLines).toBe(journal ? 2 : 0);
	});

	it("gives up on a file that load refuses or reads line by line, which the caller then reads as before", async () => {
		const text = await written(10, true);
		const edits: [string, string][] = [
			["a value edited under the digest", text.replace('"name":"Name 2 \u00e9"', '"name":"Name 7 \u00e9"')],
			["a line that is not JSON", text.replace('"name":"Name 2 \u00e9"', '"name":"Na"me"')],
			[
				"a record line gone",
				text
					.split("\n")
					.filter((_, i) => i !== 3)
					.join("\n"),
			],
			[
				"a key twice",
				(() => {
					const lines = text.split("\n");
					lines.splice(3, 1, lines[2]!);
					return lines.join("\n");
				})(),
			],
			["the snapshot cut short", text.slice(0, text.indexOf("\n", text.indexOf("\n") + 1) + 1)],
			[
				"an older version without the digest",
				text.replace('"version":3', '"version":2').replace(/"recordsSha256":"[0-9a-f]+",?/, ""),
			],
			["an empty file", ""],
		];
		for (const [what, edited] of edits) {
			expect(edited, what).not.toBe(text);
			fs.writeFileSync(path, edited);
			expect(
				await parseCheckpointOnThread(nodeFileSystem, path, { complete: 0, total: 0 }, 0),
				what,
			).toBeUndefined();
		}
	});

	it("hashes a snapshot read in many pieces as the calling thread does: a byte changed in its last piece is refused", async () => {
		const text = await written(20_000, true);
		// Read by the thread a MiB at a time: the digest spans many pieces of shared memory.
		expect(Buffer.byteLength(text)).toBeGreaterThan(4 * 1024 * 1024);
		const { threaded, calling } = await bothWays();
		expect(threaded).toBeDefined();
		expect(threaded).toEqual(calling);
		const last = text.lastIndexOf('"name":"Rollout"');
		expect(last).toBeGreaterThan(text.length - 1024 * 1024);
		fs.writeFileSync(path, `${text.slice(0, last)}"name":"Rollouu"${text.slice(last + 16)}`);
		expect(await parseCheckpointOnThread(nodeFileSystem, path, { complete: 0, total: 0 }, 0)).toBeUndefined();
	});

	it("leaves a small file to the calling thread", async () => {
		await written(10, false);
		expect(await parseCheckpointOnThread(nodeFileSystem, path, { complete: 0, total: 0 })).toBeUndefined();
		expect(await parseCheckpointOnThread(nodeFileSystem, path, { complete: 0, total: 0 }, 0)).toBeDefined();
	});

	it("answers which states hold a part as the calling thread's load does, before and after states are set", async () => {
		const { store } = await openCheckpoint({ path, create: () => header() });
		const generation = (i: number) => ({ ...done(`c${i}`, `Name ${i}`), g: 2 }) as RecordState;
		const inValues = (i: number) =>
			({ ...done(`c${i}`, `Name ${i}`), v: { name: `Name ${i}`, metadata: { g: 1 } } }) as RecordState;
		for (let i = 0; i < 60_000; i++)
			store.set(
				"customers",
				`cus_${i}`,
				i % 997 === 0 ? generation(i) : i % 1009 === 0 ? inValues(i) : done(`c${i}`, `Name ${i}`),
			);
		store.compact();
		await store.close();
		const threaded = await parseCheckpointOnThread(nodeFileSystem, path, { complete: 0, total: 0 }, 0);
		const calling = parseCheckpointLines(linesOfFile(nodeFileSystem, path), path, true);
		expect(threaded).toBeDefined();
		const there = threaded!.data.records.customers as StateMap;
		const here = calling.data.records.customers as StateMap;
		// The loader's own part: the answers it gave as it loaded are the ones read.
		const part = GENERATION;
		expect(part.toString()).toBe('"g":');
		// In the load's order (as a refresh asks), so that the answers remembered for it are read.
		const answers = (map: StateMap) => [...here.keys()].map((key) => map.textHolds(key, part, 1));
		const truth = (map: StateMap) => [...here.keys()].map((key) => map.textOf(key)?.includes('"g":'));
		expect(answers(there)).toEqual(truth(here));
		expect(answers(there)).toEqual(answers(here));
		expect(answers(there).filter(Boolean).length).toBe(61 + 59);
		for (const map of [there, here]) {
			map.set("cus_997", done("c997", "No longer"));
			map.set("cus_5", generation(5));
			map.set("cus_new", generation(70_000));
		}
		expect(there.textHolds("cus_997", part, 1)).toBe(false);
		expect(there.textHolds("cus_5", part, 1)).toBe(true);
		expect(there.textHolds("cus_new", part, 1)).toBe(true);
		expect(answers(there)).toEqual(truth(there));
		expect(answers(here)).toEqual(truth(here));
	});

	it("is how readCheckpoint loads a state of 16 MiB or more, and a damaged one is refused as before", async () => {
		const text = await written(50_000, true);
		expect(text.length).toBeGreaterThan(ThreadBytes);
		const read = await readBuilt(path);
		const here = parseCheckpointLines(linesOfFile(nodeFileSystem, path), path, true);
		expect(seen({ ...here, data: read! } as typeof here)?.records).toEqual(seen(here)?.records);
		expect(read?.counters).toEqual(here.data.counters);
		fs.writeFileSync(path, text.replace('"name":"Name 2 \u00e9"', '"name":"Name 7 \u00e9"'));
		const refused = await readBuilt(path).then(
			() => undefined,
			(error: unknown) => error as Error & { code?: string },
		);
		expect(refused?.code).toBe("corrupt");
		expect(refused?.message).toContain(
			"the snapshot's records are not the ones it was written with: they do not match the digest its first line holds",
		);
	});
});
