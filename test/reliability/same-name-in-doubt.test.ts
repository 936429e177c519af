/**
 * Two onboardings of one customer with the same name (keyed by position, `#1` and `#2`); the
 * second's create is out when the run is killed, and lands. The resume's look-up must not take
 * the first row's record for the second (it would overwrite the first's values and leave the
 * real record orphaned, two keys on one id): it takes the record no other row holds (adversarial
 * finding J14).
 */
import { readFileSync, writeFileSync } from "node:fs";
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

interface Onboarding {
	readonly id: string;
	readonly name: string;
	readonly notes?: string;
	readonly deleted?: boolean;
}

describe("an in-doubt create of an onboarding whose name repeats", () => {
	it("the resume adopts the record the create made, not its same-named sibling's", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		writeFileSync(customers, "external_id,name,slug\nx1,A One,a-one\n");
		const header = "customer_external_id,name,phase,state,notes\n";
		writeFileSync(onboardings, `${header}x1,Rollout,program_design,active,kept\n`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		// An import made the customer and its onboarding; a later export adds two of one name.
		expect(
			(await runCli(["import", customers, "--onboardings", onboardings, "--headless", "--yes"], { env }))
				.code,
		).toBe(0);
		// Eight of one name, keyed by position: the list's order (by id) cannot pick the right one by chance.
		const phases = Array.from({ length: 8 }, (_, i) => `x1,Phase,program_design,active,n${i + 1}\n`).join("");
		writeFileSync(onboardings, `${header}x1,Rollout,program_design,active,kept\n${phases}`);
		sim.pushFault({
			method: "POST",
			route: "/onboardings",
			match: { notes: "n8" },
			kind: "hang",
			hangMs: 1_500,
		});
		const args = [
			"import",
			customers,
			"--onboardings",
			onboardings,
			"--headless",
			"--yes",
			"--concurrency",
			"1",
		];
		const { child, result } = startCli(args, { env });
		await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		// The server carries out the create it held.
		const all = () => sim.state().onboardings as unknown as Onboarding[];
		await until(() => all().length >= 9);
		sim.clearScriptedFaults();

		const again = await runCli(args, { env });
		expect(again.code).toBe(0);
		const live = all().filter((o) => !o.deleted);
		// Each row's values are in Pivotal once: nothing overwritten, nothing orphaned.
		expect(live.map((o) => o.notes).sort()).toEqual(
			[...Array.from({ length: 8 }, (_, i) => `n${i + 1}`), "kept"].sort(),
		);
		const state = readFileSync(`${customers}.checkpoint.json`, "utf8");
		const ids = [...state.matchAll(/"k":"x1\/[^"]+","v":\{"s":"done"[^\n]*?"id":"([^"]+)"/g)].map(
			(m) => m[1],
		);
		expect(ids).toHaveLength(9);
		expect(new Set(ids).size).toBe(9);
		expect(ids.sort()).toEqual(live.map((o) => o.id).sort());
	}, 60_000);

	it("a sibling made after the one in doubt (newer, so listed first) is not taken for it", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const onboardings = join(dir, "o.csv");
		writeFileSync(customers, "external_id,name,slug\nx1,A One,a-one\n");
		const header = "customer_external_id,name,phase,state,notes\n";
		writeFileSync(onboardings, `${header}x1,Rollout,program_design,active,kept\n`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = [
			"import",
			customers,
			"--onboardings",
			onboardings,
			"--headless",
			"--yes",
			"--concurrency",
			"2",
		];
		expect((await runCli(args, { env })).code).toBe(0);
		writeFileSync(
			onboardings,
			`${header}x1,Rollout,program_design,active,kept\nx1,Phase,program_design,active,n1\nx1,Phase,program_design,active,n2\n`,
		);
		// n1's create is made, but its answer never arrives (the connection drops, every try): the
		// run gives it up, in doubt; n2's is made after it (newer: listed first) and answered.
		sim.pushFault({
			method: "POST",
			route: "/onboardings",
			match: { notes: "n1" },
			kind: "reset",
			when: "after",
		});
		const all = () => sim.state().onboardings as unknown as Onboarding[];
		await runCli(args, { env });
		sim.clearScriptedFaults();
		expect(all()).toHaveLength(3);
		const madeFirst = all().find((o) => o.notes === "n1");

		expect((await runCli(args, { env })).code).toBe(0);
		const live = all().filter((o) => !o.deleted);
		expect(live.map((o) => o.notes).sort()).toEqual(["kept", "n1", "n2"]);
		expect(live.find((o) => o.notes === "n1")?.id).toBe(madeFirst?.id);
		// Nothing made twice: the three records the files name, no more.
		expect(all()).toHaveLength(3);
	}, 60_000);
});
