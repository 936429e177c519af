import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { ImportEvent } from "../../src/core/events.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import { startUndo } from "../../src/core/undo/undo-run.js";
import type { Simulator } from "../../src/sim/index.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { runUntilComplete } from "./support.js";

const prepared = simulatorsPerTest();

async function imported() {
	const ready = await prepared(
		{ rateLimit: 100_000 },
		{ customers: 6, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
	);
	const { summary } = await runUntilComplete(ready.sim, ready.files, {}, 1);
	expect(summary.outcome).toBe("completed");
	return ready;
}

/** One undo of the last run, one request at a time, two attempts a request. */
async function undo(sim: Simulator, files: SourceFiles) {
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
	const run = startUndo(
		{
			checkpointPath: `${files.customers}.checkpoint.json`,
			scope: { kind: "last" },
			keyFingerprint: keyFingerprint(TEST_KEY),
			baseUrl: sim.baseUrl,
			concurrency: 1,
		},
		{ client },
		{ maxAttempts: 2, backoffBaseMs: 10, backoffCapMs: 50 },
	);
	const events: ImportEvent[] = [];
	run.subscribe((event) => events.push(event));
	const summary = await run.done;
	const failures = run.failures();
	await run.close();
	await client.close();
	return { summary, events, failures };
}

describe("undo records its failures as an import does (one failure mapping)", () => {
	it("a DELETE that never gets an answer fails as network_reset, and the same undo deletes it later", async () => {
		const { sim, files } = await imported();
		sim.pushFault({ method: "DELETE", route: "/onboardings/:id", times: 2, kind: "reset" });
		const first = await undo(sim, files);
		expect(first.summary.outcome).toBe("completed");
		expect(first.summary.failuresByCode).toEqual({ network_reset: 1 });
		expect(first.failures).toEqual([
			expect.objectContaining({ pass: "onboardings", status: null, code: "network_reset", attempts: 2 }),
		]);
		expect(first.failures[0]?.message).toMatch(/^gave up after 2 attempts: /);
		expect(first.summary.passes.onboardings).toMatchObject({ deleted: 5, failed: 1 });

		const again = await undo(sim, files);
		expect(again.summary.outcome).toBe("completed");
		expect(again.summary.failuresByCode).toEqual({});
		expect(again.summary.passes.onboardings).toMatchObject({ deleted: 1, failed: 0 });
		expect(sim.state().onboardings.filter((o) => !o.deleted)).toHaveLength(0);
	});

	it("a refused key stops the undo with one sentence naming the answer; the same command resumes it", async () => {
		const { sim, files } = await imported();
		sim.pushFault({
			method: "DELETE",
			route: "/contacts/:id",
			times: 1,
			status: 401,
			code: "api_key_revoked",
		});
		const stopped = await undo(sim, files);
		expect(stopped.summary.outcome).toBe("auth-failed");
		expect(stopped.summary.message).toBe(
			"The API key was refused (401 api_key_revoked); the undo stopped. Check the key, then run the same command again to resume.",
		);
		// The refused record is not a failure of its own: it is still to do.
		expect(stopped.failures).toEqual([]);
		const passes = stopped.events.flatMap((e) => (e.type === "pass-finished" ? [e.pass] : []));
		expect(passes).toEqual(["onboardings"]);

		const resumed = await undo(sim, files);
		expect(resumed.summary.outcome).toBe("completed");
		const live = (rows: readonly Record<string, unknown>[]) => rows.filter((r) => !r.deleted).length;
		const state = sim.state();
		expect([live(state.customers), live(state.contacts), live(state.onboardings)]).toEqual([0, 0, 0]);
	});
});
