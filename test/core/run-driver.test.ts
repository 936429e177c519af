import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { openCheckpoint } from "../../src/core/checkpoint/index.js";
import type { ImportEvent } from "../../src/core/events.js";
import { startRun } from "../../src/core/run-driver.js";
import type { RetryRequest, RunJob, RunPass, RunScope } from "../../src/core/run-job.js";
import { sleep } from "../../src/core/sleep.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { tempDir } from "../support/temp-dirs.js";

const KEY = "pivotal_live_Kx81TESTkey0000a1b2";
const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

/**
 * A job of the test's own: two announced passes of `count` operations and one silent pass, each
 * operation a short wait. It notes what the driver did with it.
 */
function countingJob(path: string, count: number, onApply?: (pass: string, n: number) => void) {
	const notes = {
		inFlight: 0,
		mostInFlight: 0,
		applied: [] as string[],
		// When the driver asked for each pass: what was still in flight then.
		inFlightAtNextPass: [] as number[],
		rounds: [] as (RetryRequest | undefined)[],
	};
	const ops = (pass: string) => Array.from({ length: count }, (_, n) => n).map((n) => ({ pass, n }));
	const apply = async ({ pass, n }: { pass: string; n: number }) => {
		notes.inFlight += 1;
		notes.mostInFlight = Math.max(notes.mostInFlight, notes.inFlight);
		onApply?.(pass, n);
		await sleep(2);
		notes.applied.push(`${pass}:${n}`);
		notes.inFlight -= 1;
	};
	function* passes(): Generator<RunPass<unknown>> {
		for (const [pass, announce] of [
			["customers", "fresh"],
			["contacts", "fresh"],
			["onboardings", "silent"],
		] as const) {
			notes.inFlightAtNextPass.push(notes.inFlight);
			const work: RunPass<{ pass: string; n: number }> = { pass, announce, operations: ops(pass), apply };
			yield work;
		}
	}
	const job: RunJob = {
		settings: { keyFingerprint: keyFingerprint(KEY), concurrency: 3 },
		checkpointPath: path,
		async open(scope: RunScope) {
			const me = await scope.whoAmI();
			if (me === undefined) return undefined;
			scope.setWorkspace(me.organization);
			const { store } = await openCheckpoint({
				path,
				create: () => ({
					runId: "run-driver-test",
					createdAt: new Date(0).toISOString(),
					keyFingerprint: keyFingerprint(KEY),
					baseUrl: "http://127.0.0.1",
					sources: { customers: undefined, contacts: undefined, onboardings: undefined },
				}),
			});
			return { store, run: 1, resumed: false };
		},
		async round(scope, _books, retry) {
			notes.rounds.push(retry);
			scope.setTotals({ customers: count, contacts: count, onboardings: count });
			return passes();
		},
	};
	return { job, notes };
}

async function started(count: number, onApply?: (pass: string, n: number) => void) {
	const sim = await startSimulator({ seed: 1 });
	sims.push(sim);
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: KEY });
	const { job, notes } = countingJob(join(tempDir(), "state.json"), count, onApply);
	const run = startRun(job, { client });
	const events: ImportEvent[] = [];
	run.subscribe((event) => events.push(event));
	const passEvents = () =>
		events.flatMap((e) =>
			e.type === "pass-started"
				? [`started ${e.pass} ${e.total}`]
				: e.type === "pass-finished"
					? [`finished ${e.pass}`]
					: [],
		);
	return { run, notes, events, passEvents, client };
}

describe("the run driver: one pass loop for every job", () => {
	it("applies every operation once, never more at once than the concurrency, one pass after the other", async () => {
		const { run, notes, events, passEvents, client } = await started(20);
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("completed");
		expect(run.workspace?.name).toBeTruthy();
		expect(notes.applied).toHaveLength(60);
		expect(new Set(notes.applied).size).toBe(60);
		expect(notes.mostInFlight).toBe(3);
		// A pass is drained before the job is asked for the next one.
		expect(notes.inFlightAtNextPass).toEqual([0, 0, 0]);
		// The silent pass is worked through without a word.
		expect(passEvents()).toEqual([
			"started customers 20",
			"finished customers",
			"started contacts 20",
			"finished contacts",
		]);
		expect(events.find((e) => e.type === "run-started")).toMatchObject({ resumed: false, concurrency: 3 });
		expect(events.at(-1)).toMatchObject({ type: "run-finished", outcome: "completed" });
	});

	it("stops taking operations on stop, drains those in flight, and ends interrupted without finishing the pass", async () => {
		let stop = () => {};
		const { run, notes, passEvents, client } = await started(50, (pass, n) => {
			if (pass === "contacts" && n === 10) stop();
		});
		stop = () => run.stop();
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("interrupted");
		expect(notes.inFlight).toBe(0);
		const contacts = notes.applied.filter((a) => a.startsWith("contacts:"));
		// The eleventh was already taken; at most the concurrency's worth were on their way.
		expect(contacts.length).toBeGreaterThanOrEqual(11);
		expect(contacts.length).toBeLessThanOrEqual(13);
		expect(notes.applied.some((a) => a.startsWith("onboardings:"))).toBe(false);
		expect(passEvents()).toEqual(["started customers 50", "finished customers", "started contacts 50"]);
	});

	it("hands a retry round to the job with the records named", async () => {
		const { run, notes, client } = await started(2);
		await run.done;
		const again = await run.retryFailed([{ pass: "customers", key: "c1" }]);
		await run.close();
		await client.close();
		expect(again.outcome).toBe("completed");
		expect(notes.rounds).toEqual([undefined, { which: [{ pass: "customers", key: "c1" }] }]);
		expect(notes.applied).toHaveLength(12);
	});
});
