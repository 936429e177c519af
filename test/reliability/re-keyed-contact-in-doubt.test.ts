/**
 * A contact whose create got no answer, its row's e-mail changed before the next run: the row is
 * another record to the state (a contact is known by its e-mail under its customer), and the
 * create may be in Pivotal. Refused before anything is sent, where a second contact was made for
 * the same person and the first left where no run could reach it (adversarial finding AH5).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { killedMidCreate, until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

type Contact = { readonly email: string; readonly deleted?: boolean };

describe("a contact in doubt whose row's e-mail changed", () => {
	it("is refused before anything is sent; its advice followed, the first contact is the import's, which undo reaches", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		const contacts = join(dir, "contacts.csv");
		writeFileSync(customers, "external_id,name\nv1,Victor\n");
		writeFileSync(contacts, "customer_external_id,name,email\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--contacts", contacts, "--headless", "--yes"];
		expect((await runCli(args, { env })).code).toBe(0);
		writeFileSync(contacts, "customer_external_id,name,email\nv1,Wu Wei,wu@v.example\n");
		await killedMidCreate(sim, args, env, "/customers/:id/contacts");
		const live = () => (sim.state().contacts as unknown as Contact[]).filter((c) => !c.deleted);
		await until(() => live().length === 1);
		sim.clearScriptedFaults();
		// The export now has the person under a new e-mail.
		writeFileSync(contacts, readFileSync(contacts, "utf8").replace("wu@v.example", "wu.new@v.example"));
		const posts = () => sim.counters().byRoute["POST /customers/:id/contacts 201"] ?? 0;
		const before = posts();

		const refused = await runCli(args, { env });
		expect(refused.code).toBe(2);
		expect(refused.stderr + refused.stdout).toContain(
			`line 2's "Wu Wei" ("v1/wu.new@v.example") has the name of a contact of its customer whose create an earlier run sent with the e-mail "wu@v.example" and got no answer`,
		);
		expect(posts()).toBe(before);
		expect(live().map((c) => c.email)).toEqual(["wu@v.example"]);
		// Followed: the old e-mail back for one run, then the new one.
		writeFileSync(contacts, "customer_external_id,name,email\nv1,Wu Wei,wu@v.example\n");
		expect((await runCli(args, { env })).code).toBe(0);
		writeFileSync(contacts, "customer_external_id,name,email\nv1,Wu Wei,wu.new@v.example\n");
		const moved = await runCli(args, { env });
		expect(moved.code, moved.stdout + moved.stderr).toBe(0);
		expect(
			live()
				.map((c) => c.email)
				.sort(),
		).toEqual(["wu.new@v.example", "wu@v.example"]);
		// Both are the import's: undo reaches the first too.
		const undo = await runCli(["undo", customers, "--all", "--dry-run"], { env });
		expect(undo.stdout).toMatch(/contacts\s+2\s+0/);
	}, 60_000);
});
