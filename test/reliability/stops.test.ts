import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/sim/index.js";
import { setup, TEST_KEY } from "../support/import-harness.js";
import { count, delay, printMatrix, recordCase, start, when } from "./support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(printMatrix);

const NEW_KEY = "pivotal_live_Rotated0000key9876";

async function prepared(sim: SimulatorOptions, customers = 40) {
	const ready = await setup(
		{ rateLimit: 100_000, faults: { latencyMinMs: 3, latencyMaxMs: 8 }, ...sim },
		{ customers, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
	);
	sims.push(ready.sim);
	return ready;
}

describe("runs that must stop: a resumable stop, then a clean resume", () => {
	it("key revoked mid-run: stops at once, then a new key of the workspace resumes it", async () => {
		const { sim, files } = await prepared({});
		const first = start(sim, files, {
			onEvent: (event, _run, events) => {
				if (event.type === "record-done" && count(events, "record-done") === 50) sim.revokeKey(TEST_KEY);
			},
		});
		const stopped = await first.finish();
		expect(stopped.outcome).toBe("auth-failed");
		expect(stopped.message).toMatch(/^The API key was refused \(401 api_key_revoked\)/);
		// Only the requests already on the wire met the 401.
		const refused = Object.entries(sim.counters().byRoute)
			.filter(([route]) => route.startsWith("POST") && route.endsWith(" 401"))
			.reduce((n, [, v]) => n + v, 0);
		expect(refused).toBeGreaterThan(0);
		expect(refused).toBeLessThanOrEqual(6);
		const failed = stopped.passes.customers.failed + stopped.passes.contacts.failed;
		expect(failed).toBe(0);

		const resumed = await start(sim, files, { key: NEW_KEY }).finish();
		expect(resumed.message).toBeUndefined();
		expect(resumed.outcome).toBe("completed");
		const result = await recordCase("key revoked mid-run, resumed with a new key", 2, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("the simulator restarted mid-run: retries carry the run through", async () => {
		const { sim, files } = await prepared({});
		const port = sim.port;
		let restarted: Simulator | undefined;
		const restart = async () => {
			// Export and close in one tick: requests still in their latency are abandoned, never done.
			const snapshot = sim.exportState();
			await sim.close();
			await delay(400);
			restarted = await startSimulator({ port, state: snapshot, seed: 7, rateLimit: 100_000 });
			sims.push(restarted);
		};
		let restarting: Promise<void> | undefined;
		const run = start(sim, files, {
			options: { maxAttempts: 12, backoffBaseMs: 50, backoffCapMs: 300 },
			onEvent: (event, _run, events) => {
				if (event.type === "record-done" && count(events, "record-done") === 45) restarting = restart();
			},
		});
		const summary = await run.finish();
		await restarting;
		expect(restarted).toBeDefined();
		const live = restarted as Simulator;
		if (summary.outcome !== "completed") {
			// Allowed: a resumable stop; the resume must then complete.
			const again = await start(live, files).finish();
			expect(again.outcome).toBe("completed");
		}
		expect(count(run.events, "request-waiting")).toBeGreaterThan(0);
		const result = await recordCase(
			"simulator restarted mid-run",
			summary.outcome === "completed" ? 1 : 2,
			live,
			files,
		);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("circuit breaker, identical validation errors, headless: stops resumably", async () => {
		const { sim, files } = await prepared({});
		sim.pushFault({
			method: "POST",
			route: "/contacts",
			status: 400,
			code: "invalid_type",
			field: "labels",
		});
		sim.pushFault({
			method: "POST",
			route: "/customers/:id/contacts",
			status: 400,
			code: "invalid_type",
			field: "labels",
		});
		const first = await start(sim, files, {
			options: { circuitBreaker: { threshold: 8, action: "stop" } },
		}).finish();
		expect(first.outcome).toBe("circuit-open");
		expect(first.message).toMatch(/contacts in a row failed with 400 invalid_type on labels/);
		expect(first.passes.contacts.failed).toBeGreaterThanOrEqual(8);
		expect(first.passes.contacts.failed).toBeLessThan(8 + 6);
		expect(first.passes.contacts.pending).toBeGreaterThan(20);
		// Onboardings never started: the breaker stopped the run inside the contacts pass.
		expect(sim.counters().byRoute["POST /onboardings 201"] ?? 0).toBe(0);

		sim.clearScriptedFaults();
		const again = start(sim, files);
		const resumed = await again.run.done;
		expect(resumed.outcome).toBe("completed");
		// The rows failed before the trip are final until retried: retry them, now that the cause is fixed.
		const retried = await again.run.retryFailed();
		await again.close();
		expect(retried.outcome).toBe("completed");
		expect(retried.passes.contacts).toMatchObject({ failed: 0, pending: 0 });
		const result = await recordCase("circuit breaker: identical 400s, stop", 2, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("circuit breaker with action pause: the run pauses for the user instead", async () => {
		const { sim, files } = await prepared({});
		sim.pushFault({
			method: "POST",
			route: "/onboardings",
			status: 400,
			code: "invalid_enum_value",
			field: "phase",
		});
		const started = start(sim, files, { options: { circuitBreaker: { threshold: 6, action: "pause" } } });
		await when(started.run, (e) => e.type === "paused");
		expect(started.run.isPaused).toBe(true);
		const posts = sim.counters().posts;
		await delay(300);
		expect(sim.counters().posts).toBe(posts);
		const failedAtPause = started.run.failures().length;
		expect(failedAtPause).toBeGreaterThanOrEqual(6);
		expect(failedAtPause).toBeLessThan(6 + 6);
		// The user fixes the cause and carries on, then retries the rows that failed.
		sim.clearScriptedFaults();
		started.run.resume();
		const summary = await started.run.done;
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.onboardings.failed).toBe(failedAtPause);
		const retried = await started.run.retryFailed();
		await started.close();
		expect(retried.passes.onboardings).toMatchObject({ failed: 0, pending: 0 });
		const result = await recordCase("circuit breaker: identical 400s, pause", 1, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("authentication errors: the first 401 stops the run (with action pause too), resume completes", async () => {
		const { sim, files } = await prepared({});
		sim.pushFault({
			method: "POST",
			route: "/onboardings",
			times: 3,
			status: 401,
			code: "api_key_revoked",
		});
		const first = await start(sim, files, {
			options: { circuitBreaker: { threshold: 6, action: "pause" } },
		}).finish();
		expect(first.outcome).toBe("auth-failed");
		expect(first.passes.onboardings.failed).toBe(0);
		expect(first.passes.onboardings.pending).toBeGreaterThan(20);
		const refused = sim.counters().byRoute["POST /onboardings 401"] ?? 0;
		expect(refused).toBeGreaterThan(0);
		expect(refused).toBeLessThanOrEqual(3);
		sim.clearScriptedFaults();
		const resumed = await start(sim, files).finish();
		expect(resumed.outcome).toBe("completed");
		const result = await recordCase("repeated 401s: stop at the first", 2, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});
});
