import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
	CHECKPOINT_VERSION,
	CheckpointError,
	openCheckpoint,
	readCheckpoint,
} from "../../../src/core/checkpoint/index.js";
import { checkpointPerTest, created, header, linesOf } from "./helpers.js";

let dir: string;
let path: string;
checkpointPerTest((made) => {
	({ dir, path } = made);
});

/** A checkpoint with a .bak (c1, c2) and a main file whose journal adds c3 and c4. */
async function checkpointWithBackup(): Promise<void> {
	const first = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
	first.store.set("customers", "c1", created("cus_1"));
	first.store.set("customers", "c2", created("cus_2"));
	first.store.compact(); // .bak now holds c1, c2 (as journal); the file, c1 and c2 as its snapshot
	first.store.set("customers", "c3", created("cus_3"));
	first.store.set("customers", "c4", created("cus_4"));
}

function damageLine(n: number, replacement: string): void {
	const lines = linesOf(path);
	lines[n - 1] = replacement;
	fs.writeFileSync(path, `${lines.join("\n")}\n`);
}

async function caught(promise: Promise<unknown>): Promise<CheckpointError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(CheckpointError);
	return error as CheckpointError;
}

describe("a damaged checkpoint", () => {
	it("with garbage in the middle and no backup: one sentence naming the file and --fresh", async () => {
		await checkpointWithBackup();
		fs.rmSync(`${path}.bak`);
		damageLine(2, "#@!garbage");
		const error = await caught(openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }));
		expect(error.code).toBe("corrupt");
		expect(error.line).toBe(2);
		expect(error.message).toContain(path);
		expect(error.message).toContain("--fresh");
		expect(error.message).toContain("no backup");
		expect(error.message.split(/[.;] /)).toHaveLength(2); // one sentence, two clauses
		// Nothing was replaced: the user can still inspect or repair the file.
		expect(fs.readFileSync(path, "utf8")).toContain("#@!garbage");
		await expect(readCheckpoint(path)).rejects.toMatchObject({ code: "corrupt" });
	});

	it("a damaged journal line with a backup beside: refused, naming the file, the line and the backup, never silently the older backup", async () => {
		await checkpointWithBackup();
		// Lines 2 and 3 are the snapshot's records c1 and c2; line 4 is the journal's c3.
		damageLine(4, '{"t":1,"p":"customers","k":"c3","v":{"s":"nonsense"}}');
		const damaged = fs.readFileSync(path);
		for (const attempt of [
			readCheckpoint(path),
			openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }),
		]) {
			const error = await caught(attempt);
			expect(error).toMatchObject({ code: "corrupt", line: 4 });
			expect(error.message).toBe(
				`The checkpoint ${path} is damaged at line 4 (this journal line carries no link to the line before it, which every journal line of its version holds) and its backup ${path}.bak is older and would forget what was sent since, so it is not used; nothing was sent: restore the state from a copy you trust, or run again with --fresh to set it aside (records already in Pivotal are then found, not created again).`,
			);
		}
		// Nothing was replaced or set aside.
		expect(fs.readFileSync(path)).toEqual(damaged);
		expect(fs.readdirSync(dir).sort()).toEqual([
			"customers.csv.checkpoint.json",
			"customers.csv.checkpoint.json.bak",
		]);
	});

	it("with recoverFromBackup asked for: loads the backup, keeps the damaged file, and reports recoveredFrom", async () => {
		await checkpointWithBackup();
		damageLine(4, '{"t":1,"p":"customers","k":"c3","v":{"s":"nonsense"}}');
		const damaged = fs.readFileSync(path);

		const read = await readCheckpoint(path, { recoverFromBackup: true });
		expect(read?.recoveredFrom).toBe(`${path}.bak`);
		expect(fs.readFileSync(path)).toEqual(damaged); // reading writes nothing

		const { store, resumed, recoveredFrom } = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			recoverFromBackup: true,
			now: () => Date.UTC(2025, 2, 3),
			create: () => header(),
		});
		expect(resumed).toBe(true);
		expect(recoveredFrom).toBe(`${path}.bak`);
		expect([...store.entries("customers")].map(([key]) => key)).toEqual(["c1", "c2"]);
		expect(fs.readFileSync(`${path}.2025-03-03T00-00-00-000Z.corrupt`)).toEqual(damaged);
		await store.close();
		expect((await readCheckpoint(path))?.recoveredFrom).toBeUndefined();
	});

	it("with recoverFromBackup false, refuses rather than load the older backup", async () => {
		await checkpointWithBackup();
		damageLine(3, "garbage");
		const error = await caught(
			openCheckpoint({ path, isOwnTakenOver: true, recoverFromBackup: false, create: () => header() }),
		);
		expect(error).toMatchObject({ code: "corrupt", line: 3 });
	});

	it("with a bad snapshot line and a bad backup: corrupt, naming both problems", async () => {
		await checkpointWithBackup();
		damageLine(1, '{"format":"pivotal-tui-checkpoint","version":1,"head');
		fs.writeFileSync(`${path}.bak`, "");
		const error = await caught(
			openCheckpoint({ path, isOwnTakenOver: true, recoverFromBackup: true, create: () => header() }),
		);
		expect(error).toMatchObject({ code: "corrupt", line: 1 });
		expect(error.message).toContain("is unusable too");
	});

	it("never recovers into the backup of another import", async () => {
		await checkpointWithBackup();
		const bak = fs.readFileSync(`${path}.bak`, "utf8").replace("run-0001", "run-9999");
		fs.writeFileSync(`${path}.bak`, bak);
		damageLine(3, "garbage");
		await expect(
			openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }),
		).rejects.toMatchObject({ code: "corrupt" });
	});

	it("an empty file is corrupt, not a new import", async () => {
		fs.writeFileSync(path, "");
		await expect(
			openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }),
		).rejects.toMatchObject({ code: "corrupt" });
	});

	it("a file that is not a checkpoint is left alone, even with a backup beside it", async () => {
		await checkpointWithBackup();
		fs.writeFileSync(path, "external_id,name\nc1,Acme\n");
		const error = await caught(openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }));
		expect(error.code).toBe("not-a-checkpoint");
		expect(error.message).toContain(path);
		fs.writeFileSync(path, '{"some":"json"}\n');
		expect((await caught(openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }))).code).toBe(
			"not-a-checkpoint",
		);
		expect(fs.readFileSync(path, "utf8")).toBe('{"some":"json"}\n');
	});

	it("a newer schema version asks for an upgrade", async () => {
		await checkpointWithBackup();
		const lines = linesOf(path);
		damageLine(
			1,
			(lines[0] ?? "").replace(`"version":${CHECKPOINT_VERSION}`, `"version":${CHECKPOINT_VERSION + 1}`),
		);
		const error = await caught(openCheckpoint({ path, isOwnTakenOver: true, create: () => header() }));
		expect(error.code).toBe("unsupported-version");
		expect(error.message).toMatch(/upgrade pivotal-tui/);
	});
});
