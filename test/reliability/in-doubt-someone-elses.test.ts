/**
 * A customer create left in doubt whose POST never reached Pivotal, then someone else makes a
 * customer with that external id (another tool, a person in Pivotal's UI). The next run finds it
 * by its external id; it holds other values than the row, so nothing proves this import made it:
 * it is adopted as existing, and `undo` puts its fields back instead of deleting it (adversarial
 * finding M6). A create in doubt that did land, with the row unchanged, stays this import's.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

interface Customer {
	readonly id: string;
	readonly name: string;
	readonly slug: string;
	readonly deleted?: boolean;
	readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Every try of id2's create has its connection cut, before the server reads it or after it answered. */
function cutCreates(sim: Simulator, when: "before" | "after"): void {
	sim.pushFault({ method: "POST", route: "/customers", match: { name: "ID Two" }, kind: "reset", when });
}

async function setUp() {
	const sim = await startSimulator({ rateLimit: 100_000 });
	sims.push(sim);
	const customers = join(tempDir(), "c.csv");
	writeFileSync(customers, "external_id,name\nid1,ID One\n");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const args = ["import", customers, "--headless", "--yes"];
	expect((await runCli(args, { env })).code).toBe(0);
	writeFileSync(customers, "external_id,name\nid1,ID One\nid2,ID Two\n");
	const live = () => (sim.state().customers as unknown as Customer[]).filter((c) => !c.deleted);
	return { sim, customers, env, args, live };
}

describe("a customer create in doubt, then found by its external id", () => {
	it("made by someone else (other values): adopted as existing, and undo puts it back rather than deleting it", async () => {
		const { sim, customers, env, args, live } = await setUp();
		// id2's create never reaches Pivotal: every try is cut before the server reads it, and the
		// run is killed while it retries.
		cutCreates(sim, "before");
		const { child, result } = startCli(args, { env });
		await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 2);
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		sim.clearScriptedFaults();
		expect(live().map((c) => c.name)).toEqual(["ID One"]);
		// Sales makes its own customer for the same external id.
		const made = await fetch(`${sim.baseUrl}/customers`, {
			method: "POST",
			headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
			body: JSON.stringify({
				name: "ID Two (made by Sales)",
				slug: "sales-id-two",
				metadata: { external_id: "id2", owner: "sales" },
			}),
		});
		expect(made.status).toBe(201);

		const resumed = await runCli(args, { env });
		expect(resumed.code).toBe(0);
		expect(resumed.stdout).toContain("adopted");
		expect(resumed.stdout).toContain("as existing");
		// created 0, existed 0, updated 1 (renamed to the row's name), unchanged 1.
		expect(resumed.stdout).toMatch(/customers\s+2\s+2\s+0\s+0\s+1\s+1\s+0/);
		expect(
			live()
				.map((c) => c.name)
				.sort(),
		).toEqual(["ID One", "ID Two"]);
		expect(sim.duplicates().total).toBe(0);

		const undo = await runCli(["undo", customers, "--yes"], { env });
		expect(undo.code).toBe(0);
		const sales = live().find((c) => c.metadata?.external_id === "id2");
		expect(sales?.name).toBe("ID Two (made by Sales)");
		expect(sales?.metadata?.owner).toBe("sales");
	}, 60_000);

	it("that did land, the row unchanged: still this import's, and undo takes it back", async () => {
		const { sim, customers, env, args, live } = await setUp();
		// id2's create is made, its answer cut on every try: in doubt, though Pivotal holds it.
		cutCreates(sim, "after");
		await runCli(args, { env });
		sim.clearScriptedFaults();
		expect(
			live()
				.map((c) => c.name)
				.sort(),
		).toEqual(["ID One", "ID Two"]);

		const resumed = await runCli(args, { env });
		expect(resumed.code).toBe(0);
		expect(sim.duplicates().total).toBe(0);
		const undo = await runCli(["undo", customers, "--yes"], { env });
		expect(undo.code).toBe(0);
		expect(live().map((c) => c.name)).toEqual(["ID One"]);
	}, 60_000);
});
