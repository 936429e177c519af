/**
 * Inputs built to hang or crash the reader: an endless stream of NUL bytes, a file without a
 * line break, a map nested 20,000 deep, and ids holding NUL or BEL. Each ends at once (the
 * bound: 60 s, for a loaded 2-core machine; measured well under 2 s) with one sentence that
 * names the file, line and column, exit 2, and no stack trace or raw control character.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

const BOUND_MS = 60_000;
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function dryRun(...args: string[]): Promise<CliResult> {
	return runCli(["import", ...args, "--dry-run"], {
		killAfterMs: BOUND_MS,
		env: { PIVOTAL_API_KEY: undefined },
	});
}

function expectRefused(result: CliResult, sentence: RegExp): void {
	const all = `${result.stdout}${result.stderr}`;
	expect(result.signal, `it hung: killed after ${BOUND_MS} ms`).toBeNull();
	expect(result.code, all).toBe(2);
	expect(all).toMatch(sentence);
	expect(all).not.toMatch(/Maximum call stack|unexpected error| {4}at /);
	expect(RAW_CONTROL.exec(all)?.[0]).toBeUndefined();
}

describe("inputs that would hang or crash the reader", { timeout: BOUND_MS + 10_000 }, () => {
	it.skipIf(!existsSync("/dev/zero"))(
		"item 14: /dev/zero as the customers file is refused as not a regular file, before it is read",
		async () => {
			expectRefused(
				await dryRun("/dev/zero"),
				/^\/dev\/zero: this is not a regular file \(a pipe or a device\), and an import reads its files more than once/m,
			);
		},
	);

	it("item 14: a file whose first line never ends is refused as no CSV header", async () => {
		const file = join(tempDir(), "one-line.csv");
		writeFileSync(file, "x".repeat(200 * 1024));
		expectRefused(
			await dryRun(file),
			/one-line\.csv:1:1: the first line runs past 64 KB without a line break/,
		);
	});

	it("item 14: a map nested 20,000 deep is one sentence, exit 2, not a stack overflow", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		writeFileSync(customers, "external_id,name\nr1,Acme\n");
		const map = join(dir, "map.json");
		writeFileSync(map, `{"customers":${'{"a":'.repeat(20_000)}1${"}".repeat(20_001)}`);
		expectRefused(
			await dryRun(customers, "--map", map),
			/map\.json:1:\d+: the map nests deeper than 16 levels here/,
		);
	});

	it("item 17: an id holding BEL or ESC names the character, not a space", async () => {
		const customers = join(tempDir(), "customers.csv");
		writeFileSync(customers, "external_id,name\nb\u0007,Bolt\nc\u001b[2J,Cove\n");
		const result = await dryRun(customers);
		expectRefused(result, /customers\.csv:2:1: external_id "b\\u0007" contains BEL \(\\x07\) at character 2/);
		const all = `${result.stdout}${result.stderr}`;
		expect(all).toMatch(
			/customers\.csv:3:1: external_id "c\\u001b\[2J" contains ESC \(\\x1b\) at character 2/,
		);
		expect(all).not.toMatch(/starts or ends with a space/);
	});

	it("item 17: a NUL in a cell names NUL bytes and where, not a space", async () => {
		const customers = join(tempDir(), "customers.csv");
		writeFileSync(customers, 'external_id,name\n"a\u0000",Acme\n');
		const result = await dryRun(customers);
		expectRefused(result, /customers\.csv:2:3: the file holds NUL bytes/);
		expect(`${result.stdout}${result.stderr}`).not.toMatch(/starts or ends with a space/);
	});
});
