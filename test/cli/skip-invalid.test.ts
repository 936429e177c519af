import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const prepared = simulatorsPerTest();

/** 50 customers, each with a contact and an onboarding; customers on lines 11, 21 and 31 are invalid. */
function writeFiles(dir: string) {
	const customers = ["external_id,name,status,mrr,domain"];
	const contacts = ["customer_external_id,name,email"];
	const onboardings = ["customer_external_id,name,phase"];
	for (let i = 1; i <= 50; i++) {
		const id = `c-${i}`;
		const line = i + 1;
		const status = line === 11 ? "Gold" : "active";
		const mrr = line === 21 ? "lots" : "$1,200.00";
		const domain = line === 31 ? "acme com" : `c${i}.example`;
		customers.push(`${id},Customer ${i},${status},"${mrr}",${domain}`);
		contacts.push(`${id},Person ${i},p${i}@c${i}.example`);
		onboardings.push(`${id},Rollout ${i},review`);
	}
	const files = {
		customers: join(dir, "customers.csv"),
		contacts: join(dir, "contacts.csv"),
		onboardings: join(dir, "onboardings.csv"),
	};
	writeFileSync(files.customers, `${customers.join("\n")}\n`);
	writeFileSync(files.contacts, `${contacts.join("\n")}\n`);
	writeFileSync(files.onboardings, `${onboardings.join("\n")}\n`);
	return files;
}

