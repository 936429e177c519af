/**
 * The engine against the simulator, its events folded by the reducer and read by the run
 * screen's words: every wait says what it waits for, the window is learnt, a pause holds.
 */
import { describe, expect, it } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import { initialSnapshot, type ProgressSnapshot, reduceProgress } from "../../src/core/progress.js";
import { describeState, statusLine } from "../../src/ui/model/run-view.js";
import { begin, simulatorsPerTest } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

/** Folds each event as it comes, and reads the screen's words at that moment. */
function watch(run: { subscribe(listener: (e: ImportEvent) => void): () => void }) {
	let snapshot: ProgressSnapshot = initialSnapshot(Date.now());
	const states = new Set<string>();
	const statuses = new Set<string>();
	run.subscribe((event) => {
		snapshot = reduceProgress(snapshot, event);
		const now = event.at;
		const isPaused = snapshot.status === "paused" || snapshot.status === "pausing";
		for (const row of snapshot.inFlight.values()) states.add(describeState(row, now, isPaused));
		statuses.add(statusLine(snapshot, now));
	});
	return { states, statuses, last: () => snapshot };
}

describe("honest waiting, end to end", () => {
	it("says 'next slot in' while the window is full, learns the window untold, never a 429", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 20, windowMs: 2_000 },
			{ customers: 45, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const { run, client, events } = begin(sim, files, { concurrency: 4 });
		const seen = watch(run);
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.passes.customers.created).toBe(45);
		expect(sim.counters().rateLimited).toBe(0);
		const slotWaits = events.filter((e) => e.type === "request-waiting" && e.reason === "slot");
		expect(slotWaits.length).toBeGreaterThan(0);
		expect([...seen.states].some((s) => /^next slot in [1-9]\d*s$/.test(s))).toBe(true);
		expect([...seen.statuses].some((s) => /window full, next slot in [1-9]\d*s/.test(s))).toBe(true);
		expect([...seen.states, ...seen.statuses].some((s) => /\b0s\b/.test(s))).toBe(false);
		// Waiting for a slot is not a retry.
		expect(seen.last().retries).toBe(0);
		expect(summary.retries).toBe(0);
		expect(seen.last().windowSource).toBe("learnt");
		expect(seen.last().windowMs).toBeGreaterThanOrEqual(2_000);
		expect(seen.last().windowMs).toBeLessThan(2_500);
	});

	it("holds a record whose slot frees during a pause until the run resumes", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 10, windowMs: 1_000 },
			{ customers: 30, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const { run, client, events } = begin(sim, files, { concurrency: 4, windowMs: 1_000 });
		const seen = watch(run);
		// Pause while records wait for the window's next slot.
		await new Promise<void>((resolve) => {
			const off = run.subscribe((e) => {
				if (e.type === "request-waiting" && e.reason === "slot") {
					off();
					resolve();
				}
			});
		});
		run.pause();
		await new Promise<void>((resolve) => {
			if (events.some((e) => e.type === "paused")) resolve();
			else run.subscribe((e) => e.type === "paused" && resolve());
		});
		const postsAtPause = sim.counters().posts;
		// Longer than the window: the slots they waited for free meanwhile.
		await new Promise((r) => setTimeout(r, 1_500));
		expect(sim.counters().posts).toBe(postsAtPause);
		expect(seen.states.has("held by the pause")).toBe(true);
		run.resume();
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.passes.customers.created).toBe(30);
		expect(sim.counters().rateLimited).toBe(0);
	});
});
