/**
 * An undo never takes away a record the import found in Pivotal: a customer it created holding a
 * contact someone else made there (adopted by a later run) stays, since deleting the customer
 * takes its contacts out of Pivotal's lists (adversarial finding AG2).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

type Row = {
	readonly id: string;
	readonly deleted?: boolean;
	readonly email?: string;
	readonly name?: string;
};

describe("undo of a customer the import created with a contact it adopted under it", () => {
	it("keeps the customer and says so, exit 1; takes back the rest", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		const contacts = join(dir, "contacts.csv");
		writeFileSync(customers, "external_id,name\nk-1,Kilo One\nk-2,Kilo Two\n");
		writeFileSync(contacts, "customer_external_id,name,email\nk-2,Lima Own,lima@k2.example\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const importArgs = ["import", customers, "--contacts", contacts, "--headless", "--yes"];
		expect((await runCli(importArgs, { env })).code).toBe(0);
		const live = (rows: unknown) => (rows as Row[]).filter((r) => !r.deleted);
		const k1 = live(sim.state().customers).find((c) => c.name === "Kilo One");
		// A CSM adds a contact under the new customer in Pivotal; the next export has it too.
		const added = await fetch(`${sim.baseUrl}/customers/${k1?.id}/contacts`, {
			method: "POST",
			headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
			body: JSON.stringify({ name: "Mike Theirs", email: "mike@k1.example" }),
		});
		expect(added.status).toBe(201);
		writeFileSync(
			contacts,
			"customer_external_id,name,email\nk-2,Lima Own,lima@k2.example\nk-1,Mike Theirs,mike@k1.example\n",
		);
		const synced = await runCli(importArgs, { env });
		expect(synced.code).toBe(0);
		expect(synced.stdout).toMatch(/contacts\s+2\s+2\s+0\s+1\s+0\s+1/);

		const plan = await runCli(["undo", customers, "--all", "--dry-run"], { env });
		expect(plan.stdout).toContain(
			"Kept: 1 customer this import created (k-1): it holds records the import found in Pivotal and adopted",
		);
		expect(plan.stdout).toMatch(/customers\s+1\s+0/);
		const summary = join(dir, "undo.md");
		const undone = await runCli(
			["undo", customers, "--all", "--headless", "--yes", "--summary-md", summary],
			{
				env,
			},
		);
		expect(undone.code).toBe(1);
		const notTakenBack =
			"Not taken back: 1 customer this import created (k-1), kept: records it found in Pivotal and adopted are under it.";
		expect(undone.stdout).toContain(notTakenBack);
		// Its headline is not "taken back" (finding AJ4).
		expect(undone.stdout).toMatch(/Undo \w+: taken back in part \(what is not, below\)/);
		// Whole in the Markdown summary too, where nothing was said above it (finding AI3).
		expect(readFileSync(summary, "utf8").replaceAll("\\", "")).toContain(`> ${notTakenBack}`);
		expect(live(sim.state().customers).map((c) => c.name)).toEqual(["Kilo One"]);
		expect(live(sim.state().contacts).map((c) => c.email)).toEqual(["mike@k1.example"]);
		// Again: nothing else to take back, and not "nothing to undo"; under --json, named in the plan's line.
		const again = await runCli(["undo", customers, "--all", "--headless", "--yes", "--json"], { env });
		expect(again.code).toBe(1);
		const planLine = JSON.parse(again.stdout.split("\n")[0] ?? "") as { type: string; kept?: unknown };
		expect(planLine).toMatchObject({
			type: "undo-plan",
			kept: { pass: "customers", keys: ["k-1"], count: 1 },
		});
		expect(again.stdout + again.stderr).toContain(
			`Nothing undone: ${notTakenBack.replace("Not taken back: ", "")} Nothing was sent.`,
		);
		expect(again.stdout + again.stderr).not.toContain("Nothing to undo");
		expect(live(sim.state().customers).map((c) => c.name)).toEqual(["Kilo One"]);
	}, 60_000);
});
