import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import {
	loadMap,
	readRecords,
	type SourceMap,
	type SourceOptions,
	validateSources,
} from "../../src/source/index.js";
import { begin } from "../support/import-harness.js";

const EXPORTS = join(import.meta.dirname, "../../fixtures/exports");
const at = (...parts: string[]): string => join(EXPORTS, ...parts);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const clean of cleanups.splice(0).reverse()) await clean();
});

async function mapOf(path: string): Promise<SourceMap> {
	const loaded = await loadMap(path);
	if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join("\n"));
	return loaded.map;
}

/** Validates, then imports the files into a fresh simulator through the engine; returns its state. */
async function importInto(files: SourceFiles, source: SourceOptions) {
	const check = await validateSources(files, source);
	expect(check.problems).toEqual([]);
	const dir = mkdtempSync(join(tmpdir(), "pivotal-exports-"));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	const sim: Simulator = await startSimulator({ rateLimit: 100_000, seed: 7 });
	cleanups.push(() => sim.close());
	const { run, client } = begin(sim, files, { source, check, checkpointPath: join(dir, "state.json") });
	const summary = await run.done;
	await run.close();
	await client.close();
	expect(summary.outcome).toBe("completed");
	const state = sim.state();
	type Row = Record<string, unknown>;
	const customers = new Map<string, Row>(
		state.customers.map((c) => [String((c.metadata as Row).external_id), c]),
	);
	const idOf = (externalId: string): string => String(customers.get(externalId)?.id);
	return { state, check, customers, idOf };
}

