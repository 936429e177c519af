import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import type { ImportEvent } from "../../src/core/events.js";
import { begin, simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

const count = (events: readonly ImportEvent[], type: ImportEvent["type"]) =>
	events.filter((e) => e.type === type).length;

describe("engine against the simulator", () => {
	it("puts every record in exactly once through 5xx, resets and 5xx-after-work faults", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { serverError: 0.05, reset: 0.03, serverErrorAfter: 0.03 } },
			{ customers: 300, contactsPerCustomer: 2, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		const { run, client } = begin(sim, files, { concurrency: 8 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers).toMatchObject({ total: 300, failed: 0, pending: 0 });
		expect(summary.passes.customers.created + summary.passes.customers.existed).toBe(300);
		expect(summary.passes.contacts.created + summary.passes.contacts.existed).toBe(600);
		expect(summary.passes.onboardings.created + summary.passes.onboardings.existed).toBe(300);
		expect(simTotals(sim)).toEqual({ customers: 300, contacts: 600, onboardings: 300, duplicates: 0 });
		const faults = sim.counters().faultsInjected;
		expect((faults["5xx-after"] ?? 0) + (faults.reset ?? 0)).toBeGreaterThan(0);
		expect(summary.retries).toBeGreaterThan(0);
	});

	it("paces a compressed window to the limit without a single 429", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 60, windowMs: 3_000, faults: { latencyMinMs: 2, latencyMaxMs: 15 } },
			// Two and a half windows' worth: the pace holds across two window edges (each window
			// more was 3 s more of waiting).
			{ customers: 150, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const { run, client } = begin(sim, files, { windowMs: 3_000 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers.created).toBe(150);
		expect(sim.counters().rateLimited).toBe(0);
		expect(summary.rateLimited).toBe(0);
		expect(simTotals(sim).customers).toBe(150);
	});

	it("waits Retry-After on 429 without failing a record when the window is longer than it was told", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 20, windowMs: 2_000 },
			// More than the 20 a window holds: the rest, sent too early, meet the 429s.
			{ customers: 30, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		// Told 500 ms while the server counts 2 s: the governor overspends and must recover.
		const { run, client, events } = begin(sim, files, { windowMs: 500 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(sim.counters().rateLimited).toBeGreaterThan(0);
		expect(count(events, "rate-limited")).toBeGreaterThan(0);
		expect(summary.passes.customers).toMatchObject({ created: 30, failed: 0 });
		expect(simTotals(sim).duplicates).toBe(0);
	});

	it("adopts customers whose slug is taken with one walk of the customer list", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 150, contactsPerCustomer: 1, onboardingsPerCustomer: 0, withSlugs: true },
		);
		// A first import with another run id: the second finds every slug taken.
		const first = begin(sim, files, { checkpointPath: `${files.customers}.first.json` });
		await first.run.done;
		await first.run.close();
		await first.client.close();
		const before = sim.counters().byRoute["GET /customers 200"] ?? 0;
		const second = begin(sim, files, { checkpointPath: `${files.customers}.second.json` });
		const summary = await second.run.done;
		await second.run.close();
		await second.client.close();
		expect(summary.passes.customers).toMatchObject({ existed: 150, created: 0, failed: 0 });
		expect(summary.passes.contacts).toMatchObject({ existed: 150, created: 0, failed: 0 });
		const walks = (sim.counters().byRoute["GET /customers 200"] ?? 0) - before;
		expect(walks).toBe(2); // 150 customers, 100 a page: one walk
		expect(simTotals(sim)).toMatchObject({ customers: 150, contacts: 150, duplicates: 0 });
		const checkpoint = await readCheckpoint(`${files.customers}.second.json`);
		const firstState = checkpoint?.records.customers.values().next().value;
		expect(firstState).toMatchObject({ s: "done", outcome: "existed" });
	});

	it("blocks the children of a rejected customer instead of sending them", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 20, contactsPerCustomer: 2, onboardingsPerCustomer: 1 },
		);
		sim.pushFault({
			method: "POST",
			route: "/customers",
			times: 1,
			status: 400,
			code: "invalid_domain",
			field: "domain",
		});
		const { run, client } = begin(sim, files);
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers).toMatchObject({ created: 19, failed: 1 });
		expect(summary.passes.contacts).toMatchObject({ created: 38, blocked: 2 });
		expect(summary.passes.onboardings).toMatchObject({ created: 19, blocked: 1 });
		expect(summary.failuresByCode).toEqual({ invalid_domain: 1 });
		const failure = run.failures()[0];
		expect(failure).toMatchObject({
			pass: "customers",
			status: 400,
			code: "invalid_domain",
			field: "domain",
		});
		expect(JSON.parse(failure?.requestBody ?? "{}")).toHaveProperty("metadata.external_id", failure?.key);
		expect(sim.counters().created.contacts).toBe(38);

		// A later run is a sync: nothing changed, nothing is sent; it knows the failure from the
		// checkpoint and describes it from the source.
		const posts = sim.counters().byRoute["POST /customers 201"] ?? 0;
		const again = begin(sim, files);
		const resumed = await again.run.done;
		await again.run.close();
		await again.client.close();
		expect(resumed.passes.customers).toMatchObject({ created: 0, unchanged: 19, failed: 1 });
		expect(resumed.passes.contacts).toMatchObject({ created: 0, unchanged: 38, blocked: 2 });
		expect(sim.counters().byRoute["POST /customers 201"] ?? 0).toBe(posts);
		const earlier = again.run.failures()[0];
		expect(earlier).toMatchObject({
			pass: "customers",
			key: failure?.key,
			line: failure?.line,
			code: "invalid_domain",
		});
		expect(earlier?.columns.external_id).toBe(failure?.key);
		expect(earlier?.requestBody).toBe(failure?.requestBody);
	});

	it("stops at once, resumably, when the key is revoked mid-run", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 10 } },
			{ customers: 200, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const { run, client, events } = begin(sim, files, { concurrency: 4 });
		run.subscribe((event) => {
			if (event.type === "record-done" && count(events, "record-done") === 50)
				sim.revokeKey("pivotal_live_Kx81TESTkey0000a1b2");
		});
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("auth-failed");
		expect(summary.passes.customers.failed).toBe(0);
		const postsAfter = sim.counters().byRoute["POST /customers 401"] ?? 0;
		expect(postsAfter).toBeGreaterThan(0);
		expect(postsAfter).toBeLessThanOrEqual(4); // only those already in flight
		expect(summary.passes.customers.pending).toBeGreaterThan(100);
	});

	it("opens the circuit after a run of identical validation errors instead of failing every row", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 200, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		sim.pushFault({
			method: "POST",
			route: "/customers",
			status: 400,
			code: "invalid_enum_value",
			field: "status",
		});
		const { run, client } = begin(
			sim,
			files,
			{ concurrency: 2 },
			{ circuitBreaker: { threshold: 10, action: "stop" } },
		);
		const summary = await run.done;
		expect(summary.outcome).toBe("circuit-open");
		expect(summary.message).toMatch(/in a row failed with 400 invalid_enum_value on status/);
		expect(summary.passes.customers.failed).toBeLessThanOrEqual(12);
		expect(summary.passes.customers.pending).toBeGreaterThan(150);

		// The cause fixed, the same run carries on from the failures screen: retry all.
		sim.clearScriptedFaults();
		const retried = await run.retryFailed();
		expect(retried.outcome).toBe("completed");
		expect(retried.passes.customers).toMatchObject({ created: 200, failed: 0, pending: 0 });
		expect(simTotals(sim)).toMatchObject({ customers: 200, duplicates: 0 });
		await run.close();
		await client.close();
	});

	it("holds dispatch while paused and carries on after resume", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 10, latencyMaxMs: 20 } },
			{ customers: 120, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const { run, client, events } = begin(sim, files, { concurrency: 4 });
		await new Promise<void>((resolve) => {
			const off = run.subscribe((e) => {
				if (e.type === "record-done" && count(events, "record-done") >= 20) {
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
		await new Promise((r) => setTimeout(r, 300));
		expect(sim.counters().posts).toBe(postsAtPause);
		run.resume();
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.passes.customers.created).toBe(120);
	});

	it("resumes after a stop: done records are skipped and nothing is created twice", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 10, serverErrorAfter: 0.05 } },
			{ customers: 100, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		const first = begin(sim, files, { concurrency: 4 });
		first.run.subscribe((e) => {
			if (e.type === "record-done" && e.pass === "contacts") first.run.stop();
		});
		const stopped = await first.run.done;
		await first.run.close();
		await first.client.close();
		expect(stopped.outcome).toBe("interrupted");
		const postsBefore = sim.counters().created;
		const second = begin(sim, files, { concurrency: 4 });
		const summary = await second.run.done;
		await second.run.close();
		await second.client.close();
		expect(summary.outcome).toBe("completed");
		expect(simTotals(sim)).toEqual({ customers: 100, contacts: 100, onboardings: 100, duplicates: 0 });
		expect(sim.counters().created.customers).toBe(postsBefore.customers);
	});

	it("starts over with --fresh on top of a partial run without creating anything twice", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 2, latencyMaxMs: 6 } },
			{ customers: 60, contactsPerCustomer: 1, onboardingsPerCustomer: 2, withSlugs: "some" },
		);
		const first = begin(sim, files, { concurrency: 4 });
		let onboardingsDone = 0;
		first.run.subscribe((e) => {
			if (e.type === "record-done" && e.pass === "onboardings" && ++onboardingsDone === 2) first.run.stop();
		});
		expect((await first.run.done).outcome).toBe("interrupted");
		await first.run.close();
		await first.client.close();
		const createdBefore = sim.counters().created.onboardings;
		expect(createdBefore).toBeGreaterThan(0);
		const fresh = begin(sim, files, { concurrency: 4, fresh: true });
		const summary = await fresh.run.done;
		await fresh.run.close();
		await fresh.client.close();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.onboardings.existed).toBe(createdBefore);
		expect(simTotals(sim)).toEqual({ customers: 60, contacts: 60, onboardings: 120, duplicates: 0 });
	});

	it("resumed inside a window another run spent, uses what is left without a 429", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 30, windowMs: 3_000 },
			// The 6 slots left, then the 24 the other run's requests give back as they leave the window.
			{ customers: 30, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		// The previous run (or another process on the key) spent 24 of the 30 slots, spread out.
		const other = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		for (let i = 0; i < 24; i++) {
			await other.me();
			await new Promise((resolve) => setTimeout(resolve, 60));
		}
		await other.close();
		const { run, client } = begin(sim, files, { windowMs: 3_000 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.passes.customers.created).toBe(30);
		expect(sim.counters().rateLimited).toBe(0);
	});
});
