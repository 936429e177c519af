/**
 * A DELETE or PATCH of a sync that reached Pivotal, whose answer the binary never recorded
 * (answered 503 after the work, then the process was killed), must not be forgotten when the
 * next run no longer plans it: the row put back, an undo, a run without the rule.
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

const CUSTOMERS = ["external_id,name,slug,domain", "c1,One,one,one.example", "c2,Two,two,two.example"];
const CONTACTS_HEADER = "customer_external_id,name,email,title";
const ANN = "c1,Ann,ann@one.example,CTO";
const BOB = "c2,Bob,bob@two.example,CEO";

async function setUp() {
	const sim = await startSimulator({ port: 0, rateLimit: 100_000 });
	sims.push(sim);
	const dir = tempDir();
	const customers = join(dir, "customers.csv");
	const contacts = join(dir, "contacts.csv");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const write = (c: readonly string[], k: readonly string[]) => {
		writeFileSync(customers, `${c.join("\n")}\n`);
		writeFileSync(contacts, `${[CONTACTS_HEADER, ...k].join("\n")}\n`);
	};
	const args = (...extra: string[]) => [
		"import",
		customers,
		"--contacts",
		contacts,
		"--headless",
		"--yes",
		...extra,
	];
	const live = (kind: "customers" | "contacts") =>
		(sim.state()[kind] as unknown as Record<string, unknown>[]).filter((r) => r.deleted !== true);
	write(CUSTOMERS, [ANN, BOB]);
	expect((await runCli(args(), { env })).code).toBe(0);
	/** Starts `extra`, kills it once `route` has answered `status` once. */
	const killedAt = async (route: string, extra: readonly string[]) => {
		const { child, result } = startCli(args(...extra), { env });
		await until(() => (sim.counters().byRoute[route] ?? 0) >= 1);
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		sim.clearScriptedFaults();
	};
	return { sim, env, write, args, live, killedAt, customers };
}

describe("a DELETE that landed before a kill", { timeout: 90_000 }, () => {
	it("the row put back, a plain import creates the contact again instead of calling it unchanged", async () => {
		const s = await setUp();
		s.write(CUSTOMERS, [BOB]);
		s.sim.pushFault({ method: "DELETE", route: "/contacts/:id", status: 503, when: "after", times: 1000 });
		await s.killedAt("DELETE /contacts/:id 503", ["--delete-missing", "--max-deletes", "5"]);
		expect(s.live("contacts").map((c) => c.email)).toEqual(["bob@two.example"]);
		s.write(CUSTOMERS, [ANN, BOB]);
		const again = await runCli(s.args(), { env: s.env });
		expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
		expect(
			s
				.live("contacts")
				.map((c) => c.email)
				.sort(),
		).toEqual(["ann@one.example", "bob@two.example"]);
		expect(s.live("contacts").find((c) => c.email === "ann@one.example")).toMatchObject({ title: "CTO" });
	});

	it("undo re-creates what the killed --delete-missing run deleted", async () => {
		const s = await setUp();
		s.write(CUSTOMERS, [BOB]);
		s.sim.pushFault({ method: "DELETE", route: "/contacts/:id", status: 503, when: "after", times: 1000 });
		await s.killedAt("DELETE /contacts/:id 503", ["--delete-missing", "--max-deletes", "5"]);
		const undo = await runCli(["undo", s.customers, "--headless", "--yes"], { env: s.env });
		expect(undo.code, `${undo.stdout}${undo.stderr}`).toBe(0);
		expect(
			s
				.live("contacts")
				.map((c) => c.email)
				.sort(),
		).toEqual(["ann@one.example", "bob@two.example"]);
	});
});

describe("an --empty clear PATCH that landed before a kill", { timeout: 90_000 }, () => {
	it("a run without --empty clear reads it back: the state follows Pivotal, the next clear-less run is honest", async () => {
		const s = await setUp();
		s.write(["external_id,name,slug,domain", "c1,One,one,", "c2,Two,two,two.example"], [ANN, BOB]);
		s.sim.pushFault({ method: "PATCH", route: "/customers/:id", status: 503, when: "after", times: 1000 });
		await s.killedAt("PATCH /customers/:id 503", ["--empty", "clear"]);
		const one = () => s.live("customers").find((c) => c.slug === "one");
		expect(one()).toMatchObject({ domain: null });
		// The export has the domain again: the run must put it back, not call it unchanged.
		s.write(CUSTOMERS, [ANN, BOB]);
		const again = await runCli(s.args(), { env: s.env });
		expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
		expect(one()).toMatchObject({ domain: "one.example" });
	});
});
