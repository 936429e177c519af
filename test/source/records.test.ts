import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PassName, SourceRecord } from "../../src/model/records.js";
import { readRecordBatches, readRecords, SourceFileError, validateSources } from "../../src/source/index.js";
import { tempDir } from "../support/temp-dirs.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures");

async function collect(file: string, pass: PassName): Promise<SourceRecord[]> {
	const records: SourceRecord[] = [];
	for await (const record of readRecords(file, pass)) records.push(record);
	return records;
}

async function tempFile(name: string, content: string | Buffer): Promise<string> {
	const dir = tempDir("pivotal-source-");
	const path = join(dir, name);
	await writeFile(path, content);
	return path;
}

describe("readRecords on the demo fixtures", () => {
	const files = {
		customers: join(FIXTURES, "customers.csv"),
		contacts: join(FIXTURES, "contacts.csv"),
		onboardings: join(FIXTURES, "onboardings.csv"),
	};

	it("the demo dataset validates clean", async () => {
		const check = await validateSources(files);
		expect(check.problems).toEqual([]);
		expect(check.problemCount).toBe(0);
		expect(check.counts.customers).toBeGreaterThanOrEqual(100);
		expect(check.counts.contacts).toBeGreaterThanOrEqual(200);
		expect(check.counts.onboardings).toBeGreaterThanOrEqual(100);
	});

	it("customers: key is external_id, metadata carries it, numbers converted, empty cells absent", async () => {
		const check = await validateSources(files);
		const records = await collect(files.customers, "customers");
		expect(records).toHaveLength(check.counts.customers);
		const first = records[0]!;
		expect(first.fields).toContain("metadata.segment");
		expect({ ...first, fields: undefined }).toEqual({
			fields: undefined,
			pass: "customers",
			key: "crm-1001",
			line: 2,
			body: {
				name: "Cobalt Media",
				slug: "cobalt-media",
				domain: "cobalt-media.co",
				status: "active",
				plan: "starter",
				mrr: 20000,
				hubspot_company_id: "8000000000",
				hubspot_deal_id: "9100000",
				metadata: { external_id: "crm-1001", segment: "mid-market" },
			},
			columns: {
				external_id: "crm-1001",
				name: "Cobalt Media",
				slug: "cobalt-media",
				domain: "cobalt-media.co",
				status: "active",
				plan: "starter",
				mrr: "20000",
				monthly_orders: "",
				hubspot_company_id: "8000000000",
				hubspot_deal_id: "9100000",
				"metadata.segment": "mid-market",
				"metadata.region": "",
			},
		});
		expect(first.parentKey).toBeUndefined();
		for (const [i, record] of records.entries()) {
			expect(record.line).toBe(i + 2);
			expect(record.key).toBe(record.columns.external_id);
			expect((record.body.metadata as Record<string, unknown>).external_id).toBe(record.key);
			for (const value of Object.values(record.body)) expect(value).not.toBe("");
		}
		// A customer without a slug: the field is absent, not "".
		const slugless = records.find((r) => r.columns.slug === "")!;
		expect(slugless).toBeDefined();
		expect("slug" in slugless.body).toBe(false);
	});

	it("contacts: key is <customer>/<email lower-cased>, booleans and label lists", async () => {
		const records = await collect(files.contacts, "contacts");
		expect(records.length).toBeGreaterThan(200);
		for (const record of records) {
			expect(record.parentKey).toBe(record.columns.customer_external_id);
			expect(record.key).toBe(`${record.parentKey}/${String(record.body.email).toLowerCase()}`);
			if ("is_primary" in record.body) expect(typeof record.body.is_primary).toBe("boolean");
			if ("labels" in record.body) {
				expect(Array.isArray(record.body.labels)).toBe(true);
				for (const label of record.body.labels as string[]) expect(label).toBe(label.trim());
			}
		}
		const withSpacedLabels = records.find((r) => r.columns.labels?.includes("; "));
		expect(withSpacedLabels).toBeDefined();
		expect((withSpacedLabels!.body.labels as string[]).every((l) => l.length > 0 && !l.includes(" "))).toBe(
			true,
		);
		expect(records.some((r) => r.body.is_primary === false && r.columns.is_primary === "no")).toBe(true);
	});

	it("onboardings: key is the name within the customer", async () => {
		const records = await collect(files.onboardings, "onboardings");
		const keys = records.filter((r) => r.parentKey === "crm-1001").map((r) => r.key);
		expect(keys).toEqual(["crm-1001/name:Cobalt Media rollout", "crm-1001/name:Cobalt Media expansion"]);
		expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
		for (const record of records) {
			expect("customer_id" in record.body).toBe(false);
			expect(typeof record.body.waiting_on_customer).toBe("boolean");
		}
		expect(records.some((r) => String(r.body.target_launch_date).endsWith("T09:00:00Z"))).toBe(true);
		expect(records.some((r) => !("target_launch_date" in r.body))).toBe(true);
	});
});

