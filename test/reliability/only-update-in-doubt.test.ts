/**
 * `--only update` and a create in doubt (adversarial finding N14): a create sent by an earlier
 * run whose answer was lost (its mark `sent` in the state) may have landed. The update-only run
 * looks it up, as a normal run does, and records it as this import's creation when it is as the
 * create made it; it is never reported `not_in_pivotal` while it is in Pivotal.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { tempDir } from "../support/temp-dirs.js";
import { failingFs, start } from "./support.js";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ seed: 7, rateLimit: 100_000 });
});
afterAll(() => sim.close());

describe("--only update after a create in doubt", () => {
	it("the create that landed is looked up and recorded as created, not reported not_in_pivotal", async () => {
		const customers = join(tempDir(), "c.csv");
		writeFileSync(customers, "external_id,name\nd1,Doubt One\nd2,Doubt Two\n");
		const files = { customers };
		// d1 is made in Pivotal and its answer lost; the state's disk then fails like a kill, so
		// d1 stays "sent" in the state and d2 is never sent.
		sim.pushFault({
			method: "POST",
			route: "/customers",
			match: { "metadata.external_id": "d1" },
			times: 1,
			when: "after",
			kind: "reset",
		});
		const fs = failingFs();
		const first = start(sim, files, {
			checkpointFs: fs,
			plan: { concurrency: 1 },
			options: { maxAttempts: 1 },
			onEvent: (event) => {
				// Its mark "sent" is on disk before the request leaves: every later write fails.
				if (event.type === "request-started" && event.key === "d1") fs.errno = "EIO";
			},
		});
		expect((await first.finish()).outcome).toBe("checkpoint-failed");
		const before = await readCheckpoint(`${customers}.checkpoint.json`);
		expect(before?.records.customers.get("d1")?.s).toBe("sent");

		const second = start(sim, files, { plan: { rules: { only: "update" } } });
		const summary = await second.finish();
		const notes = second.run.failures().filter((f) => f.code === "not_in_pivotal");
		expect(notes.map((n) => n.key)).toEqual(["d2"]);
		const after = await readCheckpoint(`${customers}.checkpoint.json`);
		const d1 = after?.records.customers.get("d1");
		expect(d1?.s).toBe("done");
		// Made by the earlier run's create: this import's, so an undo takes it back.
		expect(d1 && "outcome" in d1 ? d1.outcome : undefined).toBe("created");
		expect(summary.passes.customers.skipped).toBe(1);
	});
});
