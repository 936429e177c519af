import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterEach, describe, expect, it } from "vitest";
import {
	parseMap,
	readRecords,
	type SourceMap,
	sectionFingerprint,
	validateSources,
} from "../../src/source/index.js";
import { layoutFor } from "../../src/source/layout.js";

function mapOf(json: unknown): SourceMap {
	const loaded = parseMap("m.json", JSON.stringify(json, null, 2));
	if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join("\n"));
	return loaded.map;
}

function problemsOf(text: string): string[] {
	const loaded = parseMap("m.json", text);
	return loaded.ok ? [] : loaded.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
}

describe("map file checks that need no CSV", () => {
	it.each([
		['{ "customer": {} }', /1:3 the map has a section "customer", which is not a file/],
		['{ "customers": { "columns": { "emial": "E" } } }', /"emial" is not one of our customers fields/],
		['{ "customers": { "columns": { "metadata.external_id": "X" } } }', /is filled from external_id/],
		[
			'{ "customers": { "columns": { "name": 3 } } }',
			/must be a header in quotes, a list of headers to join, or null/,
		],
		['{ "customers": { "columns": { "name": [] } } }', /must be a header in quotes/],
		['{ "customers": { "columns": { "name": "A", "name": "B" } } }', /names "name" twice/],
		[
			'{ "customers": { "colums": {} } }',
			/has "colums", which a map does not take; use columns, values, dates/,
		],
		['{ "onboardings": { "dates": "YYYY-MM-DD" } }', /week year/],
		['{ "contacts": { "values": { "is_primary": { "Main": "perhaps" } } } }', /is_primary does not take/],
		[
			'{ "customers": { "values": { "status": { "Customer": "active", "customer": "churned" } } } }',
			/another spelling of it to different values/,
		],
		["[]", /must be a JSON object/],
		["", /not valid JSON here \(the file is empty\)/],
		['{ "customers": { // note\n } }', /comments are not allowed/],
	])("%s", (text, expected) => {
		const problems = problemsOf(text);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(expected);
	});

	it("stores enum targets in their canonical spelling, and accepts a BOM", () => {
		const loaded = parseMap(
			"m.json",
			'\uFEFF{ "customers": { "values": { "status": { "Risky": "At risk" } } } }',
		);
		expect(loaded.ok && loaded.map.sections.customers?.values?.status).toEqual({ Risky: "at_risk" });
	});

	it("fingerprints a section whatever the key order, and changes with any value", () => {
		const a = { columns: { name: "A", external_id: "B" }, values: { status: { X: "active" } } };
		const b = { values: { status: { X: "active" } }, columns: { external_id: "B", name: "A" } };
		expect(sectionFingerprint(a)).toBe(sectionFingerprint(b));
		expect(sectionFingerprint({ ...a, values: { status: { X: "churned" } } })).not.toBe(
			sectionFingerprint(a),
		);
	});
});

describe("layout of a header through a map", () => {
	it("takes our own headers as they are, leaves out null fields and names what it ignores", () => {
		const map = mapOf({ customers: { columns: { name: "Company", plan: null } } });
		const layout = layoutFor(
			"customers",
			"c.csv",
			["external_id", "Company", "plan", "metadata.tier", "Notes"],
			map,
		);
		expect(layout.mapProblems).toEqual([]);
		expect([...layout.header.indexOf.keys()]).toEqual(["external_id", "name", "metadata.tier"]);
		expect(layout.ignored).toEqual(["plan", "Notes"]);
		expect(layout.project?.(["c-1", "Acme", "pro", "gold", "n"])).toEqual(["c-1", "Acme", "gold"]);
		// Messages point at the source column under its own name.
		expect(layout.header.columns[1]).toMatchObject({ header: "Company (name)", column: 2 });
	});

	it("joins listed headers with one space, skipping empty parts, and translates values", () => {
		const map = mapOf({
			contacts: {
				columns: {
					customer_external_id: "Co",
					name: ["First", "Middle", "Last"],
					email: "Mail",
					is_primary: "Main",
				},
				values: { is_primary: { Primary: "yes", Secondary: "no" } },
			},
		});
		const layout = layoutFor("contacts", "p.csv", ["Co", "First", "Middle", "Last", "Mail", "Main"], map);
		expect(layout.project?.(["c-1", " Ann ", "", "Lee", "a@x.io", "primary"])).toEqual([
			"c-1",
			"Ann Lee",
			"a@x.io",
			"yes",
		]);
	});

	it("refuses a map naming a header the file repeats", () => {
		const map = mapOf({ customers: { columns: { external_id: "Id", name: "Name" } } });
		const layout = layoutFor("customers", "c.csv", ["Id", "Name", "Name"], map);
		expect(layout.mapProblems.map((p) => p.message)).toEqual([
			'customers.columns.name names the header "Name", which appears more than once in c.csv; rename one of those columns in the file.',
		]);
	});

	it("a file with none of our columns and no map gets one sentence pointing at --map", () => {
		const layout = layoutFor("customers", "c.csv", ["Record ID", "Company name"], undefined);
		expect(layout.header.issues).toHaveLength(1);
		expect(layout.header.issues[0]?.message).toMatch(
			/none of the columns of c\.csv .* map them to ours with --map FILE/,
		);
	});
});

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function fileWith(bytes: Buffer | string): string {
	const dir = mkdtempSync(join(tmpdir(), "pivotal-map-"));
	dirs.push(dir);
	const path = join(dir, "customers.csv");
	writeFileSync(path, bytes);
	return path;
}

