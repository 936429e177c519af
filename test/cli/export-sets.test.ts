import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const EXPORTS = fileURLToPath(new URL("../../fixtures/exports/", import.meta.url));
const prepared = simulatorsPerTest();

type Row = Record<string, unknown>;

/** Copies a fixture set to a temp folder (the checkpoint lands beside it) and imports it through the binary. */
async function importSet(
	set: string,
	files: { customers: string; contacts?: string },
	extra: readonly string[] = [],
): Promise<{ sim: Simulator; stdout: string; customers: Map<string, Row>; contacts: Map<string, Row> }> {
	const { sim } = await prepared(
		{ rateLimit: 100_000 },
		{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
	);
	const dir = tempDir();
	for (const name of readdirSync(join(EXPORTS, set))) copyFileSync(join(EXPORTS, set, name), join(dir, name));
	const args = [
		"import",
		join(dir, files.customers),
		...(files.contacts ? ["--contacts", join(dir, files.contacts)] : []),
		"--map",
		join(dir, "map.json"),
		"--yes",
		...extra,
	];
	const result = await runCli(args, { env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl } });
	expect(result.stderr).toBe("");
	expect(result.code).toBe(0);
	const state = sim.state();
	const customers = new Map<string, Row>(
		state.customers.map((c) => [String((c.metadata as Row).external_id), c]),
	);
	const idToExternal = new Map(state.customers.map((c) => [c.id, String((c.metadata as Row).external_id)]));
	const contacts = new Map<string, Row>(
		state.contacts.map((c) => [`${idToExternal.get(String(c.customer_id))}/${String(c.email)}`, c]),
	);
	return { sim, stdout: result.stdout, customers, contacts };
}

