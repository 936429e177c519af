import { writeFileSync } from "node:fs";
import { join } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { detectEncoding } from "../../src/source/detect-encoding.js";
import { tempDir } from "../support/temp-dirs.js";

const dir = tempDir("pivotal-detect-");
const file = (name: string, bytes: Uint8Array | string): string => {
	const path = join(dir, name);
	writeFileSync(path, bytes);
	return path;
};

describe("the encoding the wizard offers before the mapping step", () => {
	it("windows-1252 bytes: windows-1252 (or a code page chardet prefers), never UTF-8", async () => {
		const text = "external_id,name\nw-1,Société Générale\nw-2,Müller Maschinenbau GmbH\nw-3,Café Crème\n";
		// A short sample leaves chardet unsure between Latin code pages: the wizard lists the others too.
		expect(await detectEncoding(file("w.csv", iconv.encode(text, "windows-1252")))).toMatch(
			/^(windows-1252|iso-8859-\d+)$/,
		);
		expect(
			await detectEncoding(join(import.meta.dirname, "../../fixtures/exports/windows-1252/customers.csv")),
		).toBe("windows-1252");
	});

	it("UTF-8, a BOM, a workbook, a missing file: nothing to ask", async () => {
		expect(await detectEncoding(file("u.csv", "name\nSociété Générale\n"))).toBeUndefined();
		expect(
			await detectEncoding(file("b.csv", Buffer.from([0xff, 0xfe, 0x41, 0x00, 0xe9, 0x00]))),
		).toBeUndefined();
		expect(await detectEncoding(file("x.xlsx", Buffer.from([0xe9, 0xe9])))).toBeUndefined();
		expect(await detectEncoding(join(dir, "none.csv"))).toBeUndefined();
	});

	it("a UTF-8 character cut by the end of the sample is not a fault", async () => {
		// 1 MiB - 1 bytes of ASCII, then "é" (2 bytes): the sample ends inside it.
		const bytes = Buffer.concat([Buffer.alloc(1024 * 1024 - 1, 0x61), Buffer.from("é\n", "utf8")]);
		expect(await detectEncoding(file("cut.csv", bytes))).toBeUndefined();
	});
});
