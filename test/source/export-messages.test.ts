import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unwrapExcelText } from "../../src/source/clean/index.js";
import { describeFormat } from "../../src/source/file-format.js";
import { formatProblem, readRecords, validateSources } from "../../src/source/index.js";
import { columnsFor } from "../../src/source/schema.js";
import { tempDir } from "../support/temp-dirs.js";

async function file(name: string, text: string): Promise<string> {
	const path = join(await tempDir("pivotal-export-messages-"), name);
	await writeFile(path, text);
	return path;
}

describe("unwrapExcelText", () => {
	it.each<[string, string]>([
		['="00123"', "00123"],
		['=""', ""],
		['="say ""hi"""', 'say "hi"'],
		['="a"&"b"', '="a"&"b"'],
		["=SUM(A1:A2)", "=SUM(A1:A2)"],
		["00123", "00123"],
		['"00123"', '"00123"'],
	])("%s → %s", (value, expected) => {
		expect(unwrapExcelText(value)).toBe(expected);
	});

	it('reads ="00123" cells of a CSV as 00123', async () => {
		const path = await file("customers.csv", 'external_id,name\n"=""00123""",Acme\n"=""00124""",Globex\n');
		const ids: string[] = [];
		for await (const record of readRecords(path, "customers")) ids.push(record.key);
		expect(ids).toEqual(["00123", "00124"]);
	});
});

describe("messages quote what the user wrote", () => {
	it("a domain that is only a scheme is quoted as written", () => {
		const domain = columnsFor("customers").find((s) => s.name === "domain")!;
		expect(domain.check!("http://", "Website")).toBe(
			'Website "http://" is not a bare host name (no scheme, path, port or spaces); write only the host, e.g. "acme.com".',
		);
	});

	it("a parent cell holding several ids (HubSpot's Associated Company IDs) says only one can be the parent", async () => {
		const customers = await file("customers.csv", "external_id,name\n9001,Acme\n9002,Globex\n");
		const contacts = await file(
			"contacts.csv",
			"customer_external_id,name,email\n9001;9002,Ann,ann@acme.example\n9001,Bob,bob@acme.example\n",
		);
		const check = await validateSources({ customers, contacts });
		expect(check.problems.map((p) => formatProblem(p))).toEqual([
			`${contacts}:2:1: customer_external_id "9001;9002" holds 2 ids, but a contact or onboarding has one parent customer; keep only the id of its customer in the cell (e.g. "9001").`,
		]);
	});
});

describe("Excel's sep= first line", () => {
	it("names the delimiter, is skipped, and the plan says so", async () => {
		const path = await file("customers.csv", "sep=;\r\nexternal_id;name;mrr\r\nc1;Acme;1.299,00 €\r\n");
		const check = await validateSources({ customers: path });
		expect(check.problems).toEqual([]);
		expect(check.counts.customers).toBe(1);
		expect(check.formats.customers?.delimiter).toBe(";");
		expect(describeFormat(check.formats.customers!)).toContain(
			'";"-delimited (named by the "sep=;" line 1, skipped)',
		);
		const records = [];
		for await (const record of readRecords(path, "customers")) records.push(record);
		expect(records.map((r) => [r.line, r.body.name, r.body.mrr])).toEqual([[3, "Acme", 129900]]);
	});
});
