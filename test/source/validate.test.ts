import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, readRecords, validateSources } from "../../src/source/index.js";
import { generateDataset } from "../support/generate.js";
import { tempDir as sharedTempDir } from "../support/temp-dirs.js";

async function tempDir(): Promise<string> {
	return sharedTempDir("pivotal-validate-");
}

async function tempFile(name: string, content: string | Buffer): Promise<string> {
	const path = join(await tempDir(), name);
	await writeFile(path, content);
	return path;
}

describe("validateSources", () => {
	it("fingerprints are the SHA-256 of the bytes and change when one byte changes", async () => {
		const text = "external_id,name\nc1,Acme\n";
		const a = await tempFile("customers.csv", text);
		const b = await tempFile("customers.csv", text.replace("Acme", "Acmf"));
		const ca = await validateSources({ customers: a });
		const cb = await validateSources({ customers: b });
		expect(ca.fingerprints.customers).toBe(createHash("sha256").update(text).digest("hex"));
		expect(cb.fingerprints.customers).not.toBe(ca.fingerprints.customers);
		expect(ca.fingerprints.contacts).toBeUndefined();
		expect(ca.counts).toEqual({ customers: 1, contacts: 0, onboardings: 0 });
	});

	it("keeps at most maxProblems problems but counts them all", async () => {
		const rows = ["external_id,name,status"];
		for (let i = 0; i < 5000; i++) rows.push(`c${i},Name ${i},bogus`);
		const file = await tempFile("customers.csv", `${rows.join("\n")}\n`);
		const check = await validateSources({ customers: file }, { maxProblems: 50 });
		expect(check.problems).toHaveLength(50);
		expect(check.problemCount).toBe(5000);
		expect(check.invalidRows.customers).toBe(5000);
		expect(check.problems[0]!.line).toBe(2);
		expect(check.problems[49]!.line).toBe(51);
	});

	it("counts every repeated id even past the cap", async () => {
		const rows = ["external_id,name"];
		for (let i = 0; i < 3000; i++) rows.push(`same,Name ${i}`);
		const file = await tempFile("customers.csv", `${rows.join("\n")}\n`);
		const check = await validateSources({ customers: file }, { maxProblems: 10 });
		expect(check.problemCount).toBe(2999);
		expect(check.problems).toHaveLength(10);
		expect(check.problems[0]!.message).toContain("already used on line 2");
	});

	it("a missing file, a directory and an unreadable parent are problems at line 0, not throws", async () => {
		const dir = await tempDir();
		const missing = await validateSources({ customers: join(dir, "nope.csv") });
		expect(missing.problems).toHaveLength(1);
		expect(missing.problems[0]!.line).toBe(0);
		expect(formatProblem(missing.problems[0]!)).toBe(
			`${join(dir, "nope.csv")}: the file does not exist; check the path.`,
		);
		expect(missing.fingerprints.customers).toBeUndefined();
		const directory = await validateSources({ customers: dir });
		expect(directory.problems[0]!.message).toContain("is a directory");
		// The contacts cannot be checked against customers that could not be read: no flood of parent errors.
		const contacts = await tempFile("contacts.csv", "customer_external_id,name,email\nc1,Ann,ann@x.com\n");
		const both = await validateSources({ customers: join(dir, "nope.csv"), contacts });
		expect(both.problemCount).toBe(1);
	});

	it("an empty optional file is a problem; a header-only one is zero records", async () => {
		const customers = await tempFile("customers.csv", "external_id,name\nc1,A\n");
		const empty = await tempFile("contacts.csv", "");
		const headerOnly = await tempFile("onboardings.csv", "customer_external_id,name\n");
		const check = await validateSources({ customers, contacts: empty, onboardings: headerOnly });
		expect(check.problems.map((p) => [p.file, p.line])).toEqual([[empty, 1]]);
		expect(check.counts.onboardings).toBe(0);
	});

	it("reports row problems before a fatal quoting error, and fingerprints the whole file", async () => {
		const text = 'external_id,name,status\nc1,A,bogus\nc2,"B,active\nc3,C,active\n';
		const file = await tempFile("customers.csv", text);
		const check = await validateSources({ customers: file });
		expect(check.problems.map((p) => [p.line, p.message.slice(0, 20)])).toEqual([
			[2, 'status "bogus" is no'],
			[3, "a quoted cell in the"],
		]);
		expect(check.fingerprints.customers).toBe(createHash("sha256").update(text).digest("hex"));
		// Customers past the error are unknown, so contacts are not checked against a partial list.
		const contacts = await tempFile("contacts.csv", "customer_external_id,name,email\nc3,Ann,ann@x.com\n");
		expect((await validateSources({ customers: file, contacts })).problemCount).toBe(2);
	});

	it("UTF-8 characters cut by chunk boundaries are fine; bad bytes are reported per line", async () => {
		// 300k of two- and three-byte characters guarantees cuts at the 256 KiB read boundary.
		const rows = ["external_id,name"];
		for (let i = 0; i < 12_000; i++) rows.push(`c${i},Société Générale 東京 ${i}`);
		const valid = await tempFile("customers.csv", `${rows.join("\n")}\n`);
		const ok = await validateSources({ customers: valid });
		expect(ok.problemCount).toBe(0);

		const bytes = Buffer.from(await readFile(valid));
		const at = bytes.indexOf(Buffer.from("c9000,")) + 6;
		bytes[at] = 0xff;
		bytes[at + 3] = 0xc3; // lone lead byte: "Soc\xC3i..." on the same line
		const last = bytes.lastIndexOf(Buffer.from("c11999,")) + 7;
		bytes[last] = 0xe9;
		const bad = await tempFile("customers.csv", bytes);
		const check = await validateSources({ customers: bad });
		expect(check.problems.map((p) => p.line)).toEqual([9002, 12_001]);
		expect(check.problems[0]!.message).toContain("0xFF at byte");
		// Two bad sequences on one line are one thing to fix.
		expect(check.problemCount).toBe(2);
	});

	it("a file ending in the middle of a character is reported", async () => {
		const bytes = Buffer.concat([Buffer.from("external_id,name\nc1,Caf"), Buffer.from([0xc3])]);
		const check = await validateSources({ customers: await tempFile("customers.csv", bytes) });
		expect(check.problems.map((p) => [p.line, p.message.includes("UTF-8")])).toEqual([[2, true]]);
	});

	it("unknown columns get a suggestion when they differ only by case (outer spaces are trimmed)", async () => {
		const file = await tempFile("customers.csv", "external_id,Name ,metadata.tier\nc1,A,gold\n");
		const check = await validateSources({ customers: file });
		const messages = check.problems.map((p) => p.message);
		expect(messages).toHaveLength(2);
		expect(messages).toEqual(
			expect.arrayContaining([
				expect.stringContaining('column "Name" is not a customers column (did you mean "name"?)'),
				'required column "name" is missing from the header row; add it.',
			]),
		);
	});

	it("stops when the signal is aborted", async () => {
		const controller = new AbortController();
		controller.abort(new Error("stop"));
		const file = await tempFile("customers.csv", "external_id,name\nc1,A\n");
		await expect(validateSources({ customers: file }, { signal: controller.signal })).rejects.toThrow("stop");
	});
});

