import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { xlsxBytes } from "../support/xlsx-writer.js";

const XLSX = join(import.meta.dirname, "../../fixtures/exports/xlsx");
const BOOK = join(XLSX, "book.xlsx");
const bookArgs = [
	"import",
	`${BOOK}#Customers`,
	"--contacts",
	`${BOOK}#Contacts`,
	"--onboardings",
	`${BOOK}#Onboardings`,
	"--map",
	join(XLSX, "map.json"),
];

let sim: Simulator;
let dir: string;
beforeAll(async () => {
	sim = await startSimulator({ rateLimit: 100_000 });
	dir = tempDir("pivotal-cli-xlsx-");
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	sim.reset();
});

const env = () => ({ PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl });
type Row = Record<string, unknown>;

describe("an .xlsx workbook, one sheet per file (the built binary)", () => {
	it("--dry-run names the sheet each file is read from", async () => {
		const result = await runCli([...bookArgs, "--dry-run"], { env: env() });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(
			`customers ${BOOK}#Customers: sheet "Customers", map ${join(XLSX, "map.json")}`,
		);
		expect(result.stdout).toContain(`onboardings ${BOOK}#Onboardings: sheet "Onboardings", map`);
		expect(result.stdout).toContain("3 customers, 4 contacts, 3 onboardings");
		expect(sim.counters().requests).toBe(0);
	});

	it("imports the three sheets: dates from day serials, numbers as numbers, money with its sign, booleans, accents", async () => {
		const result = await runCli([...bookArgs, "--yes", "--checkpoint", join(dir, "book.checkpoint.json")], {
			env: env(),
		});
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const state = sim.state();
		const customers = new Map(state.customers.map((c) => [String((c.metadata as Row).external_id), c]));
		expect(customers.size).toBe(3);
		// Record ID is a number cell: 9001, not 9001.0.
		expect(customers.get("9001")).toMatchObject({
			name: "Acme Corporation",
			domain: "acme.com",
			status: "active",
			mrr: 129900,
			metadata: {
				external_id: "9001",
				created: "2025-01-14T10:22:00",
				annual_revenue: "$15588.00",
				industry: "Manufacturing",
			},
		});
		// 250000.00000000003 in the cell is the 250000 Excel shows.
		expect(customers.get("9002")).toMatchObject({ name: "Société Générale", status: "churned", mrr: 250000 });
		// An empty cell in the middle of the row (domain) and at its end (industry).
		const zoe = customers.get("9003")!;
		expect(zoe).toMatchObject({ name: "Zoë Ångström AB", domain: null, mrr: 4999 });
		expect(zoe.metadata).toEqual({ external_id: "9003", created: "2025-03-01", annual_revenue: "$599.88" });

		const contacts = new Map(state.contacts.map((c) => [String(c.email), c]));
		expect(contacts.size).toBe(4);
		expect(contacts.get("ann@acme.com")).toMatchObject({
			name: "Ann Lee",
			title: "VP Operations",
			is_primary: true,
		});
		expect(contacts.get("bob@acme.com")).toMatchObject({ name: "Bob Stone", is_primary: false });
		expect(contacts.get("elodie@societe-generale.example")).toMatchObject({
			name: "Élodie Martin",
			customer_id: customers.get("9002")?.id,
		});

		const onboardings = new Map(state.onboardings.map((o) => [String(o.name), o]));
		expect(onboardings.get("Acme rollout")).toMatchObject({
			target_launch_date: "2026-03-15T00:00:00.000Z",
			phase: "program_design",
			state: "at_risk",
			customer_id: customers.get("9001")?.id,
		});
		expect(onboardings.get("Ångström pilot")).toMatchObject({
			target_launch_date: "2026-07-01T00:00:00.000Z",
			phase: "internal_qa",
		});
		expect(onboardings.get("SG migration")).toMatchObject({
			target_launch_date: "2027-03-29T00:00:00.000Z",
			phase: "before_getting_started",
			state: "waiting",
		});
	});

	it("a sheet the workbook does not have: one sentence listing its sheets, exit 2, nothing sent", async () => {
		const result = await runCli(["import", `${BOOK}#Accounts`, "--dry-run"], { env: env() });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			`${BOOK}#Accounts: the workbook has no sheet "Accounts"; its sheets are "Customers", "Contacts", "Onboardings": name one after the # (e.g. ${BOOK}#Customers).\nNothing was sent: fix the input and run the command again.\n`,
		);
		expect(sim.counters().requests).toBe(0);
	});

	it("a bad cell names the sheet, its row and the cell as Excel shows it", async () => {
		const book = join(dir, "copy.xlsx");
		copyFileSync(BOOK, book);
		const map = join(dir, "wrong.map.json");
		// Read Industry as the domain: "Manufacturing" on row 2, column H, is no domain.
		writeFileSync(
			map,
			JSON.stringify({
				customers: { columns: { external_id: "Record ID", name: "Company name", domain: "Industry" } },
			}),
		);
		const result = await runCli(["import", book, "--map", map, "--dry-run"], { env: env() });
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(
			new RegExp(`^${book.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:8 \\(cell H2\\): `),
		);
		expect(result.stderr.split("\n").filter((l) => l.includes("(cell "))).toHaveLength(2);
	});

	it("a text file named .xlsx and an encrypted workbook: one sentence each, never a code page", async () => {
		const fake = join(dir, "fake.xlsx");
		writeFileSync(fake, "external_id,name\nc-1,Café\n");
		const result = await runCli(["import", fake, "--dry-run"], { env: env() });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			`${fake}: this file is named .xlsx but is not an Excel workbook (an .xlsx file is a zip archive); open it in Excel and save it as "Excel Workbook (.xlsx)", or export the sheet as CSV, or give it the extension of what it is (.csv).\nNothing was sent: fix the input and run the command again.\n`,
		);
		const locked = join(dir, "locked.xlsx");
		writeFileSync(locked, Buffer.concat([Buffer.from("d0cf11e0a1b11ae1", "hex"), Buffer.alloc(1024)]));
		const encrypted = await runCli(["import", locked, "--dry-run"], { env: env() });
		expect(encrypted.code).toBe(2);
		expect(encrypted.stderr.split("\n")).toHaveLength(3);
		expect(encrypted.stderr).toContain("this workbook is password-protected (encrypted)");
		expect(encrypted.stderr).not.toContain("windows-1252");
	});

	it("money shown with two decimals but no sign is read as Excel shows it, in one column with currency cells", async () => {
		const book = join(dir, "decimals.xlsx");
		writeFileSync(
			book,
			xlsxBytes({
				sheets: [
					{
						name: "Customers",
						rows: [
							["external_id", "name", "mrr"],
							["d1", "Hash Format", { serial: 1299, format: "#,##0.00" }],
							["d2", "Zero Format", { serial: 1299.5, format: "0.00" }],
							["d3", "Krona", { serial: 1299, format: '#,##0.00 "kr"' }],
							["d4", "Euro", { serial: 1299, format: "[$€-407] #,##0.00" }],
						],
					},
				],
			}),
		);
		const result = await runCli(
			["import", book, "--yes", "--checkpoint", join(dir, "decimals.checkpoint.json")],
			{
				env: env(),
			},
		);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const mrr = Object.fromEntries(
			sim.state().customers.map((c) => [String((c.metadata as Row).external_id), c.mrr]),
		);
		expect(mrr).toEqual({ d1: 129900, d2: 129950, d3: 129900, d4: 129900 });
	});
});
