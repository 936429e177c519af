/**
 * `undo` of a run killed with a create out: that create got no answer and may be in Pivotal, so
 * the undo does not say the run "changed nothing" (adversarial finding U5): it says what it
 * cannot take back and how to, exits 2, and sends nothing; the import run again records the
 * create, and the undo then takes it back.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createLeftInDoubt } from "../support/create-left-in-doubt.js";
import { simulatorsClosedAfterEach, TEST_KEY, tempDir } from "../support/import-harness.js";

const startSim = simulatorsClosedAfterEach();

describe("undo says what it takes back, and what it cannot", { timeout: 60_000 }, () => {
	it("says the create may be in Pivotal and sends nothing; after the import runs again, the undo takes it back", async () => {
		const { sim, file, env, live } = await importedOnce(41);
		writeFileSync(file, "external_id,name\nu1,U One\nu2,U Two\n");
		await createLeftInDoubt(sim, ["import", file, "--headless", "--yes"], env, () => live().length === 2);
		const requests = sim.counters().requests;

		const undo = await runCli(["undo", file, "--yes"], { env });
		expect(undo.code, undo.stdout).toBe(2);
		expect(undo.stdout).toContain(
			"Nothing undone: 1 create of run 2 got no answer: it may be in Pivotal, and this undo cannot take it back. Run the import again first",
		);
		expect(undo.stdout).not.toContain("changed anything");
		expect(sim.counters().requests).toBe(requests);
		expect(live()).toEqual(["U One", "U Two"]);

		// As it says: the import records the create, and the undo takes the run back.
		expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
		const again = await runCli(["undo", file, "--yes"], { env });
		expect(again.code, again.stdout).toBe(0);
		expect(live()).toEqual(["U One"]);
	});

	it("under --yes with other changes to take back: says it goes on, and what running the import afterwards costs (finding AC5)", async () => {
		const { sim, file, env, live } = await importedOnce(43);
		// Run 2 makes u2, then is killed while u3's create is held.
		writeFileSync(file, "external_id,name\nu1,U One\nu2,U Two\nu3,U Three\n");
		await createLeftInDoubt(sim, ["import", file, "--headless", "--yes"], env, () => live().length === 3, {
			match: { name: "U Three" },
		});

		const undo = await runCli(["undo", file, "--yes"], { env });
		// Finished, one record not taken back (adversarial finding AD5).
		expect(undo.code, undo.stdout).toBe(1);
		expect(undo.stdout).toContain("Not taken back: 1 create that got no answer, which may be in Pivotal.");
		expect(undo.stdout).toContain(
			"1 create of run 2 got no answer: it may be in Pivotal, and this undo cannot take it back. This undo goes on with the rest (--yes). To take it back too, run the import again, which makes again what this undo takes back, then undo again.",
		);
		expect(undo.stdout).not.toContain("Run the import again first");
		expect(live()).toEqual(["U One", "U Three"]);
	});

	it("counts a create given up after it went out, every answer lost, among those it cannot take back (finding AG3)", async () => {
		const { sim, file, env, live } = await importedOnce(44);
		writeFileSync(file, "external_id,name\nu1,U One\nu2,U Two\nu3,U Three\n");
		// u3's every try is cut before an answer: the run gives it up, failed, and may have made it.
		sim.pushFault({
			method: "POST",
			route: "/customers",
			match: { name: "U Three" },
			kind: "reset",
			when: "before",
		});
		const run = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(run.code, run.stdout).toBe(1);
		sim.clearScriptedFaults();

		const undo = await runCli(["undo", file, "--yes"], { env });
		expect(undo.code, undo.stdout).toBe(1);
		expect(undo.stdout).toContain("Not taken back: 1 create that got no answer");
		expect(live()).toEqual(["U One"]);
	});

	it("names whose import it takes back, and says so when --checkpoint names another import's state (finding U18)", async () => {
		const sim = await startSim({ seed: 42, rateLimit: 100_000 });
		const dir = tempDir("pivotal-undo-whose-");
		const mine = join(dir, "customers.csv");
		const other = join(dir, "other.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		writeFileSync(mine, "external_id,name\nm1,Mine\n");
		writeFileSync(other, "external_id,name\nz1,Zed One\n");
		for (const file of [mine, other])
			expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
		const dry = await runCli(["undo", mine, "--checkpoint", `${other}.checkpoint.json`, "--dry-run"], {
			env,
		});
		expect(dry.stdout).toContain(
			`Undo of run 1 of the import made from other.csv (state ${other}.checkpoint.json)`,
		);
		expect(dry.stdout).toContain(
			`Note: ${other}.checkpoint.json is the state of the import made from other.csv, not customers.csv: this undo takes back that import's run.`,
		);
		const own = await runCli(["undo", mine, "--dry-run"], { env });
		expect(own.stdout).toContain(
			`Undo of run 1 of the import made from customers.csv (state ${mine}.checkpoint.json)`,
		);
		expect(own.stdout).not.toContain("Note:");
	});
});

/** A simulator and an import of one customer, u1, run once. */
async function importedOnce(seed: number) {
	const sim = await startSim({ seed, rateLimit: 100_000 });
	const file = join(tempDir("pivotal-undo-doubt-"), "c.csv");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const live = () =>
		sim
			.state()
			.customers.filter((c) => !c.deleted)
			.map((c) => String(c.name))
			.sort();
	writeFileSync(file, "external_id,name\nu1,U One\n");
	expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
	return { sim, file, env, live };
}
