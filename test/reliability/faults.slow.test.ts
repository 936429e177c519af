import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Simulator, SimulatorOptions } from "../../src/sim/index.js";
import { setup } from "../support/import-harness.js";
import { count, printMatrix, recordCase, runUntilComplete, start } from "./support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(printMatrix);

/** 40 customers (about half without a slug), one contact and one onboarding each: 120 records. */
async function prepared(sim: SimulatorOptions, customers = 40) {
	const ready = await setup(
		{ rateLimit: 100_000, ...sim },
		{ customers, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
	);
	sims.push(ready.sim);
	return ready;
}

describe("fault matrix: every record exactly once", () => {
	const random = [
		["5xx before the work", { serverError: 0.2 }, "5xx"],
		["5xx after the work", { serverErrorAfter: 0.2 }, "5xx-after"],
		["socket dropped before the work", { reset: 0.2 }, "reset"],
		["socket dropped after the work", { resetAfter: 0.2 }, "reset-after"],
	] as const;
	for (const [name, faults, counter] of random) {
		it(name, async () => {
			const { sim, files } = await prepared({ faults });
			const { summary, runs } = await runUntilComplete(sim, files, {}, 1);
			expect(summary.outcome).toBe("completed");
			expect(sim.counters().faultsInjected[counter]).toBeGreaterThan(5);
			const result = await recordCase(name, runs, sim, files);
			expect(result).toMatchObject({ duplicates: 0, lost: 0 });
		});
	}

	it("responses slower than the client's header timeout", async () => {
		// A hung request is still processed on the server once the hang ends: the retry meets
		// an idempotency key in flight (409), then its stored answer.
		const { sim, files } = await prepared({ faults: { hang: 0.08, hangMs: 900 } });
		const { summary, runs } = await runUntilComplete(
			sim,
			files,
			{ timeouts: { headersMs: 250, bodyMs: 250 } },
			1,
		);
		expect(summary.outcome).toBe("completed");
		expect(sim.counters().faultsInjected.hang).toBeGreaterThan(3);
		const result = await recordCase("responses slower than the client timeout", runs, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("a 429 storm: the server's window is 10x longer than the engine was told", async () => {
		const { sim, files } = await prepared({ rateLimit: 12, windowMs: 2_000 }, 12);
		const started = start(sim, files, { plan: { windowMs: 200 } });
		const summary = await started.finish();
		expect(summary.outcome).toBe("completed");
		expect(sim.counters().rateLimited).toBeGreaterThan(0);
		expect(count(started.events, "rate-limited")).toBeGreaterThan(0);
		// A rate-limit wait is never a failure.
		expect(summary.passes.customers.failed + summary.passes.contacts.failed).toBe(0);
		const result = await recordCase("429 storm, Retry-After up to 2 s", 1, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("scripted 429s (no Retry-After header: the engine's 1 s default)", async () => {
		const { sim, files } = await prepared({}, 20);
		sim.pushFault({ method: "POST", route: "/customers", times: 6, status: 429, code: "rate_limited" });
		sim.pushFault({ method: "POST", route: "/onboardings", times: 6, status: 429, code: "rate_limited" });
		const started = start(sim, files);
		const summary = await started.finish();
		expect(summary.outcome).toBe("completed");
		expect(summary.rateLimited).toBeGreaterThanOrEqual(12);
		expect(summary.passes.customers.failed + summary.passes.onboardings.failed).toBe(0);
		const result = await recordCase("scripted 429s", 1, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("a burst of 400s below the breaker's threshold: they fail, the rest go in, retry puts them in", async () => {
		const { sim, files } = await prepared({});
		sim.pushFault({
			method: "POST",
			route: "/customers",
			times: 8,
			status: 400,
			code: "invalid_enum_value",
			field: "status",
		});
		const started = start(sim, files, { options: { circuitBreaker: { threshold: 10, action: "stop" } } });
		const first = await started.run.done;
		expect(first.outcome).toBe("completed");
		expect(first.passes.customers.failed).toBe(8);
		expect(first.passes.customers.created).toBe(32);
		expect(first.passes.contacts).toMatchObject({ created: 32, blocked: 8 });
		expect(first.failuresByCode).toEqual({ invalid_enum_value: 8 });
		// The cause is fixed (the scripted rule is spent): retrying the failures puts the rest in.
		const retried = await started.run.retryFailed();
		await started.close();
		expect(retried.outcome).toBe("completed");
		expect(retried.passes.customers).toMatchObject({ failed: 0, pending: 0 });
		expect(retried.passes.contacts).toMatchObject({ blocked: 0, pending: 0 });
		const result = await recordCase("burst of 400s, then retry of the failures", 2, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("everything at once: 5xx and resets before and after, slow tail, hangs", async () => {
		const { sim, files } = await prepared({
			faults: {
				serverError: 0.05,
				serverErrorAfter: 0.05,
				reset: 0.05,
				resetAfter: 0.05,
				hang: 0.03,
				hangMs: 700,
				latencyMinMs: 1,
				latencyMaxMs: 5,
			},
		});
		const { summary, runs } = await runUntilComplete(
			sim,
			files,
			{ timeouts: { headersMs: 300, bodyMs: 300 } },
			1,
		);
		expect(summary.outcome).toBe("completed");
		const result = await recordCase("all faults at once", runs, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});
});
