/**
 * The snapshot's digest of its record lines: a load takes the lines as written, unparsed, when
 * the digest is theirs, and reads exactly what a full check reads; a damaged line, whatever the
 * fast path made of it, is refused as before, and a file whose lines are sound but whose digest
 * is not (an edit) is read as before.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { linesOfBytes } from "../../../src/core/checkpoint/checkpoint-lines.js";
import { takeDoneLine } from "../../../src/core/checkpoint/fast-lines.js";
import { openCheckpoint, readCheckpoint } from "../../../src/core/checkpoint/index.js";
import { parseCheckpointLines } from "../../../src/core/checkpoint/parse-checkpoint.js";
import { StateMap } from "../../../src/core/checkpoint/state-map.js";
import { blocked, checkpointPerTest, createdWithValues, existed, failed, header } from "./helpers.js";

let path: string;
checkpointPerTest((made) => {
	path = made.path;
});

const withValues = createdWithValues;

async function written(): Promise<string> {
	const { store } = await openCheckpoint({ path, create: () => header() });
	store.set("customers", "c1", withValues("cus_1", "Acme"));
	store.set("customers", "c2", existed("cus_2"));
	store.set("customers", "c/3 \u00e9", withValues("cus_3", 'Café \u2013 "quoted"'));
	store.set("customers", 'c"4', withValues("cus_4", "Quote in key"));
	store.set("customers", "c5", failed());
	store.set("contacts", "c1/a@x.test", blocked("c1"));
	store.set("onboardings", "c1/name:Rollout", withValues("onb_1", "Rollout"));
	store.compact();
	await store.close();
	return fs.readFileSync(path, "utf8");
}

function parsed(text: string, trustDigest: boolean) {
	const { data } = parseCheckpointLines(linesOfBytes(Buffer.from(text)), path, trustDigest);
	return {
		records: Object.fromEntries(
			Object.entries(data.records).map(([pass, map]) => [pass, [...map.entries()].sort()]),
		),
		tallies: Object.fromEntries(
			Object.entries(data.records).map(([pass, map]) => [
				pass,
				(map as unknown as { tally(): unknown }).tally(),
			]),
		),
		counters: data.counters,
	};
}

describe("the snapshot's digest of its record lines", () => {
	it("is written with the snapshot; a load that trusts it reads exactly what a full check reads", async () => {
		const text = await written();
		const first = JSON.parse(text.slice(0, text.indexOf("\n")));
		expect(first.recordsSha256).toMatch(/^[0-9a-f]{64}$/);
		expect(first.recordsSha256).not.toBe("0".repeat(64));
		expect(parsed(text, true)).toEqual(parsed(text, false));
		// Which lines the fast path takes unparsed: done records with plain keys; the rest is parsed.
		const maps = { customers: new StateMap(), contacts: new StateMap(), onboardings: new StateMap() };
		const taken = text
			.trimEnd()
			.split("\n")
			.slice(1)
			.map((line) => takeDoneLine(Buffer.from(line), maps, () => expect.fail("no key twice")));
		expect(taken).toEqual([true, true, true, false, false, false, true]);
		expect(maps.customers.get("c1")).toEqual(withValues("cus_1", "Acme"));
		expect(maps.customers.tally()).toMatchObject({ created: 2, existed: 1 });
		const read = await readCheckpoint(path);
		expect(read?.records.customers.get("c/3 \u00e9")).toEqual(withValues("cus_3", 'Café \u2013 "quoted"'));
		expect(read?.records.customers.get('c"4')).toEqual(withValues("cus_4", "Quote in key"));
		expect(read?.records.onboardings.get("c1/name:Rollout")).toEqual(withValues("onb_1", "Rollout"));
	});

	it("refuses a damaged done line the fast path would take (its digest differs), naming the line", async () => {
		const text = await written();
		// Still a done line with its outcome before its values, but no longer JSON.
		const damaged = text.replace('"name":"Acme"', '"name":"Ac"e"');
		expect(damaged).not.toBe(text);
		fs.writeFileSync(path, damaged);
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: 2 });
		await expect(openCheckpoint({ path, create: () => header() })).rejects.toMatchObject({ code: "corrupt" });
	});

	it("refuses a done line whose state a full check refuses, though it reads as JSON", async () => {
		const text = await written();
		fs.writeFileSync(path, text.replace('"id":"cus_1"', '"id":1'));
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: 2 });
	});

	it.each([
		["a value edited (a flipped byte)", (t: string) => t.replace('"name":"Acme"', '"name":"Acne"')],
		[
			"two records' ids swapped",
			(t: string) =>
				t
					.replace('"id":"cus_1"', '"id":"cus_X"')
					.replace('"id":"cus_2"', '"id":"cus_1"')
					.replace('"id":"cus_X"', '"id":"cus_2"'),
		],
		[
			"a line cut off the snapshot",
			(t: string) => {
				const lines = t.split("\n");
				lines.splice(2, 1);
				return lines.join("\n");
			},
		],
	])("refuses sound-looking lines under a digest that is not theirs: %s", async (_, edit) => {
		const text = await written();
		const edited = edit(text);
		expect(edited).not.toBe(text);
		fs.writeFileSync(path, edited);
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt" });
		await expect(openCheckpoint({ path, create: () => header() })).rejects.toMatchObject({ code: "corrupt" });
	});

	it("names a digest that its records do not match as damage in its records, not at its first line", async () => {
		fs.writeFileSync(path, (await written()).replace('"name":"Acme"', '"name":"Acne"'));
		const refused = await openCheckpoint({ path, create: () => header() }).then(
			() => undefined,
			(error: unknown) => error as Error,
		);
		expect(refused?.message).toMatch(
			/^The checkpoint \S+ is damaged in its records \(the snapshot's records are not the ones it was written with: they do not match the digest its first line holds\) and /,
		);
	});

	it("takes no done line without its Pivotal id on trust", async () => {
		const text = await written();
		fs.writeFileSync(path, text.replace('"id":"cus_1",', ""));
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt", line: 2 });
	});

	it("a version-2 snapshot without the digest (an earlier writer) is read line by line, as before", async () => {
		const text = await written();
		const first = text.slice(0, text.indexOf("\n"));
		const withoutDigest = JSON.stringify({ ...JSON.parse(first), version: 2, recordsSha256: undefined });
		const older = `${withoutDigest}${text.slice(first.length)}`;
		expect(parsed(older, true)).toEqual(parsed(text, false));
	});

	it("a version-3 snapshot without its digest is refused at its first line, its records unproven", async () => {
		const text = await written();
		const first = text.slice(0, text.indexOf("\n"));
		for (const digest of [undefined, "0".repeat(64), "not hex"]) {
			const edited = JSON.stringify({ ...JSON.parse(first), recordsSha256: digest });
			fs.writeFileSync(path, `${edited}${text.slice(first.length)}`);
			const refused = await readCheckpoint(path).then(
				() => undefined,
				(error: unknown) => error as Error & { line?: number },
			);
			expect(refused).toMatchObject({ code: "corrupt", line: 1 });
			expect(refused?.message).toContain(
				"(the snapshot's first line lacks the digest of its records, which its version always holds)",
			);
		}
	});
});
