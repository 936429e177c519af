/**
 * "The same command" that resumes an interrupted undo must not take a second run back once the
 * undo finished (adversarial finding Q1): a wrapper that retries a killed step, a CI job run
 * again, would otherwise delete the import before the sync it meant to take back.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { simulatorsClosedAfterEach, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const startSim = simulatorsClosedAfterEach();

const live = (sim: Simulator) =>
	sim
		.state()
		.customers.filter((c) => !c.deleted)
		.map((c) => c.name)
		.sort();

/** Run 1 imports u1, run 2 adds u2, and an undo takes run 2 back. */
async function importedThenUndone() {
	const sim = await startSim({ seed: 7, rateLimit: 100_000 });
	const file = join(tempDir("pivotal-undo-again-"), "c.csv");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const importArgs = ["import", file, "--headless", "--yes"];
	const undoArgs = ["undo", file, "--headless", "--yes"];
	writeFileSync(file, "external_id,name\nu1,Undo One\n");
	expect((await runCli(importArgs, { env })).code).toBe(0);
	writeFileSync(file, "external_id,name\nu1,Undo One\nu2,Undo Two\n");
	expect((await runCli(importArgs, { env })).code).toBe(0);
	expect((await runCli(undoArgs, { env })).code).toBe(0);
	return { sim, file, env, importArgs, undoArgs };
}

describe("undo, run again after it finished", { timeout: 60_000 }, () => {
	it("says the last run is taken back and sends nothing (exit 0); --previous takes the run before; an import in between makes the next undo plain again", async () => {
		const { sim, file, env, importArgs, undoArgs } = await importedThenUndone();
		expect(live(sim)).toEqual(["Undo One"]);

		const requests = sim.counters().requests;
		for (const face of [[], ["--dry-run"]]) {
			const again = await runCli([...undoArgs, ...face], { env });
			expect(again.code, again.stderr).toBe(0);
			expect(again.stderr).toContain(
				"Run 2 of this import is taken back already (an undo finished it, and the import has not run since); nothing was sent. To take back run 1, the last one that changed something and is not taken back, add --previous.",
			);
		}
		expect(sim.counters().requests).toBe(requests);
		expect(live(sim)).toEqual(["Undo One"]);

		const previous = await runCli([...undoArgs, "--previous"], { env });
		expect(previous.code, previous.stderr).toBe(0);
		expect(previous.stdout).toContain("Undo of run 1");
		expect(live(sim)).toEqual([]);

		// A run of the import since: "undo" takes that one back, as ever.
		writeFileSync(file, "external_id,name\nu3,Undo Three\n");
		expect((await runCli(importArgs, { env })).code).toBe(0);
		expect(live(sim)).toEqual(["Undo Three"]);
		const plain = await runCli(undoArgs, { env });
		expect(plain.code, plain.stderr).toBe(0);
		expect(live(sim)).toEqual([]);
	});

	it("a run since that changed nothing does not reopen it: the same undo still refuses, naming that run (adversarial finding R3)", async () => {
		const { sim, file, env, importArgs, undoArgs } = await importedThenUndone();
		// The nightly run: the file as the undo left Pivotal, nothing to send.
		writeFileSync(file, "external_id,name\nu1,Undo One\n");
		expect((await runCli(importArgs, { env })).code).toBe(0);
		expect(live(sim)).toEqual(["Undo One"]);

		const requests = sim.counters().requests;
		const again = await runCli(undoArgs, { env });
		expect(again.code, again.stderr).toBe(0);
		expect(again.stderr).toContain(
			"Run 2 of this import is taken back already (an undo finished it, and the run of the import since changed nothing); nothing was sent. To take back run 1, the last one that changed something and is not taken back, add --previous.",
		);
		expect(sim.counters().requests).toBe(requests);
		expect(live(sim)).toEqual(["Undo One"]);
	});

	it("--all and --previous together are refused", async () => {
		const result = await runCli(["undo", "c.csv", "--all", "--previous"], {
			env: { PIVOTAL_API_KEY: TEST_KEY },
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe("--all takes back every run already; give --all or --previous, not both.\n");
	});
});

describe("undo of the last run that changed something, after runs that changed nothing", {
	timeout: 60_000,
}, () => {
	it("says which later runs it passes over (finding X8)", async () => {
		const sim = await startSim({ seed: 7, rateLimit: 100_000 });
		const file = join(tempDir("pivotal-undo-since-"), "c.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		writeFileSync(file, "external_id,name\nu1,Undo One\n");
		for (let run = 0; run < 3; run++)
			expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
		const dry = await runCli(["undo", file, "--headless", "--dry-run"], { env });
		expect(dry.code, dry.stderr).toBe(0);
		expect(dry.stdout).toContain("Undo of run 1");
		expect(dry.stdout).toContain(
			"(The import ran 2 times since: runs 2–3, which left nothing to take back now.)",
		);
		expect(live(sim)).toEqual(["Undo One"]);
	});
});
