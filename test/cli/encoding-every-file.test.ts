/**
 * `--encoding` applies to every file. The advice that names it, followed for one file in a code
 * page, read the UTF-8 files through that code page too: every accented name reached Pivotal
 * garbled ("CafÃ© MÃ¼ller"), each row valid (adversarial finding Q16). A UTF-8 file read
 * through a code page is refused, naming its first accented character; and the advice names a
 * code page as the file's look only when the guess is sure (adversarial finding Q8).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

const env = { PIVOTAL_API_KEY: undefined };

describe("--encoding and files of more than one encoding", () => {
	it("refuses to read a UTF-8 file through the code page --encoding names, before anything is sent", async () => {
		const dir = tempDir("pivotal-encoding-");
		const customers = join(dir, "customers.csv");
		const contacts = join(dir, "contacts.csv");
		writeFileSync(customers, "external_id,name\nc1,Acme\nc2,Café Müller\n");
		writeFileSync(
			contacts,
			Buffer.concat([
				Buffer.from("customer_external_id,name,email\nc2,"),
				Buffer.from([0x4a, 0xe9, 0x72, 0xf4, 0x6d, 0x65]), // "Jérôme" in windows-1252
				Buffer.from(",jerome@cafe.example\n"),
			]),
		);
		const plain = await runCli(["import", customers, "--contacts", contacts, "--dry-run"], { env });
		expect(plain.code).toBe(2);
		expect(plain.stderr).toContain(
			`${contacts}:2: this line has bytes that are not valid UTF-8 (0xE9 at byte`,
		);
		// A file of a few bytes says too little to tell its code page: it is not said to look like one.
		expect(plain.stderr).not.toContain("(it looks like it)");
		const forced = await runCli(
			["import", customers, "--contacts", contacts, "--dry-run", "--encoding", "windows-1252"],
			{ env },
		);
		expect(forced.code).toBe(2);
		expect(forced.stderr).toContain(
			`${customers}:3:7: this file is UTF-8 (its first accented character is), but --encoding windows-1252 reads every file as windows-1252 and would garble it`,
		);
		expect(forced.stdout).not.toContain("CafÃ©");
	});

	it("reads a file of plain ASCII through the code page, and a code-page file with it", async () => {
		const dir = tempDir("pivotal-encoding-");
		const customers = join(dir, "customers.csv");
		writeFileSync(
			customers,
			Buffer.concat([
				Buffer.from("external_id,name\nc1,Acme\nc2,Caf"),
				Buffer.from([0xe9]),
				Buffer.from("\n"),
			]),
		);
		const result = await runCli(
			["import", customers, "--dry-run", "--verbose", "--encoding", "windows-1252"],
			{
				env,
			},
		);
		expect(result.stderr).toBe("");
		expect(result.stdout).toContain("Café");
	});
});
