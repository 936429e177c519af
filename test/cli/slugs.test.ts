import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const prepared = simulatorsPerTest();

// Ten scripts, two pairs of identical names, a name with no letters at all, and a name whose
// slug an unrelated customer already holds in Pivotal.
const NAMES = [
	"株式会社トヨタ",
	"阿里巴巴集团",
	"삼성전자",
	"Ελληνική Εταιρεία",
	"شركة أرامكو",
	"टाटा मोटर्स",
	"บริษัท ไทย",
	"Газпром",
	"עוף טוב",
	"ქართული ბანკი",
	"Société Générale",
	"Acme",
	"Acme",
	"삼성전자",
	"Globex",
	"★☆",
	"Umbrella",
	"Initech",
	"Stark Industries",
	"Wayne Enterprises",
];

describe("derived slugs (through the binary)", () => {
	it("20 customers in ten scripts with repeated names and one slug held by another customer: all created once, unique slugs, the other customer untouched", async () => {
		const { sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const held = await fetch(`${sim.baseUrl}/customers`, {
			method: "POST",
			headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
			body: JSON.stringify({
				name: "Globex Holdings (hand-made)",
				slug: "globex",
				metadata: { owner: "ops" },
			}),
		});
		expect(held.status).toBe(201);
		const before = sim.state().customers.find((c) => c.slug === "globex");

		const dir = tempDir();
		const file = join(dir, "customers.csv");
		const rows = NAMES.map((name, i) => `c-${i + 1},"${name}"`);
		writeFileSync(file, `external_id,name\n${rows.join("\n")}\n`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };

		const dry = await runCli(["import", file, "--dry-run"], { env });
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain("customers: 20 without a slug get one derived from the name");
		expect(dry.stdout).toContain("c-1 (line 2): slug zhushihuishetoyota");
		expect(dry.stdout).toContain("…and 15 more");

		const result = await runCli(["import", file, "--yes"], { env });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);

		const state = sim.state();
		const ours = state.customers.filter((c) => (c.metadata as Record<string, unknown> | null)?.external_id);
		expect(ours).toHaveLength(20);
		expect(simTotals(sim)).toMatchObject({ customers: 21, duplicates: 0 });
		const slugOf = new Map(
			ours.map((c) => [String((c.metadata as Record<string, unknown>).external_id), c.slug]),
		);
		expect(new Set(slugOf.values()).size).toBe(20);
		expect(slugOf.get("c-1")).toBe("zhushihuishetoyota");
		expect(slugOf.get("c-4")).toBe("elliniki-etaireia");
		expect(slugOf.get("c-8")).toBe("gazprom");
		expect(slugOf.get("c-11")).toBe("societe-generale");
		expect(slugOf.get("c-12")).toBe("acme");
		expect(slugOf.get("c-13")).toBe("acme-2");
		expect(slugOf.get("c-3")).toBe("samseongjeonja");
		expect(slugOf.get("c-14")).toBe("samseongjeonja-2");
		expect(slugOf.get("c-16")).toBe("customer-c-16");
		// The held slug got a suffix; the hand-made customer was neither adopted nor changed.
		expect(slugOf.get("c-15")).toMatch(/^globex-[0-9a-z]{6}$/);
		const after = sim.state().customers.find((c) => c.slug === "globex");
		expect(after).toEqual(before);

		// A second run changes nothing and creates nothing.
		const again = await runCli(["import", file, "--yes"], { env });
		expect(again.code).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 21, duplicates: 0 });
	});
});
