import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
	BLOCK_BYTES,
	BlockHasher,
	type ByteBlocks,
	FileChangedError,
	VerifyTransform,
} from "../../src/source/byte-blocks.js";
import { readRecords, SourceFileError, validateSources } from "../../src/source/index.js";
import { tempDir } from "../support/temp-dirs.js";

const sha = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** Bytes that differ from block to block, so a changed block cannot hash as another. */
function bytesOf(length: number): Buffer {
	const bytes = Buffer.alloc(length);
	for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
	return bytes;
}

function blocksOf(bytes: Buffer, chunk: number): ByteBlocks {
	const hasher = new BlockHasher();
	for (let at = 0; at < bytes.length; at += chunk) hasher.update(bytes.subarray(at, at + chunk));
	return { ...hasher.digest(), size: bytes.length, mtimeMs: 0 };
}

async function through(bytes: Buffer, blocks: ByteBlocks): Promise<{ out: Buffer; error?: unknown }> {
	const parts: Buffer[] = [];
	const verify = new VerifyTransform(blocks);
	verify.on("data", (part: Buffer) => parts.push(part));
	const chunks: Buffer[] = [];
	for (let at = 0; at < bytes.length; at += 100_000) chunks.push(bytes.subarray(at, at + 100_000));
	try {
		await new Promise<void>((resolve, reject) => {
			verify.on("error", reject);
			verify.on("end", resolve);
			Readable.from(chunks).pipe(verify);
		});
		return { out: Buffer.concat(parts) };
	} catch (error) {
		return { out: Buffer.concat(parts), error };
	}
}

describe("BlockHasher", () => {
	it.each([0, 1, BLOCK_BYTES - 1, BLOCK_BYTES, 2 * BLOCK_BYTES + 5])(
		"notes the digest of every whole block's prefix and the whole file's (%i bytes), however it is chunked",
		(length) => {
			const bytes = bytesOf(length);
			const expected = {
				sha256: sha(bytes),
				prefixes: Array.from({ length: Math.floor(length / BLOCK_BYTES) }, (_, k) =>
					sha(bytes.subarray(0, (k + 1) * BLOCK_BYTES)),
				),
			};
			for (const chunk of [65_536, 1_000_003]) {
				const { sha256, prefixes } = blocksOf(bytes, chunk);
				expect({ sha256, prefixes }).toEqual(expected);
			}
		},
	);
});

describe("VerifyTransform", () => {
	const bytes = bytesOf(2 * BLOCK_BYTES + 12_345);
	const blocks = blocksOf(bytes, 256 * 1024);

	it("passes the same bytes on, all of them", async () => {
		const { out, error } = await through(bytes, blocks);
		expect(error).toBeUndefined();
		expect(out.equals(bytes)).toBe(true);
	});

	it.each([
		{ what: "a byte changed in the second block", at: BLOCK_BYTES + 10, released: BLOCK_BYTES },
		{ what: "a byte changed in the last, partial block", at: 2 * BLOCK_BYTES + 7, released: 2 * BLOCK_BYTES },
		{ what: "a byte changed in the first block", at: 3, released: 0 },
	])("stops at $what, having passed on only the blocks before it", async ({ at, released }) => {
		const changed = Buffer.from(bytes);
		changed[at] = changed[at]! ^ 1;
		const { out, error } = await through(changed, blocks);
		expect(error).toBeInstanceOf(FileChangedError);
		expect((error as FileChangedError).offset).toBe(released);
		expect(out.equals(bytes.subarray(0, released))).toBe(true);
	});

	it.each([
		{ what: "bytes added at the end", edit: (b: Buffer) => Buffer.concat([b, Buffer.from("x")]) },
		{ what: "the last byte cut", edit: (b: Buffer) => b.subarray(0, b.length - 1) },
		{ what: "cut at a block boundary", edit: (b: Buffer) => b.subarray(0, 2 * BLOCK_BYTES) },
	])("stops at $what, before the last block is passed on", async ({ edit }) => {
		const { out, error } = await through(edit(bytes), blocks);
		expect(error).toBeInstanceOf(FileChangedError);
		expect(out.length).toBe(2 * BLOCK_BYTES);
	});
});

describe("readRecords proving the bytes validation read", () => {
	it("yields the checked file's records; after an edit, none from the changed block on, then SourceFileError", async () => {
		const dir = tempDir("pivotal-tui-blocks-");
		const file = join(dir, "customers.csv");
		const rows = ["external_id,name,plan"];
		// About 11 MB: two whole blocks and a partial one.
		for (let i = 0; i < 120_000; i++) rows.push(`C${i},Customer number ${i} of a long file,plan-${i % 7}`);
		const text = `${rows.join("\n")}\n`;
		writeFileSync(file, text);
		const check = await validateSources({ customers: file });
		expect(check.problemCount).toBe(0);
		const known = check.known.customers;
		expect(known.bytes?.prefixes).toHaveLength(Math.floor(Buffer.byteLength(text) / BLOCK_BYTES));
		let count = 0;
		for await (const _ of readRecords(file, "customers", {}, known)) count++;
		expect(count).toBe(120_000);

		// Same length, one letter changed in the second block.
		const at = BLOCK_BYTES + 1000;
		writeFileSync(file, `${text.slice(0, at)}${text[at] === "x" ? "y" : "x"}${text.slice(at + 1)}`);
		const lines: number[] = [];
		const reading = (async () => {
			for await (const record of readRecords(file, "customers", {}, known)) lines.push(record.line);
		})();
		await expect(reading).rejects.toBeInstanceOf(SourceFileError);
		await expect(reading).rejects.toThrow(
			/changed after it was checked \(its bytes differ from byte 4194304 on\)/,
		);
		// Only rows that lie wholly in the first block reached the caller.
		const firstBlockRows = text.slice(0, BLOCK_BYTES).split("\n").length - 2;
		expect(lines.length).toBeLessThanOrEqual(firstBlockRows);
		expect(lines.length).toBeGreaterThan(0);
	});
});
