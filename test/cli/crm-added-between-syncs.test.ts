/**
 * A customer a CRM integration added between two syncs (its HubSpot company id, name and slug,
 * no external id) is the new row's: the sync adopts it, as a first sync would, where it made a
 * second one under a suffixed slug (adversarial finding Q13).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

describe("a customer a CRM integration added between syncs", { timeout: 60_000 }, () => {
	it("is adopted by the new row that carries its CRM id, not made twice; one that only shares the slug is not", async () => {
		const sim = await startSimulator({ seed: 7, rateLimit: 100_000 });
		sims.push(sim);
		const file = join(tempDir("pivotal-crm-between-"), "c.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", file, "--headless", "--yes"];
		writeFileSync(file, "external_id,name,hubspot_company_id\nc1,One Co,HS-1\n");
		expect((await runCli(args, { env })).code).toBe(0);

		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const integration = await client.createCustomer(
			JSON.stringify({ name: "Two Co", slug: "two-co", hubspot_company_id: "HS-2" }),
			"crm-integration-1",
		);
		const unrelated = await client.createCustomer(
			JSON.stringify({ name: "Three Co", slug: "three-co", hubspot_company_id: "HS-OTHER" }),
			"someone-else-1",
		);
		await client.close();

		writeFileSync(
			file,
			"external_id,name,hubspot_company_id\nc1,One Co,HS-1\nc2,Two Co,HS-2\nc3,Three Co,HS-3\n",
		);
		const run = await runCli(args, { env });
		expect(run.code, run.stderr).toBe(0);
		const live = sim.state().customers.filter((c) => !c.deleted);
		const twos = live.filter((c) => c.hubspot_company_id === "HS-2");
		expect(twos.map((c) => c.id)).toEqual([integration.data.id]);
		expect(twos[0]?.metadata).toMatchObject({ external_id: "c2" });
		// The slug alone is no identity: Three Co stays someone else's, ours gets its own slug.
		const threes = live.filter((c) => c.name === "Three Co").map((c) => c.id);
		expect(threes).toHaveLength(2);
		expect(threes).toContain(unrelated.data.id);
		expect(live).toHaveLength(4);
	});
});
