import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import type { PivotalRecord } from "../../src/api/types.js";
import type { Simulator } from "../../src/sim/index.js";
import { importToEnd, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

// A first sync adopts the Pivotal record a row stands for. Two records matching a row at the same
// level (a CRM id, an external id, an onboarding's name) are a duplicate someone must resolve:
// taking the first the list gives would overwrite a record picked by chance (finding O16).
const prepared = simulatorsPerTest();

/** Creates records straight through the API, as someone else (a CRM integration) would. */
async function made(sim: Simulator, pass: "customers" | "onboardings", bodies: object[], parentId?: string) {
	const api = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
	const records: PivotalRecord[] = [];
	for (const [n, body] of bodies.entries()) {
		const answer = await api.createRecord(
			pass,
			parentId,
			JSON.stringify(body),
			`by-hand-${pass}-${n}-${Date.now()}`,
		);
		records.push(answer.data as PivotalRecord);
	}
	await api.close();
	return records;
}

function live(sim: Simulator, pass: "customers" | "onboardings") {
	return sim.state()[pass].filter((r) => r.deleted !== true) as unknown as Record<string, unknown>[];
}

async function firstSync(sim: Simulator, dir: string, customers: string, onboardings?: string) {
	const files = {
		customers: join(dir, "customers.csv"),
		...(onboardings === undefined ? {} : { onboardings: join(dir, "onboardings.csv") }),
	};
	writeFileSync(files.customers, customers);
	if (onboardings !== undefined && files.onboardings) writeFileSync(files.onboardings, onboardings);
	return importToEnd(sim, files);
}

describe("a first sync's look-up that more than one record answers", () => {
	it("adopts neither of two customers sharing a CRM id, nor creates a third; each run says so", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const dups = await made(sim, "customers", [
			{ name: "Dup 1", slug: "dup-1", hubspot_company_id: "H1", mrr: 1 },
			{ name: "Dup 2", slug: "dup-2", hubspot_company_id: "H1", mrr: 2 },
		]);
		const csv = "external_id,name,hubspot_company_id,mrr\nh1,From File,H1,999\n";
		for (let run = 1; run <= 2; run += 1) {
			const { summary, failures } = await firstSync(sim, dir, csv);
			expect(summary.passes.customers).toMatchObject({ failed: 1, created: 0, updated: 0 });
			expect(failures.map((f) => [f.key, f.code])).toEqual([["h1", "ambiguous_match"]]);
			for (const dup of dups) expect(failures[0]?.message).toContain(dup.id);
		}
		const names = live(sim, "customers").map((c) => [c.name, c.mrr]);
		expect(names).toEqual([
			["Dup 1", 1],
			["Dup 2", 2],
		]);
	});

	it("adopts neither of two customers carrying the row's external id", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		await made(sim, "customers", [
			{ name: "Ext a", slug: "ext-a", metadata: { external_id: "ex-2" } },
			{ name: "Ext b", slug: "ext-b", metadata: { external_id: "ex-2" } },
		]);
		const { failures } = await firstSync(sim, dir, "external_id,name\nex-2,Ext2 From File\n");
		expect(failures.map((f) => [f.key, f.code])).toEqual([["ex-2", "ambiguous_match"]]);
		expect(live(sim, "customers").map((c) => c.name)).toEqual(["Ext a", "Ext b"]);
	});

	it("adopts neither of two onboardings of the row's name under its customer", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const [customer] = await made(sim, "customers", [
			{ name: "Oh", slug: "oh", metadata: { external_id: "oh-1" } },
		]);
		await made(
			sim,
			"onboardings",
			[
				{ customer_id: customer?.id, name: "Launch", notes: "first copy" },
				{ customer_id: customer?.id, name: "Launch", notes: "second copy" },
			],
			customer?.id,
		);
		const { failures } = await firstSync(
			sim,
			dir,
			"external_id,name\noh-1,Oh\n",
			"customer_external_id,name,notes\noh-1,Launch,from file\n",
		);
		expect(failures.map((f) => [f.pass, f.code])).toEqual([["onboardings", "ambiguous_match"]]);
		expect(live(sim, "onboardings").map((o) => o.notes)).toEqual(["first copy", "second copy"]);
	});
});