describe("--skip-invalid (through the binary)", () => {
	it("imports the 47 valid customers, lists the 3 invalid ones with file:line:col, blocks their children, exit 1", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const dir = tempDir();
		const files = writeFiles(dir);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = [
			"import",
			files.customers,
			"--contacts",
			files.contacts,
			"--onboardings",
			files.onboardings,
			"--yes",
		];

		// Without it one invalid row refuses the run.
		const refused = await runCli(args, { env });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain("--skip-invalid");
		expect(simTotals(sim)).toMatchObject({ customers: 0, contacts: 0, onboardings: 0 });

		const dry = await runCli([...args, "--dry-run", "--skip-invalid"], { env });
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain("3 invalid rows are left out (--skip-invalid)");
		expect(dry.stdout).toMatch(/customers\s+47\s+47\s+0\s+0\s+0/);
		expect(dry.stdout).toMatch(/contacts\s+50\s+47\s+0\s+0\s+3/);

		const failures = join(dir, "failures.csv");
		const results = join(dir, "results.csv");
		const run = await runCli(
			[...args, "--skip-invalid", "--failures-csv", failures, "--results-csv", results],
			{
				env,
			},
		);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(`${files.customers}:11:3: status "Gold" is not one of`);
		expect(run.stderr).toContain("3 invalid rows are left out (--skip-invalid)");
		expect(simTotals(sim)).toMatchObject({ customers: 47, contacts: 47, onboardings: 47, duplicates: 0 });
		const customers = sim.state().customers;
		expect(customers.find((c) => c.name === "Customer 1")).toMatchObject({
			mrr: 120000,
			domain: "c1.example",
		});
		for (const name of ["Customer 10", "Customer 20", "Customer 30"]) {
			expect(customers.find((c) => c.name === name)).toBeUndefined();
		}

		const text = readFileSync(failures, "utf8");
		expect(text.startsWith("\ufeffpass,line,http_status,code,message,attempts")).toBe(true);
		expect(text).toContain("\r\n");
		const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
		const invalid = rows.filter((r) => r.code === "invalid");
		expect(invalid.map((r) => [r.pass, r.line])).toEqual([
			["customers", "11"],
			["customers", "21"],
			["customers", "31"],
		]);
		expect(invalid[0]?.message).toContain(`${files.customers}:11:3:`);
		expect(invalid[1]?.message).toContain(`${files.customers}:21:4: mrr "lots" is not an amount`);
		expect(invalid[2]?.message).toContain(`${files.customers}:31:5: domain "acme com"`);
		expect(invalid[0]?.external_id).toBe("c-10");
		const blocked = rows.filter((r) => r.code === "blocked_by_parent");
		expect(blocked).toHaveLength(6);
		expect(new Set(blocked.map((r) => r.message))).toEqual(
			new Set([
				"customer c-10 was not imported",
				"customer c-20 was not imported",
				"customer c-30 was not imported",
			]),
		);

		const outcomes = parse(readFileSync(results, "utf8"), { bom: true, columns: true }) as Record<
			string,
			string
		>[];
		expect(outcomes.filter((r) => r.outcome === "invalid")).toHaveLength(3);
		expect(outcomes.filter((r) => r.outcome === "created")).toHaveLength(141);
		expect(outcomes.filter((r) => r.outcome === "blocked")).toHaveLength(6);
	});

	it("a dry run writes the failures CSV it says lists the invalid rows, and names no results CSV", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const dir = tempDir();
		const files = writeFiles(dir);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const failures = join(dir, "dry-failures.csv");
		const results = join(dir, "dry-results.csv");
		const dry = await runCli(
			[
				"import",
				files.customers,
				"--contacts",
				files.contacts,
				"--dry-run",
				"--skip-invalid",
				"--failures-csv",
				failures,
				"--results-csv",
				results,
			],
			{ env },
		);
		expect(dry.code).toBe(0);
		expect(dry.stderr).toContain(
			`3 invalid rows are left out (--skip-invalid); their contacts and onboardings are blocked; to be listed in ${failures}.`,
		);
		const rows = parse(readFileSync(failures, "utf8"), { bom: true, columns: true }) as Record<
			string,
			string
		>[];
		expect(rows.map((r) => [r.pass, r.line, r.code, r.external_id])).toEqual([
			["customers", "11", "invalid", "c-10"],
			["customers", "21", "invalid", "c-20"],
			["customers", "31", "invalid", "c-30"],
		]);
		expect(simTotals(sim)).toMatchObject({ customers: 0 });
	});

	it("with --delete-missing deletes no record a row left out as invalid may be: a typo is not a row gone", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const dir = tempDir();
		const files = {
			customers: join(dir, "customers.csv"),
			onboardings: join(dir, "onboardings.csv"),
			contacts: join(dir, "contacts.csv"),
		};
		const customers = (bad: string) =>
			`external_id,name,status\nzu-1,Zu One,active\nzu-2,Zu Two,${bad}\nzu-3,Zu Three,active\n`;
		const onboardings = (phase: string) =>
			`customer_external_id,name,phase\nzu-2,Alpha,review\nzu-3,Beta,review\nzu-3,Gamma,${phase}\n`;
		const contacts = (extra: string) =>
			`customer_external_id,name,email\nzu-1,Ann,ann@zu1.example\nzu-1,Bob,bob@zu1.example${extra}\n`;
		writeFileSync(files.customers, customers("active"));
		writeFileSync(files.onboardings, onboardings("review"));
		writeFileSync(files.contacts, contacts(""));
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = [
			"import",
			files.customers,
			"--onboardings",
			files.onboardings,
			"--contacts",
			files.contacts,
			"--headless",
			"--yes",
		];
		expect((await runCli(args, { env })).code).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 3, contacts: 2, onboardings: 3 });

		// The next export: a typo in a customer's status, an onboarding's phase, and a ragged contact row.
		writeFileSync(files.customers, customers("actve"));
		writeFileSync(files.onboardings, onboardings("reveiw"));
		writeFileSync(files.contacts, contacts(",extra"));
		const rules = ["--skip-invalid", "--delete-missing", "--max-deletes", "9"];
		const planned = await runCli([...args, ...rules, "--dry-run"], { env });
		expect(planned.stdout).not.toMatch(/to delete/);
		expect(planned.stdout).toMatch(/customers: 1 gone from the files but kept: a row left out as invalid/);
		const run = await runCli([...args, ...rules], { env });
		expect(run.code).toBe(1);
		expect(Object.keys(sim.counters().byRoute).filter((route) => route.startsWith("DELETE"))).toEqual([]);
		expect(simTotals(sim)).toMatchObject({ customers: 3, contacts: 2, onboardings: 3 });

		// Fixed again and one row truly gone: that one goes, nothing else.
		writeFileSync(files.customers, customers("active"));
		writeFileSync(files.onboardings, onboardings("review").replace("zu-3,Gamma,review\n", ""));
		writeFileSync(files.contacts, contacts(""));
		expect((await runCli([...args, ...rules], { env })).code).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 3, contacts: 2, onboardings: 2 });
	});

	it("with --delete-missing deletes nothing of a pass where a row left out has its id cell invalid (#N/A, digits lost): that row is not gone, only unreadable", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		const ids = Array.from({ length: 12 }, (_, i) => `sj-${i}`);
		const write = (cells: readonly string[]) =>
			writeFileSync(customers, `external_id,name\n${cells.map((id, i) => `${id},SJ Co ${i}`).join("\n")}\n`);
		write(ids);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--headless", "--yes"];
		expect((await runCli(args, { env })).code).toBe(0);
		const rules = ["--skip-invalid", "--delete-missing"];
		for (const unreadable of ["#N/A", "1.23457E+11", "=A5", "N/A", "-"]) {
			// One lookup failed in the export: the row is there, its id unreadable.
			write(ids.map((id) => (id === "sj-3" ? unreadable : id)));
			const planned = await runCli([...args, ...rules, "--dry-run"], { env });
			expect(planned.stdout, unreadable).not.toMatch(/to delete/);
			expect(planned.stdout).toMatch(/customers: 1 gone from the files but kept: a row left out as invalid/);
			const run = await runCli([...args, ...rules], { env });
			expect(run.code).toBe(1);
			expect(Object.keys(sim.counters().byRoute).filter((route) => route.startsWith("DELETE"))).toEqual([]);
			expect(simTotals(sim)).toMatchObject({ customers: 12 });
		}
	});

	it("a ragged onboarding row left out keeps its place: the rows after it of the same name keep their records", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const dir = tempDir();
		const files = { customers: join(dir, "customers.csv"), onboardings: join(dir, "onboardings.csv") };
		writeFileSync(files.customers, "external_id,name,status\nzr-1,Zr One,active\n");
		const rows = ["zr-1,X,program_design,a", "zr-1,X,review,b", "zr-1,X,launch,c"];
		const write = (lines: readonly string[]) =>
			writeFileSync(files.onboardings, `customer_external_id,name,phase,notes\n${lines.join("\n")}\n`);
		write(rows);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", files.customers, "--onboardings", files.onboardings, "--headless", "--yes"];
		expect((await runCli(args, { env })).code).toBe(0);
		const before = new Map(sim.state().onboardings.map((o) => [o.notes, { id: o.id, phase: o.phase }]));

		// An extra comma in the first row: it is left out, the other two stay what they were.
		write([`${rows[0]},extra`, rows[1]!, rows[2]!]);
		const run = await runCli([...args, "--skip-invalid"], { env });
		expect(run.code).toBe(1);
		expect(sim.counters().byRoute).not.toHaveProperty(["PATCH /onboardings/{id} 200"]);
		const after = new Map(sim.state().onboardings.map((o) => [o.notes, { id: o.id, phase: o.phase }]));
		expect(after).toEqual(before);
	});
});
