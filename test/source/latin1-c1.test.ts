import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { formatProblem, sampleFile, validateSources } from "../../src/source/index.js";
import { encodingOffer } from "../../src/ui/model/encoding-offer.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { tempDir } from "../support/temp-dirs.js";

/** A windows-1252 file: 0x92 is ’ there, a C1 control in Latin-1; 0xE9 is é in both. */
async function file1252(rowsBefore = 0): Promise<string> {
	const lines = ["external_id,name"];
	for (let i = 0; i < rowsBefore; i++) lines.push(`a${i},Plain ${i}`);
	const head = Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1");
	const tail = Buffer.concat([
		Buffer.from("c1,O", "latin1"),
		Buffer.from([0x92]),
		Buffer.from("Brien Ltd\r\nc2,Soci", "latin1"),
		Buffer.from([0xe9]),
		Buffer.from("t", "latin1"),
		Buffer.from([0xe9]),
		Buffer.from(" G", "latin1"),
		Buffer.from([0xe9]),
		Buffer.from("n", "latin1"),
		Buffer.from([0xe9]),
		Buffer.from("rale\r\n", "latin1"),
	]);
	const path = join(await tempDir("pivotal-latin1-"), "customers.csv");
	await writeFile(path, Buffer.concat([head, tail]));
	return path;
}

describe("bytes 0x80–0x9F read as Latin-1", () => {
	it("are refused with a sentence suggesting windows-1252; windows-1252 reads them", async () => {
		const path = await file1252();
		const latin1 = await validateSources({ customers: path }, { encoding: "latin1" });
		expect(latin1.problems.map((p) => formatProblem(p))).toEqual([
			`${path}:2: this line has a byte that latin1 reads as an invisible control character (0x92 at byte 22); the file is most likely windows-1252 (where that byte is a letter or sign such as ’ or €): use --encoding windows-1252.`,
		]);
		const cp1252 = await validateSources({ customers: path }, { encoding: "windows-1252" });
		expect(cp1252.problems).toEqual([]);
	});
});

describe("the wizard's encoding step", () => {
	it("previews the rows that differ between the choices, wherever they are in the file", async () => {
		const path = await file1252(40);
		expect((await sampleFile(path, { encoding: "windows-1252" })).rows[0]).toEqual(["a0", "Plain 0"]);
		const folder = await tempDir("pivotal-latin1-");
		const services = nodeServices({
			folder,
			baseUrl: "http://127.0.0.1:9",
			env: {},
			settings: createSettings({ cwd: join(folder, "settings") }),
		});
		const offer = await encodingOffer({ customers: path }, services, undefined);
		expect(offer?.detected).toBe("windows-1252");
		expect(offer?.previews["windows-1252"]).toEqual(["c1 · O’Brien Ltd", "c2 · Société Générale"]);
		expect(offer?.previews["UTF-8"]).toEqual([
			"c1 · O\uFFFDBrien Ltd",
			"c2 · Soci\uFFFDt\uFFFD G\uFFFDn\uFFFDrale",
		]);
		expect(offer?.previews.latin1?.[0]).toBe("c1 · O\u0092Brien Ltd");
	});
});
