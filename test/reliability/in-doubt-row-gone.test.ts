/**
 * A create in doubt whose row then leaves the file (adversarial finding N6): the state keeps a
 * record that may be in Pivotal. The plan and the run's summary both say how many such records
 * there are and what resolves them (their rows back, a run looks them up); put back, the record
 * is looked up and recorded as this import's creation.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { makePlan } from "../../src/core/plan/make-plan.js";
import { planText } from "../../src/report/plan-text.js";
import { summaryText } from "../../src/report/summary-text.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { tempDir } from "../support/temp-dirs.js";
import { failingFs, start } from "./support.js";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ seed: 7, rateLimit: 100_000 });
});
afterAll(() => sim.close());

describe("a create in doubt whose row left the file", () => {
	it("is counted in the plan and the summary, and resolved once its row is back", async () => {
		const customers = join(tempDir(), "c.csv");
		const state = `${customers}.checkpoint.json`;
		writeFileSync(customers, "external_id,name\ng1,Gone One\ng2,Gone Two\n");
		const files = { customers };
		// g1 is made in Pivotal and its answer lost; the state's disk then fails like a kill.
		sim.pushFault({
			method: "POST",
			route: "/customers",
			match: { "metadata.external_id": "g1" },
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
				if (event.type === "request-started" && event.key === "g1") fs.errno = "EIO";
			},
		});
		expect((await first.finish()).outcome).toBe("checkpoint-failed");
		expect((await readCheckpoint(state))?.records.customers.get("g1")?.s).toBe("sent");

		// The user deletes g1's row.
		writeFileSync(customers, "external_id,name\ng2,Gone Two\n");
		const plan = await makePlan({
			files,
			state: await readCheckpoint(state),
			retryFailed: false,
			recreate: false,
		});
		expect(plan.passes.customers.unansweredNotInFiles).toBe(1);
		const said = planText(plan);
		expect(said).toContain(
			"customers: 1 record whose create got no answer in an earlier run is no longer in the file",
		);
		expect(said).toContain("put its row back and run again");

		const second = start(sim, files);
		const summary = await second.finish();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers.unansweredNotInFiles).toBe(1);
		expect(summaryText(summary)).toContain(
			"customers: 1 record whose create got no answer in an earlier run is no longer in the file",
		);

		// Its row back: looked up, found as its create made it, recorded as created.
		writeFileSync(customers, "external_id,name\ng1,Gone One\ng2,Gone Two\n");
		const third = await start(sim, files).finish();
		expect(third.passes.customers.unansweredNotInFiles ?? 0).toBe(0);
		const g1 = (await readCheckpoint(state))?.records.customers.get("g1");
		expect(g1 && "outcome" in g1 ? g1.outcome : undefined).toBe("created");
		// Never made twice.
		expect(sim.counters().created.customers).toBe(2);
	});
});