describe("generateDataset", () => {
	it("writes files that validate clean, deterministically", async () => {
		const dir = await tempDir();
		const files = await generateDataset({
			dir,
			customers: 1500,
			contactsPerCustomer: 3,
			onboardingsPerCustomer: 2,
			seed: 42,
			withSlugs: "some",
		});
		const check = await validateSources(files);
		expect(check.problems).toEqual([]);
		expect(check.counts).toEqual({ customers: 1500, contacts: 4500, onboardings: 3000 });
		const again = await generateDataset({
			dir: await tempDir(),
			customers: 1500,
			contactsPerCustomer: 3,
			onboardingsPerCustomer: 2,
			seed: 42,
			withSlugs: "some",
		});
		expect((await validateSources(again)).fingerprints).toEqual(check.fingerprints);
		let count = 0;
		for await (const record of readRecords(files.contacts, "contacts")) {
			expect(record.parentKey).toBeDefined();
			count++;
		}
		expect(count).toBe(4500);
	});

	it("can leave slugs out and varies with the seed", async () => {
		const a = await generateDataset({ dir: await tempDir(), customers: 50, seed: 1, withSlugs: false });
		const b = await generateDataset({ dir: await tempDir(), customers: 50, seed: 2, withSlugs: false });
		const header = (await readFile(a.customers, "utf8")).split("\n")[0]!;
		expect(header.split(",")).not.toContain("slug");
		const ca = await validateSources(a);
		const cb = await validateSources(b);
		expect(ca.problemCount + cb.problemCount).toBe(0);
		expect(ca.fingerprints.contacts).not.toBe(cb.fingerprints.contacts);
	});
});
