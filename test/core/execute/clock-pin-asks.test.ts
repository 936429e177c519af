/**
 * Adversarial finding L5: against a server whose API answers slowly (its round trip sets how
 * early the clock is asked) but whose `GET /health` answers at once, each pinning asked the clock
 * back to back, up to 64 times, and once more per window. The asks are spaced and capped: a
 * handful per pinning, a few per key in a run.
 */
import { describe, expect, it } from "vitest";
import { MAX_ASKS_PER_RUN } from "../../../src/core/execute/clock-pin.js";
import { begin, simTotals, simulatorsPerTest } from "../../support/import-harness.js";

const prepared = simulatorsPerTest();

describe("asking the server's clock against a slow API", () => {
	it("a handful of GET /health per pinning, a bounded number per run; no 429, nothing twice", async () => {
		// GET /me, one list page, 58 creates: six windows of 10 at 2 s, each answer 300 ms late.
		const { sim, files } = await prepared(
			{ rateLimit: 10, windowMs: 2_000, faults: { latencyMinMs: 300, latencyMaxMs: 300 } },
			{ customers: 58, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const { run, client, events } = begin(sim, files, { concurrency: 10 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.passes.customers.created).toBe(58);
		const counters = sim.counters();
		expect(counters.rateLimited).toBe(0);
		expect(simTotals(sim).duplicates).toBe(0);
		const asks = Object.entries(counters.byRoute)
			.filter(([route]) => route.startsWith("GET /health"))
			.reduce((sum, [, n]) => sum + n, 0);
		// Before: 64 in each of three runs (one pinning's back-to-back asks); after: 0–3.
		expect(asks).toBeLessThanOrEqual(MAX_ASKS_PER_RUN);
		// The window is still learnt, never paced shorter than the server's.
		const answers = events.flatMap((e) => (e.type === "response" ? [e] : []));
		for (const e of answers) expect(e.windowMs).toBeGreaterThanOrEqual(2_000);
		expect(answers.at(-1)).toMatchObject({ windowMs: 2_000, windowSource: "learnt" });
	}, 60_000);
});
