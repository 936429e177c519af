/**
 * A create left in doubt by a kill (it reached Pivotal, its answer never written), then the row
 * edited before the next run: the same idempotency key with another body is refused by Pivotal
 * (409 idempotency_key_reused) for its whole retention. The run takes the record the earlier send
 * made and brings it up to the file, where it failed the record (and blocked its children) on
 * every run for a day (adversarial finding K-F1).
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

interface Row {
	readonly id: string;
	readonly name: string;
	readonly deleted?: boolean;
	readonly metadata?: { readonly external_id?: string };
	readonly customer_id?: string;
}

describe("a create in doubt whose row is edited before the next run", () => {
	it("is taken and updated, its children made under it; nothing made twice, exit 0", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		writeFileSync(customers, "external_id,name,slug\nx1,A One,a-one\nx2,B Two,b-two\n");
		writeFileSync(onboardings, "customer_external_id,name,phase,state\nx1,Rollout,program_design,active\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
		await killedMidCreate(sim, args, env, "/customers", 2);
		await until(() => (sim.counters().byRoute["POST /customers 201"] ?? 0) >= 2);
		sim.clearScriptedFaults();
		// The export changed overnight: x1 renamed.
		writeFileSync(customers, readFileSync(customers, "utf8").replace("A One", "A One Renamed"));

		const again = await runCli(args, { env });
		expect(again.stdout).not.toContain("idempotency_key_reused");
		expect(again.code).toBe(0);
		const live = (sim.state().customers as unknown as Row[]).filter((c) => !c.deleted);
		expect(live.map((c) => c.name).sort()).toEqual(["A One Renamed", "B Two"]);
		expect(sim.duplicates().total).toBe(0);
		const x1 = live.find((c) => c.metadata?.external_id === "x1");
		const onboarding = (sim.state().onboardings as unknown as Row[]).filter((o) => !o.deleted);
		expect(onboarding.map((o) => o.customer_id)).toEqual([x1?.id]);
		// A run after it has nothing to do: its opening GET /me alone.
		const third = await runCli(args, { env });
		expect(third.code).toBe(0);
		expect(third.stdout).toContain("requests 1 (");
	}, 60_000);

	it("edited in Pivotal too before the next run: Pivotal, asked, replays its create, so it is the import's and undo takes it back (finding AH1)", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		writeFileSync(customers, "external_id,name,mrr\nn1,November,100\nn2,Oscar,200\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--headless", "--yes"];
		await killedMidCreate(sim, args, env, "/customers");
		const live = () =>
			(sim.state().customers as unknown as (Row & { mrr?: number })[]).filter((c) => !c.deleted);
		await until(() => live().length >= 1);
		sim.clearScriptedFaults();
		const lost = live()[0];
		// A CSM edits it in Pivotal; the export changes too.
		const edited = await fetch(`${sim.baseUrl}/customers/${lost?.id}`, {
			method: "PATCH",
			headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
			body: JSON.stringify({ mrr: 250 }),
		});
		expect(edited.status).toBe(200);
		const row =
			lost?.metadata?.external_id === "n1" ? ["November,100", "November,300"] : ["Oscar,200", "Oscar,300"];
		writeFileSync(customers, readFileSync(customers, "utf8").replace(row[0] ?? "", row[1] ?? ""));
		// The plan says what becomes of it, where it read as a plain create (finding AH10).
		const plan = await runCli([...args, "--dry-run"], { env });
		expect(plan.stdout).toMatch(
			/customers: [12] whose create got no answer in an earlier run \(in doubt\) (is|are) looked up in Pivotal or sent again under the same idempotency key/,
		);

		const again = await runCli(args, { env });
		expect(again.code).toBe(0);
		expect(again.stdout + again.stderr).toContain(
			"was already created by an earlier run: Pivotal answered its create, sent again",
		);
		expect(sim.duplicates().total).toBe(0);
		expect(live().find((c) => c.id === lost?.id)?.mrr).toBe(300);
		// Both are the import's: undo takes both back.
		const undone = await runCli(["undo", customers, "--headless", "--yes"], { env });
		expect(undone.code).toBe(0);
		expect(live()).toEqual([]);
	}, 60_000);

	it("an onboarding whose lost create landed, renamed in Pivotal since: not made a second time without --recreate, past the key's retention too (finding AE5)", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		writeFileSync(customers, "external_id,name\nt-1,Tango One\n");
		writeFileSync(onboardings, "customer_external_id,name,notes\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
		expect((await runCli(args, { env })).code).toBe(0);
		writeFileSync(onboardings, "customer_external_id,name,notes\nt-1,Rollout,draft\n");
		await killedMidCreate(sim, args, env, "/onboardings");
		const made = () => (sim.state().onboardings as unknown as Row[]).filter((o) => !o.deleted);
		await until(() => made().length === 1);
		sim.clearScriptedFaults();
		// A CSM renames it in Pivotal; the export's notes change.
		const renamed = await fetch(`${sim.baseUrl}/onboardings/${made()[0]?.id}`, {
			method: "PATCH",
			headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
			body: JSON.stringify({ name: "Rollout (EMEA)" }),
		});
		expect(renamed.status).toBe(200);
		writeFileSync(onboardings, "customer_external_id,name,notes\nt-1,Rollout,kickoff booked\n");

		const again = await runCli(args, { env });
		expect(again.code).toBe(1);
		expect(again.stdout).toContain("landed_not_found");
		expect(made().map((o) => o.name)).toEqual(["Rollout (EMEA)"]);
		// The next run asks the same without sending the create again: past the server's retention of
		// the key, a send would make it.
		const posts = () => sim.counters().byRoute["POST /onboardings 201"] ?? 0;
		const postsBefore = posts();
		const failuresCsv = join(dir, "failures.csv");
		const resultsCsv = join(dir, "results.csv");
		const third = await runCli([...args, "--failures-csv", failuresCsv, "--results-csv", resultsCsv], {
			env,
		});
		expect(third.code).toBe(1);
		expect(third.stdout).toContain("landed_not_found");
		expect(sim.counters().byRoute["POST /onboardings 409"] ?? 0).toBe(1);
		// Its row is in the failures file, with its way out (finding AG1: its state keeps the
		// create's mark, which the file was listed from).
		const failed = readFileSync(failuresCsv, "utf8").split("\r\n");
		expect(failed[1]).toMatch(
			/^onboardings,2,409,landed_not_found,.*--recreate.*,t-1,Rollout,kickoff booked$/,
		);
		expect(failed.filter((line) => line !== "")).toHaveLength(2);
		// The results file says failed, as the summary counts it, not pending (finding AH2).
		const results = readFileSync(resultsCsv, "utf8").split("\r\n");
		expect(results.find((line) => line.startsWith("onboardings,"))).toMatch(
			/^onboardings,2,t-1\/name:Rollout,failed,,,landed_not_found,/,
		);
		expect(posts()).toBe(postsBefore);
		// Under --only update it is said the same, not as a row Pivotal never had (finding AG1).
		const onlyUpdate = await runCli([...args, "--only", "update"], { env });
		expect(onlyUpdate.code).toBe(1);
		expect(onlyUpdate.stdout).toContain("landed_not_found");
		expect(onlyUpdate.stdout).not.toContain("not_in_pivotal");
		// The plan says what the run does with it: a look-up, not a create (finding AG6).
		const plan = await runCli([...args, "--dry-run"], { env });
		expect(plan.stdout).toContain(
			"onboardings: 1 whose create Pivotal said landed, not found since (landed_not_found), is looked up again and never sent a second time",
		);
		const planAgain = await runCli([...args, "--dry-run", "--recreate"], { env });
		expect(planAgain.stdout).toContain(
			"is looked up once more and made anew where still not found (--recreate)",
		);
		expect(planAgain.stdout).not.toContain("never sent a second time");
		// Starting over is said to leave it unknown (finding AF5).
		const fresh = await runCli([...args, "--fresh", "--dry-run"], { env });
		expect(fresh.code).toBe(0);
		expect(fresh.stderr).toContain(
			"Note: the state --fresh sets aside holds 1 create Pivotal may have made (sent with no answer, or said landed and not found since)",
		);
		expect((await runCli([...args, "--dry-run"], { env })).stderr).not.toContain("--fresh sets aside");
		// Undo's advice is one that works for it: a run of the import does not find it either (AF3).
		const undoPlan = await runCli(["undo", customers, "--dry-run"], { env });
		expect(undoPlan.stdout).toContain(
			"Pivotal said it landed, and the import has not found it since (landed_not_found): running it again does not find it either.",
		);
		expect(undoPlan.stdout).not.toContain("Run the import again first");
		// Asked for: made again as the row says, beside the renamed one.
		const recreated = await runCli([...args, "--recreate"], { env });
		expect(recreated.code).toBe(0);
		expect(made().map((o) => o.name)).toEqual(["Rollout (EMEA)", "Rollout"]);
	}, 60_000);

	it("a contact whose lost create landed, its e-mail changed in Pivotal since: looked up, never sent again, and not made a second time (finding AE5)", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const contacts = join(dir, "k.csv");
		writeFileSync(customers, "external_id,name\nt-1,Tango One\n");
		writeFileSync(contacts, "customer_external_id,name,email,title\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--contacts", contacts, "--headless", "--yes"];
		expect((await runCli(args, { env })).code).toBe(0);
		writeFileSync(contacts, "customer_external_id,name,email,title\nt-1,Ann Ash,ann@kay.example,CTO\n");
		await killedMidCreate(sim, args, env, "/customers/:id/contacts");
		const made = () =>
			(sim.state().contacts as unknown as (Row & { email: string })[]).filter((c) => !c.deleted);
		await until(() => made().length === 1);
		sim.clearScriptedFaults();
		// Her address changes in Pivotal; the export's title changes.
		const changed = await fetch(`${sim.baseUrl}/contacts/${made()[0]?.id}`, {
			method: "PATCH",
			headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
			body: JSON.stringify({ email: "ann.ash@kay.example" }),
		});
		expect(changed.status).toBe(200);
		writeFileSync(contacts, "customer_external_id,name,email,title\nt-1,Ann Ash,ann@kay.example,CEO\n");

		const again = await runCli(args, { env });
		expect(again.code).toBe(1);
		expect(again.stdout).toContain("landed_not_found");
		const conflicts = () => sim.counters().byRoute["POST /customers/:id/contacts 409"] ?? 0;
		expect(conflicts()).toBe(1);
		const third = await runCli(args, { env });
		expect(third.code).toBe(1);
		expect(third.stdout).toContain("landed_not_found");
		expect(conflicts()).toBe(1);
		expect(made().map((c) => c.email)).toEqual(["ann.ash@kay.example"]);
	}, 60_000);

	it("once Pivotal forgot the key: the customer is found by its external id though its derived slug moved with the rename", async () => {
		const sim = await startSimulator({ rateLimit: 100_000, idempotencyTtlMs: 1 });
		sims.push(sim);
		const customers = join(tempDir(), "c.csv");
		// No slug column: each slug is derived from the name, so a rename moves it.
		writeFileSync(customers, "external_id,name\ne1,Echo One\ne2,Echo Two\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--headless", "--yes"];
		await killedMidCreate(sim, args, env, "/customers", 2);
		await until(() => (sim.counters().byRoute["POST /customers 201"] ?? 0) >= 2);
		sim.clearScriptedFaults();
		writeFileSync(customers, "external_id,name\ne1,Echo One Renamed\ne2,Echo Two\n");
		await new Promise((resolve) => setTimeout(resolve, 20));

		const again = await runCli(args, { env });
		expect(again.code).toBe(0);
		expect(sim.duplicates().total).toBe(0);
		const live = (sim.state().customers as unknown as Row[]).filter((c) => !c.deleted);
		expect(live.map((c) => c.name).sort()).toEqual(["Echo One Renamed", "Echo Two"]);
	}, 60_000);
});