describe("a map edit, as the state sees it", () => {
	it("changes the map fingerprint and exactly the fields it maps differently; the file fingerprint stays", async () => {
		const path = fileWith("Id,Title,Stage\nc-1,Acme,Customer\nc-2,Globex,Lead\n");
		const before = mapOf({
			customers: {
				columns: { external_id: "Id", name: "Title", status: "Stage" },
				values: { status: { Customer: "active", Lead: "onboarding" } },
			},
		});
		const after = mapOf({
			customers: {
				columns: { external_id: "Id", name: "Title", status: "Stage" },
				values: { status: { Customer: "active", Lead: "at_risk" } },
			},
		});
		const [a, b] = await Promise.all([
			validateSources({ customers: path }, { map: before }),
			validateSources({ customers: path }, { map: after }),
		]);
		expect(a.fingerprints.customers).toBe(b.fingerprints.customers);
		expect(a.mapFingerprints.customers).not.toBe(b.mapFingerprints.customers);
		const bodies = async (map: SourceMap) => {
			const out: Record<string, unknown> = {};
			for await (const record of readRecords(path, "customers", { map })) out[record.key] = record.body;
			return out;
		};
		const [x, y] = await Promise.all([bodies(before), bodies(after)]);
		expect(x["c-1"]).toEqual(y["c-1"]);
		expect(x["c-2"]).toMatchObject({ status: "onboarding" });
		expect(y["c-2"]).toEqual({ ...(x["c-2"] as object), status: "at_risk" });
	});
});

describe("reading bytes", () => {
	it("reports a byte windows-1252 does not define with its line and offset, never U+FFFD", async () => {
		const bytes = iconv.encode("external_id,name\nc-1,Caf\u00e9\nc-2,Bad ", "windows-1252");
		const path = fileWith(Buffer.concat([bytes, Buffer.from([0x81, 0x0a])]));
		const check = await validateSources({ customers: path }, { encoding: "windows-1252" });
		expect(check.problems.map((p) => [p.line, p.message])).toEqual([
			[
				3,
				`this line has a byte that windows-1252 does not define (0x81 at byte ${bytes.length}); use --encoding with the code page the file was saved in, or save it as UTF-8.`,
			],
		]);
	});

	it("counts lines through ASCII chunks that skip the decoder, for a bad byte far into the file", async () => {
		const rows = Array.from({ length: 20_000 }, (_, i) => `c-${i},Company number ${i}\n`).join("");
		const head = Buffer.from(`external_id,name\n${rows}`);
		const tail = Buffer.concat([Buffer.from("c-x,Caf"), Buffer.from([0xe9, 0x20, 0x81, 0x0a])]);
		const path = fileWith(Buffer.concat([head, tail]));
		const check = await validateSources({ customers: path }, { encoding: "windows-1252" });
		expect(check.problems.map((p) => p.line)).toEqual([20_002]);
		expect(check.problems[0]?.message).toContain(`(0x81 at byte ${head.length + 9})`);
	});

	it("names the likely code page and the option for a file that is not UTF-8", async () => {
		const text = "external_id,name\nc-1,Müller Straße Köln\nc-2,Café Crème Genève\nc-3,Søren Ærø\n";
		const check = await validateSources({ customers: fileWith(iconv.encode(text, "windows-1252")) });
		// A few words say too little to tell the code page: named as Excel's likely one, not as the file's look.
		expect(check.problems[0]?.message).toMatch(
			/not valid UTF-8 .*; save it as UTF-8 .*--encoding windows-1252 if it came from Excel .*\(the file is too short to tell its code page\)/,
		);
	});

	it("reads UTF-16BE with a BOM and a forced delimiter", async () => {
		const text = "external_id|name\r\nc-1|Zoë, Inc.\r\n";
		const path = fileWith(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]));
		const records = [];
		for await (const record of readRecords(path, "customers", { delimiter: "|" })) records.push(record);
		expect(records.map((r) => r.body.name)).toEqual(["Zoë, Inc."]);
		const check = await validateSources({ customers: path }, { delimiter: "|" });
		expect(check.formats.customers).toMatchObject({
			encoding: "UTF-16BE",
			delimiter: "|",
			isDelimiterForced: true,
		});
	});

	it("a map's problems stop the records too: nothing to send from a file the map does not fit", async () => {
		const path = fileWith("Id,Title\nc-1,Acme\n");
		const map = mapOf({ customers: { columns: { external_id: "Id", name: "Name" } } });
		const records = [];
		for await (const record of readRecords(path, "customers", { map })) records.push(record);
		expect(records).toEqual([]);
		const check = await validateSources({ customers: path }, { map });
		expect(check.problems.map((p) => [p.file, p.line])).toEqual([["m.json", 5]]);
	});
});
