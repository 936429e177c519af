/**
 * The snapshot's first line (run id, counters, header) is covered by a link of its own text, so an
 * edit of it is refused at load even when no journal line follows it (every finished, compacted
 * state), where the chain seeded from it has nothing to prove it with (adversarial finding K-F8).
 * A version-3 first line written before the cover (no `h` member) still loads, and gets one at
 * its next compaction.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCheckpoint, readCheckpoint } from "../../../src/core/checkpoint/index.js";
import { splitLink } from "../../../src/core/checkpoint/journal-chain.js";
import { runCli } from "../../support/cli.js";
import { checkpointPerTest, created, header, linesOf, sent } from "./helpers.js";

let dir: string;
let path: string;
checkpointPerTest((made) => {
	({ dir, path } = made);
});

/** A finished state: the snapshot alone (its records, counters and run id), no journal line. */
async function finished(): Promise<string[]> {
	const { store } = await openCheckpoint({ path, create: () => header({ runId: "45c146c853d7" }) });
	store.set("customers", "c1", created("cus_1"));
	store.set("customers", "c2", created("cus_2"));
	store.addCounters({ requests: 2, created: 38 });
	await store.close();
	const lines = linesOf(path);
	expect(lines).toHaveLength(3);
	return lines;
}

function writeLines(lines: readonly string[]): void {
	fs.writeFileSync(path, `${lines.join("\n")}\n`);
}

async function refusal(): Promise<{ code?: string; line?: number; message: string } | undefined> {
	return readCheckpoint(path).then(
		() => undefined,
		(e: unknown) => e as { code?: string; line?: number; message: string },
	);
}

describe("the snapshot's first line of a finished state", () => {
	it("ends with a link of its own text", async () => {
		const [first] = await finished();
		const split = splitLink(first ?? "");
		expect(split?.link).toMatch(/^[0-9a-f]{16}$/);
		expect(JSON.parse(first ?? "")).toMatchObject({ version: 3, records: 2 });
	});

	it.each([
		["its run id", (l: string) => l.replace('"runId":"45c146c853d7"', '"runId":"45c146c853d8"')],
		["a counter", (l: string) => l.replace('"created":38', '"created":3800')],
		["both (the adversary's edit)", (l: string) => l.replace("53d7", "53d8").replace(":38,", ":3800,")],
		["its base URL", (l: string) => l.replace("127.0.0.1:4010", "127.0.0.1:4011")],
		["its time", (l: string) => l.replace(/"updatedAt":"\d{4}/, '"updatedAt":"2999')],
		[
			"its link itself",
			(l: string) => l.replace(/"h":"([0-9a-f])/, (_m, c: string) => `"h":"${c === "0" ? "1" : "0"}`),
		],
		["its link made no link", (l: string) => l.replace(/"h":"[0-9a-f]{16}"/, '"h":"none"')],
	])("edited in %s: refused at load as damage at its first line", async (_what, edit) => {
		const lines = await finished();
		const edited = edit(lines[0] ?? "");
		expect(edited).not.toBe(lines[0]);
		writeLines([edited, ...lines.slice(1)]);
		const error = await refusal();
		expect(error).toMatchObject({ code: "corrupt", line: 1 });
		expect(error?.message).toContain(
			`The checkpoint ${path} is damaged at its first line (the snapshot's first line is not the one written: it does not match the link it ends with, so its run id, counters or header were edited or damaged) and its backup ${path}.bak is older`,
		);
		expect(error?.message).toContain(
			"; nothing was sent: repair it, or run again with --fresh to set it aside",
		);
		await expect(openCheckpoint({ path, create: () => header() })).rejects.toMatchObject({
			code: "corrupt",
			line: 1,
		});
		// Refused, never replaced: the file is as the edit left it.
		expect(linesOf(path)[0]).toBe(edited);
	});

	it("edited, through the binary: a dry run exits 2 naming the file and its first line", async () => {
		const lines = await finished();
		const customers = join(dir, "customers.csv");
		fs.writeFileSync(customers, "external_id,name\nc1,One\nc2,Two\n");
		writeLines([(lines[0] ?? "").replace("53d7", "53d8"), ...lines.slice(1)]);
		const run = await runCli(["import", customers, "--dry-run", "--headless"], {
			env: { PIVOTAL_API_URL: "http://127.0.0.1:4010/api/v1", PIVOTAL_API_KEY: undefined },
		});
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(
			/^The checkpoint \S+customers\.csv\.checkpoint\.json is damaged at its first line \(the snapshot's first line is not the one written/,
		);
		expect(run.stderr.split("\n")).toHaveLength(2);
	}, 60_000);

	it("written before the cover (version 3, no link member) still loads as it did, and gains one at its next compaction", async () => {
		const lines = await finished();
		const expected = await readCheckpoint(path);
		const older = `${splitLink(lines[0] ?? "")?.body}}`;
		expect(JSON.parse(older)).not.toHaveProperty("h");
		writeLines([older, ...lines.slice(1)]);
		expect(await readCheckpoint(path)).toEqual(expected);
		// A journal written on it as it is (no compaction before the first line) chains on it.
		const { store } = await openCheckpoint({ path, create: () => header() });
		store.set("customers", "c3", sent());
		await store.flush();
		expect(linesOf(path)[0]).toBe(older);
		expect((await readCheckpoint(path))?.records.customers.get("c3")).toEqual(sent());
		await store.close();
		expect(splitLink(linesOf(path)[0] ?? "")).toBeDefined();
		expect((await readCheckpoint(path))?.records.customers.size).toBe(3);
	});

	it("with a journal after it, the chain seeded from the covered line still proves both", async () => {
		await finished();
		const { store } = await openCheckpoint({ path, create: () => header() });
		store.set("customers", "c3", sent());
		await store.flush();
		const lines = linesOf(path);
		expect(lines).toHaveLength(4);
		expect((await readCheckpoint(path))?.records.customers.get("c3")).toEqual(sent());
		// The edit covered up with a new link of its own still breaks the chain after it.
		const body = splitLink(lines[0] ?? "")?.body ?? "";
		const forged = body.replace("53d7", "53d8");
		const link = createHash("sha256").update(forged).digest("hex").slice(0, 16);
		writeLines([`${forged},"h":"${link}"}`, ...lines.slice(1)]);
		expect(await refusal()).toMatchObject({ code: "corrupt", line: 4 });
		await store.close().catch(() => undefined);
	});
});