describe("export sets shaped like real programs' files, imported through the binary", () => {
	it("Salesforce report export: footer skipped with a notice, USD amounts in cents, URL websites reduced to hosts", async () => {
		const { customers, stdout } = await importSet("salesforce-report", { customers: "accounts.csv" });
		expect(stdout).toMatch(/skipped a report footer on lines 7–11 \("Accounts with MRR"/);
		expect(customers.size).toBe(4);
		expect(customers.get("0015g00000XyZaA")).toMatchObject({
			name: "Initech",
			domain: "initech.example",
			status: "active",
			mrr: 129900,
			slug: "initech",
			metadata: { external_id: "0015g00000XyZaA", country: "US", owner: "Bill Lumbergh" },
		});
		expect(customers.get("0015g00000XyZaB")).toMatchObject({ domain: "umbrella.example", mrr: 1250050 });
		expect(customers.get("0015g00000XyZaC")).toMatchObject({ status: "onboarding", mrr: 0 });
		expect(customers.get("0015g00000XyZaD")).toMatchObject({ domain: "hooli.example", mrr: 98000 });
	});

	it("Google Sheets download: spacer rows skipped, dollar amounts, comma labels, e-mails lower-cased", async () => {
		const { customers, contacts } = await importSet("google-sheets", {
			customers: "customers.csv",
			contacts: "contacts.csv",
		});
		expect(customers.size).toBe(4);
		expect(customers.get("GS-1")).toMatchObject({ name: "Aurora Labs", status: "active", mrr: 240000 });
		expect(customers.get("GS-2")).toMatchObject({ status: "at_risk", mrr: 115000 });
		expect(customers.get("GS-3")).toMatchObject({ status: "onboarding", mrr: 9900 });
		expect(customers.get("GS-4")).toMatchObject({ status: "churned", mrr: null });
		expect(contacts.size).toBe(4);
		expect(contacts.get("GS-1/ana.ruiz@aurora.example")).toMatchObject({
			name: "Ana Ruiz",
			title: "VP Operations",
			labels: ["billing", "exec-sponsor"],
			is_primary: true,
		});
		expect(contacts.get("GS-2/chen@brightfuture.example")?.labels).toEqual(["exec-sponsor", "technical"]);
	});

	it("German Excel CSV (Trennzeichen-getrennt) in windows-1252: decimal commas, euro signs, accents", async () => {
		const { customers } = await importSet("excel-de", { customers: "kunden.csv" }, [
			"--encoding",
			"windows-1252",
		]);
		expect(customers.size).toBe(4);
		expect(customers.get("K-1001")).toMatchObject({
			name: "Société Générale",
			domain: "societegenerale.example",
			status: "active",
			mrr: 1234556,
			slug: "societe-generale",
			metadata: { branche: "Banken" },
		});
		expect(customers.get("K-1002")).toMatchObject({ name: "Müller & Söhne GmbH", mrr: 129900 });
		expect(customers.get("K-1003")).toMatchObject({
			name: "Bäckerei Größer",
			status: "churned",
			mrr: 129900,
		});
		// A plain number in a column the map declares in euros.
		expect(customers.get("K-1004")).toMatchObject({ name: "Café Zürich", status: "onboarding", mrr: 45000 });
	});

	it("US Excel CSV UTF-8: BOM, dollar amounts, websites as URLs with www, ports and paths", async () => {
		const { customers } = await importSet("excel-us", { customers: "accounts.csv" });
		expect(customers.get("A-501")).toMatchObject({
			name: "Globex Corporation",
			domain: "globex.com",
			mrr: 129900,
		});
		expect(customers.get("A-502")).toMatchObject({ domain: "vandelay.example", mrr: 4999, plan: "Starter" });
		expect(customers.get("A-503")).toMatchObject({
			domain: "kramerica.example",
			status: "at_risk",
			mrr: 1200000,
		});
		expect(customers.get("A-504")).toMatchObject({ domain: "pendant.example", status: "churned", mrr: 0 });
	});

	it("a hand-kept sheet: outer spaces trimmed (a header too), repeated and non-Latin names, comma labels", async () => {
		const { customers, contacts } = await importSet("hand-kept", {
			customers: "customers.csv",
			contacts: "contacts.csv",
		});
		expect(customers.get("h-1")).toMatchObject({ name: "Acme Corp", status: "active", slug: "acme-corp" });
		expect(customers.get("h-2")).toMatchObject({ name: "Acme Corp", status: "active", slug: "acme-corp-2" });
		expect(customers.get("h-3")).toMatchObject({ name: "株式会社トヨタ", slug: "zhushihuishetoyota" });
		expect(customers.get("h-4")).toMatchObject({ status: "at_risk", slug: "elliniki-etaireia" });
		expect(customers.get("h-5")).toMatchObject({ name: "شركة أرامكو" });
		expect(contacts.get("h-1/tom@acme.example")).toMatchObject({
			labels: ["billing", "exec-sponsor"],
			phone: "+1 555 0100",
		});
		expect(contacts.get("h-2/tom.baker@acme.example")?.labels).toEqual(["billing", "technical"]);
		expect(contacts.get("h-3/taro.yamada@toyota.example")?.name).toBe("山田 太郎");
	});

	it("Pipedrive organizations and people: a plain-dollars MRR column with its unit declared in the map", async () => {
		const { customers, contacts } = await importSet("pipedrive-dollars", {
			customers: "organizations.csv",
			contacts: "people.csv",
		});
		expect(customers.get("12")).toMatchObject({
			name: "Stark Industries",
			domain: "starkindustries.example",
			mrr: 129900,
			status: "active",
			metadata: { owner: "Pepper Potts" },
		});
		expect(customers.get("13")?.mrr).toBe(2500000);
		expect(customers.get("14")).toMatchObject({ mrr: 0, status: "churned", domain: null });
		expect(contacts.get("12/happy@starkindustries.example")).toMatchObject({
			title: "Head of Security",
			phone: "+1 212 555 0199",
			labels: ["Hot lead", "VIP"],
		});
	});
});