describe("exports of other programs, imported through their maps", () => {
	it("HubSpot companies (;-delimited), contacts (joined names) and projects (US dates, plain phases)", async () => {
		const files = {
			customers: at("hubspot", "companies.csv"),
			contacts: at("hubspot", "contacts.csv"),
			onboardings: at("hubspot", "projects.csv"),
		};
		const map = await mapOf(at("hubspot", "map.json"));
		const { state, check, customers, idOf } = await importInto(files, { map });

		expect(check.formats.customers).toMatchObject({ delimiter: ";", ignored: ["Create Date"] });
		expect(check.formats.onboardings?.ignored).toEqual(["Owner"]);
		expect(check.mapFingerprints.customers).toMatch(/^[0-9a-f]{64}$/);

		expect(customers.size).toBe(4);
		expect(customers.get("9001")).toMatchObject({
			name: "Acme Corporation",
			domain: "acme.com",
			status: "active",
			metadata: { external_id: "9001", industry: "Manufacturing" },
		});
		expect(customers.get("9002")).toMatchObject({ status: "churned", metadata: { industry: "Software" } });
		// "customer" in lower case matches the map's "Customer".
		expect(customers.get("9003")?.status).toBe("active");
		// An empty Industry cell is left out of metadata, an empty domain out of the body.
		expect(customers.get("9004")).toMatchObject({ domain: null, metadata: { external_id: "9004" } });

		const contacts = new Map(state.contacts.map((c) => [String(c.email), c]));
		expect(contacts.get("ann@acme.com")).toMatchObject({
			name: "Ann Lee",
			title: "VP Operations",
			customer_id: idOf("9001"),
		});
		// Empty parts are skipped and each part trimmed: no stray spaces.
		expect(contacts.get("bob@acme.com")).toMatchObject({ name: "Bob", title: null });
		expect(contacts.get("dana@northwind.example")).toMatchObject({
			name: "Dana Ortiz",
			customer_id: idOf("9003"),
		});

		const onboardings = new Map(state.onboardings.map((o) => [String(o.name), o]));
		const launch = (name: string): string => String(onboardings.get(name)?.target_launch_date).slice(0, 10);
		expect(onboardings.get("Acme rollout")).toMatchObject({
			customer_id: idOf("9001"),
			phase: "program_design",
			state: "at_risk",
		});
		expect(launch("Acme rollout")).toBe("2026-03-15");
		expect(onboardings.get("Bright pilot")).toMatchObject({ phase: "internal_qa", state: "active" });
		// MM/dd/yyyy: the first of December, not the twelfth of January.
		expect(launch("Bright pilot")).toBe("2026-12-01");
		expect(onboardings.get("Northwind launch")).toMatchObject({
			phase: "before_getting_started",
			state: "waiting",
			target_launch_date: null,
		});
	});

	it("Salesforce accounts: quoted cells, thousands separators, mapped and emptied values, metadata", async () => {
		const files = { customers: at("salesforce", "accounts.csv") };
		const map = await mapOf(at("salesforce", "map.json"));
		const { customers, check } = await importInto(files, { map });
		expect(check.formats.customers?.ignored).toEqual(["Partner"]);
		expect(customers.get("0015g00000AbCdE")).toMatchObject({
			name: "Initech",
			domain: "initech.example",
			status: "active",
			mrr: 129900,
			metadata: { external_id: "0015g00000AbCdE", country: "US", owner: "Bill Lumbergh" },
		});
		expect(customers.get("0015g00000AbCdF")).toMatchObject({ status: "active", mrr: 1250000 });
		expect(customers.get("0015g00000AbCdG")).toMatchObject({
			name: "Hooli, Inc.",
			status: "onboarding",
			mrr: 0,
		});
		// "Other" maps to "": the status is left out of the body, so the server's default applies.
		expect(customers.get("0015g00000AbCdH")).toMatchObject({ name: "Vandelay Industries", mrr: null });
		const bodies = new Map<string, Readonly<Record<string, unknown>>>();
		for await (const record of readRecords(files.customers, "customers", { map }))
			bodies.set(record.key, record.body);
		expect(bodies.get("0015g00000AbCdH")).not.toHaveProperty("status");
		expect(bodies.get("0015g00000AbCdG")).toHaveProperty("status", "onboarding");
	});

	it("a ;-delimited file with our headers: commas and pipes inside cells stay in them", async () => {
		const { customers, check } = await importInto({ customers: at("semicolon", "customers.csv") }, {});
		expect(check.formats.customers).toMatchObject({ delimiter: ";", isDelimiterForced: false });
		expect(check.mapFingerprints.customers).toBeUndefined();
		expect(customers.get("s-1")).toMatchObject({ name: "Smith, Jones & Co", status: "active", mrr: 1234 });
		expect(customers.get("s-2")).toMatchObject({ name: 'Quote "Q" Ltd', status: "at_risk", mrr: 99 });
		expect(customers.get("s-3")).toMatchObject({ name: "Pipe|Works", status: "archived" });
	});

	it("a Windows-1252 file with --encoding windows-1252: umlauts, €, curly quotes and apostrophes intact", async () => {
		const files = { customers: at("windows-1252", "customers.csv") };
		const { customers, check } = await importInto(files, { encoding: "windows-1252" });
		expect(check.formats.customers).toMatchObject({ encoding: "windows-1252", encodingSource: "option" });
		expect(customers.get("w-1")?.name).toBe("Müller Maschinenbau GmbH");
		expect(customers.get("w-2")?.name).toBe("Café Crème SARL");
		expect(customers.get("w-3")).toMatchObject({ name: "Søren’s Bikes", status: "at_risk" });
		expect(customers.get("w-4")).toMatchObject({ name: "€uro Discount “Spar”", status: "churned" });
	});

	it("a UTF-16 tab-delimited file (Excel's Unicode Text), detected with no option", async () => {
		const files = { customers: at("utf16", "customers.csv") };
		const { customers, check } = await importInto(files, {});
		expect(check.formats.customers).toMatchObject({
			encoding: "UTF-16LE",
			encodingSource: "bom",
			delimiter: "\t",
		});
		expect(customers.get("u-1")).toMatchObject({
			name: "Ōsaka Trading 株式会社",
			status: "active",
			metadata: { external_id: "u-1", region: "APAC" },
		});
		expect(customers.get("u-2")).toMatchObject({ name: "Zürich Re, AG", status: "onboarding" });
		expect(customers.get("u-3")?.name).toBe("Tab\tInside");
	});
});
