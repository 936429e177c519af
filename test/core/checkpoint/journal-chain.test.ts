/**
 * The journal's chain (format version 3): every journal line is linked to the lines before it
 * and to its snapshot, so a line edited, removed, reordered or copied from another state is
 * refused at load, naming the line; a torn last line is still a kill's and ignored. Older files
 * (version 2, no links) still load, and a version-2 header does not pass links off as unchecked.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCheckpoint, readCheckpoint } from "../../../src/core/checkpoint/index.js";
import { splitLink } from "../../../src/core/checkpoint/journal-chain.js";
import { checkpointPerTest, created, existed, failed, header, linesOf, sent } from "./helpers.js";

let dir: string;
let path: string;
checkpointPerTest((made) => {
	({ dir, path } = made);
});

/** A state of two snapshot records (c1, c2) and a journal of six lines, left as a kill leaves it. */
async function journalled(at = path, runId = "run-0001"): Promise<string[]> {
	const { store } = await openCheckpoint({ path: at, create: () => header({ runId }) });
	store.set("customers", "c1", created("cus_1"));
	store.set("customers", "c2", created("cus_2"));
	store.compact();
	store.set("customers", "c3", sent());
	store.set("customers", "c3", created("cus_3"));
	store.set("customers", "c4", sent(), { isBeforeRequest: true });
	store.set("customers", "c5", sent(), { isDeferred: true });
	store.addCounters({ requests: 3 });
	store.flush();
	store.set("customers", "c4", failed());
	// The file as a kill here leaves it (close() would compact the journal away), lock released.
	const lines = linesOf(at);
	expect(lines).toHaveLength(1 + 2 + 6);
	await store.close();
	fs.writeFileSync(at, `${lines.join("\n")}\n`);
	return lines;
}

function write(lines: readonly string[], tail = ""): void {
	fs.writeFileSync(path, `${lines.join("\n")}\n${tail}`);
}

const BROKEN =
	"(this journal line does not follow from the lines before it: it, or a line before it, was edited, removed, reordered or copied from another state)";

describe("the journal's chain", () => {
	it("ends every journal line with its link, and a state written so loads whole", async () => {
		const lines = await journalled();
		for (const line of lines.slice(3)) expect(splitLink(line)?.link).toMatch(/^[0-9a-f]{16}$/);
		for (const line of lines.slice(1, 3)) expect(splitLink(line)).toBeUndefined();
		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c3")).toEqual(created("cus_3"));
		expect(read?.records.customers.get("c4")).toEqual(failed());
		expect(read?.records.customers.get("c5")).toEqual(sent());
		expect(read?.counters.requests).toBe(3);
	});

	it.each([
		[
			"an id edited in a line",
			(lines: string[]) => {
				lines[4] = (lines[4] ?? "").replace('"cus_3"', '"cus_1"');
				return 5;
			},
		],
		[
			"a line removed from the middle",
			(lines: string[]) => {
				lines.splice(4, 1);
				return 5;
			},
		],
		[
			"two lines swapped",
			(lines: string[]) => {
				[lines[5], lines[6]] = [lines[6] ?? "", lines[5] ?? ""];
				return 6;
			},
		],
		[
			"a line written twice",
			(lines: string[]) => {
				lines.splice(4, 0, lines[3] ?? "");
				return 5;
			},
		],
		[
			"the first line removed",
			(lines: string[]) => {
				lines.splice(3, 1);
				return 4;
			},
		],
	])("refuses %s, naming the line where the chain breaks", async (_what, damage) => {
		const lines = await journalled();
		const line = damage(lines);
		write(lines);
		const error = await readCheckpoint(path).then(
			() => undefined,
			(e: unknown) => e as { line?: number; message: string; code?: string },
		);
		expect(error).toMatchObject({ code: "corrupt", line });
		expect(error?.message).toContain(`${path} is damaged at line ${line} ${BROKEN}`);
		expect(error?.message).toContain(
			"nothing was sent: restore the state from a copy you trust, or run again with --fresh",
		);
		await expect(openCheckpoint({ path, create: () => header() })).rejects.toMatchObject({
			code: "corrupt",
			line,
		});
	});

	it("refuses a line copied from another import's state, or from this one before a compaction", async () => {
		const other = join(dir, "other.checkpoint.json");
		const theirs = await journalled(other, "run-0002");
		const ours = await journalled();
		// The same records and states, but linked to another snapshot: it fits nowhere here.
		write([...ours, theirs[3] ?? ""]);
		expect(theirs[3]).not.toBe(ours[3]);
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: ours.length + 1 });

		// This state's own line, kept from before a compaction, does not fit after it either.
		write(ours);
		const { store } = await openCheckpoint({ path, create: () => header() });
		store.set("customers", "c6", created("cus_6"));
		const after = linesOf(path);
		write([...after, ours[4] ?? ""]);
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: after.length + 1 });
		write(after);
		await store.close();
	});

	it("ignores a torn last line, resumes, and chains what it writes next onto the lines before it", async () => {
		const lines = await journalled();
		const torn = (lines[8] ?? "").slice(0, 30);
		write(lines.slice(0, 8), torn);
		const { store } = await openCheckpoint({ path, create: () => header() });
		// The torn line's update is not there; the one before it is.
		expect(store.get("customers", "c4")).toEqual(sent());
		store.set("customers", "c4", existed("cus_4"));
		store.set("customers", "c7", created("cus_7"));
		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c4")).toEqual(existed("cus_4"));
		expect(read?.records.customers.get("c7")).toEqual(created("cus_7"));
		await store.close();
	});

	it("loads a version-2 state, whose journal has no links, and rewrites it as the current version", async () => {
		const lines = await journalled();
		const head = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
		// As the previous version wrote it: version 2, its lines without links.
		const older = [
			JSON.stringify({ ...head, version: 2 }),
			...lines.slice(1, 3),
			...lines.slice(3).map((line) => `${splitLink(line)?.body}}`),
		];
		write(older);
		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c3")).toEqual(created("cus_3"));
		expect(read?.records.customers.get("c4")).toEqual(failed());
		expect(read?.counters.requests).toBe(3);
		const { store } = await openCheckpoint({ path, create: () => header() });
		store.set("customers", "c8", created("cus_8"));
		const [first, ...rest] = linesOf(path);
		expect(JSON.parse(first ?? "")).toMatchObject({ version: 3 });
		expect(splitLink(rest.at(-1) ?? "")).toBeDefined();
		expect((await readCheckpoint(path))?.records.customers.size).toBe(6);
		await store.close();

		// Version 2 without its digest too (an older writer still): read line by line.
		const { recordsSha256: _, ...withoutDigest } = head;
		write([JSON.stringify({ ...withoutDigest, version: 2 }), ...older.slice(1)]);
		expect((await readCheckpoint(path))?.records.customers.get("c4")).toEqual(failed());
	});

	it("refuses a version-3 state made to read as version 2, its links left in", async () => {
		const lines = await journalled();
		const head = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
		const { recordsSha256: _, ...withoutDigest } = head;
		write([JSON.stringify({ ...withoutDigest, version: 2 }), ...lines.slice(1)]);
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: 4 });
	});
});