describe("edge cases", () => {
	it("formula-looking cells are plain data, sent verbatim", async () => {
		const file = join(FIXTURES, "edge/formulas.csv");
		expect((await validateSources({ customers: file })).problemCount).toBe(0);
		const records = await collect(file, "customers");
		expect(records[0]!.body).toEqual({
			name: "=cmd|' /C calc'!A0",
			plan: "+1+1",
			metadata: { external_id: "f-1", note: "@SUM(A1:A9)" },
		});
		expect(records[1]!.body.plan).toBe('=HYPERLINK("http://x.test","click")');
	});

	it("multi-line quoted cells: each record reports the line where it starts", async () => {
		const records = await collect(join(FIXTURES, "edge/multiline.csv"), "customers");
		expect(records.map((r) => [r.key, r.line])).toEqual([
			["m-1", 2],
			["m-2", 4],
			["m-3", 8],
		]);
		expect((records[0]!.body.metadata as Record<string, unknown>).notes).toBe("line one\nline two");
		expect(records[1]!.body.name).toBe("Bright\nFuture\nTech");
		expect((records[2]!.body.metadata as Record<string, unknown>).notes).toBe('quoted "word" here');
	});

	it("a BOM and CRLF line ends give the same records as the plain LF file", async () => {
		const lf = await collect(join(FIXTURES, "edge/multiline.csv"), "customers");
		const crlf = await collect(join(FIXTURES, "edge/multiline-bom-crlf.csv"), "customers");
		// Cell text keeps its own line ends; everything else, lines included, is identical.
		const normalise = (records: SourceRecord[]) =>
			JSON.parse(JSON.stringify(records).replaceAll("\\r\\n", "\\n"));
		expect(normalise(crlf)).toEqual(normalise(lf));
		expect(Object.keys(crlf[0]!.columns)[0]).toBe("external_id");
	});

	it("line numbers after a CRLF multi-line cell and blank lines stay exact", async () => {
		const file = await tempFile(
			"customers.csv",
			// Excel's own mix: CRLF between records, a bare LF inside cells.
			'external_id,name\r\n\r\na,"x\r\ny"\r\n\r\n\r\nb,B\r\nc,"1\n2\n3"\r\nd,D\r\n',
		);
		const records = await collect(file, "customers");
		expect(records.map((r) => [r.key, r.line])).toEqual([
			["a", 3],
			["b", 7],
			["c", 8],
			["d", 11],
		]);
		const check = await validateSources({ customers: file });
		expect(check.problemCount).toBe(0);
		expect(check.counts.customers).toBe(4);
	});

	it("problems on rows after multi-line cells carry the right line", async () => {
		const file = await tempFile("customers.csv", 'external_id,name,status\na,"A\nA",active\nb,B,nope\n');
		const check = await validateSources({ customers: file });
		expect(check.problems.map((p) => [p.line, p.column])).toEqual([[4, 3]]);
	});

	it("skips invalid rows and keeps going; onboarding positions (no name) count them so fixes do not shift keys", async () => {
		const customers = await tempFile("customers.csv", "external_id,name\nc1,One\nc2,Two\n");
		const onboardings = await tempFile(
			"onboardings.csv",
			"customer_external_id,phase\nc1,review\nc1,bogus\nc1,launch\nc2,launch,extra\n",
		);
		expect((await validateSources({ customers, onboardings })).problemCount).toBe(2);
		const records = await collect(onboardings, "onboardings");
		expect(records.map((r) => [r.key, r.line])).toEqual([
			["c1/#1", 2],
			["c1/#3", 4],
		]);
	});

	it("throws SourceFileError when the file is missing", async () => {
		await expect(collect("/nonexistent/customers.csv", "customers")).rejects.toBeInstanceOf(SourceFileError);
	});
});

describe("onboarding keys", () => {
	it("a name unique among the customer's rows keys it; a repeated or empty name falls back to the position", async () => {
		const onboardings = await tempFile(
			"onboardings.csv",
			"customer_external_id,name,phase\nc1,Pilot,review\nc1,Go/Live 100%,review\nc1,Twin,review\nc2,Pilot,review\nc1,Twin,launch\nc1,,launch\n",
		);
		const records = await collect(onboardings, "onboardings");
		expect(records.map((r) => r.key)).toEqual([
			"c1/name:Pilot",
			"c1/name:Go%2FLive 100%25",
			"c1/#3",
			"c2/name:Pilot",
			"c1/#4",
			"c1/#5",
		]);
	});
});

describe("readRecordBatches: the records of readRecords, a parsed block at a time", () => {
	it.each([
		["customers.csv", "customers"],
		["contacts.csv", "contacts"],
		["onboardings.csv", "onboardings"],
		["edge/multiline.csv", "customers"],
	] as const)(
		"%s: the same records in the same order, in blocks none of which is empty",
		async (name, pass) => {
			const file = join(FIXTURES, name);
			const batches: SourceRecord[][] = [];
			for await (const batch of readRecordBatches(file, pass)) batches.push(batch);
			expect(batches.every((batch) => batch.length > 0)).toBe(true);
			expect(batches.flat()).toEqual(await collect(file, pass));
			expect(batches.flat().length).toBeGreaterThan(0);
		},
	);

	it("thousands of rows come in a few blocks, not one a row", async () => {
		const rows = Array.from({ length: 3_000 }, (_, i) => `Acme ${i},crm-${i}`);
		const file = await tempFile("many.csv", `name,external_id\n${rows.join("\n")}\n`);
		let batches = 0;
		let records = 0;
		for await (const batch of readRecordBatches(file, "customers")) {
			batches += 1;
			records += batch.length;
		}
		expect(records).toBe((await collect(file, "customers")).length);
		expect(records).toBeGreaterThan(2_900);
		expect(batches).toBeLessThan(100);
	});
});
