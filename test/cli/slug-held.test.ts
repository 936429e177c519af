/**
 * A file's own slug that another customer holds in Pivotal is suffixed on create: the state
 * records the slug sent, which Pivotal holds, not the file's, so a later sync compares the file
 * with what is there (adversarial findings V12, Z8: the state and Pivotal disagreed for good).
 * While the other customer still holds it, a sync sends the row's other changes without it and
 * fails nothing (W4: the whole update failed every night).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simulatorsClosedAfterEach, TEST_KEY, tempDir } from "../support/import-harness.js";

const startSim = simulatorsClosedAfterEach();

describe("a file's slug another customer holds", { timeout: 60_000 }, () => {
	it("is suffixed on create, the state records the slug sent, and a sync after it is freed sends the file's", async () => {
		const sim = await startSim({ seed: 71, rateLimit: 100_000 });
		const made = await fetch(`${sim.baseUrl}/customers`, {
			method: "POST",
			headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
			body: JSON.stringify({ name: "Someone Else", slug: "slug-co-0", metadata: { external_id: "other-0" } }),
		});
		expect(made.status).toBe(201);
		const otherId = ((await made.json()) as { id: string }).id;
		const csv = join(tempDir("pivotal-slug-held-"), "c.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		writeFileSync(csv, "external_id,name,slug\nerp-0,Slug Co 0,slug-co-0\n");
		expect((await runCli(["import", csv, "--headless", "--yes"], { env })).code).toBe(0);
		const ours = sim
			.state()
			.customers.find((c) => (c.metadata as Record<string, unknown>).external_id === "erp-0");
		expect(ours?.slug).toMatch(/^slug-co-0-/);
		const state = readFileSync(`${csv}.checkpoint.json`, "utf8");
		expect(state).toContain(`"slug":"${ours?.slug}"`);

		// Still held: the slug alone is no failure; a rename goes without it.
		const held = await runCli(["import", csv, "--headless", "--yes"], { env });
		expect(held.code, held.stdout + held.stderr).toBe(0);
		expect(held.stdout + held.stderr).toContain('slug "slug-co-0" is held by another customer');
		writeFileSync(csv, "external_id,name,slug\nerp-0,Slug Co Zero,slug-co-0\n");
		const renamed = await runCli(["import", csv, "--headless", "--yes"], { env });
		expect(renamed.code, renamed.stdout + renamed.stderr).toBe(0);
		const now = sim
			.state()
			.customers.find((c) => (c.metadata as Record<string, unknown>).external_id === "erp-0");
		expect(now).toMatchObject({ name: "Slug Co Zero", slug: ours?.slug });

		// The other customer gone, the file's slug is free: the sync sends it.
		const gone = await fetch(`${sim.baseUrl}/customers/${otherId}`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${TEST_KEY}` },
		});
		expect(gone.status).toBeLessThan(300);
		const sync = await runCli(["import", csv, "--headless", "--yes"], { env });
		expect(sync.code, sync.stderr).toBe(0);
		expect(
			sim.state().customers.find((c) => (c.metadata as Record<string, unknown>).external_id === "erp-0")
				?.slug,
		).toBe("slug-co-0");
	});
});
