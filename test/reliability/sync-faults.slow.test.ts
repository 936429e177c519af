import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { PassName } from "../../src/model/records.js";
import type { ScriptedFault } from "../../src/sim/index.js";
import { changeDataset } from "../support/change-dataset.js";
import { mulberry32 } from "../support/generate.js";
import { TEST_KEY } from "../support/import-harness.js";
import {
	delay,
	mismatches,
	printMatrix,
	recordCase,
	runUntilComplete,
	sourceRecords,
	start,
} from "./support.js";
import {
	objectsById,
	PASSES,
	PATCH_ROUTES,
	preparedPerTest,
	routeDelta,
	sentKeys,
	until,
} from "./sync-support.js";

const prepare = preparedPerTest();
afterAll(printMatrix);

/** The four ways a PATCH can fail, before the work (nothing changed) and after it (the change is made). */
const KINDS: readonly Omit<ScriptedFault, "method" | "route" | "times">[] = [
	{ kind: "error", when: "before", status: 503, code: "service_unavailable" },
	{ kind: "error", when: "after", status: 500 },
	{ kind: "reset", when: "before" },
	{ kind: "reset", when: "after" },
];

/** `customers` customers with one contact and one onboarding each, imported once, clean. */
async function imported(customers: number) {
	const ready = await prepare({ rateLimit: 100_000 }, customers);
	const first = await start(ready.sim, ready.files).finish();
	expect(first.outcome).toBe("completed");
	return ready;
}

describe("a sync under PATCH faults: every change exactly once, nothing else touched", () => {
	it("5xx and resets before and after the work, and hangs past the client timeout, on every PATCH route", async () => {
		const { sim, files, dataset } = await imported(120);
		// Keys someone set in Pivotal after the import: a PATCH of metadata must carry them along.
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const owners = new Map<string, string>();
		for (const [i, c] of sim.state().customers.entries()) {
			if (i % 3 !== 0) continue;
			const metadata = { ...(c.metadata as object), owner: `sales-${i}` };
			await client.updateRecord("customers", String(c.id), JSON.stringify({ metadata }));
			owners.set(String(c.id), `sales-${i}`);
		}
		await client.close();

		const changes = await changeDataset(dataset, { share: 0.5, added: 4, seed: 11 });
		const before = objectsById(sim);
		const counters = sim.counters();
		// Every kind on every PATCH route (so each is met for sure), hangs among them...
		for (const pass of PASSES) {
			for (const kind of KINDS)
				sim.pushFault({ method: "PATCH", route: PATCH_ROUTES[pass], times: 2, ...kind });
			sim.pushFault({ method: "PATCH", route: PATCH_ROUTES[pass], times: 2, kind: "hang", hangMs: 2_500 });
		}
		// ...and more of them spread over the run, wherever the next PATCH goes.
		const random = mulberry32(5);
		const started = start(sim, files, {
			timeouts: { headersMs: 1_000, bodyMs: 1_000 },
			onEvent: (event) => {
				if (event.type !== "record-done" || event.outcome !== "updated" || random() >= 0.3) return;
				sim.pushFault({ method: "PATCH", times: 1, ...KINDS[Math.floor(random() * KINDS.length)] });
			},
		});
		const summary = await started.run.done;
		const idOf = (pass: PassName, key: string) => {
			const state = started.run.state(pass, key);
			return state?.s === "done" ? state.id : undefined;
		};
		await started.close();
		expect(summary.outcome).toBe("completed");
		// A hung PATCH the client gave up on is still carried out once its hang ends (the same
		// bytes as the retry that succeeded): wait for the two per route to land.
		const landed = (pass: PassName) =>
			(sim.counters().byRoute[`PATCH ${PATCH_ROUTES[pass]} 200`] ?? 0) -
			(counters.byRoute[`PATCH ${PATCH_ROUTES[pass]} 200`] ?? 0);
		await until(() => PASSES.every((pass) => landed(pass) >= changes.changed[pass].size + 2));
		for (const pass of PASSES) {
			expect(summary.passes[pass], pass).toMatchObject({
				updated: changes.changed[pass].size,
				created: changes.added[pass].size,
				unchanged: 120 - changes.changed[pass].size,
				failed: 0,
				gone: 0,
			});
		}
		expect(changes.changed.customers.size + changes.changed.onboardings.size).toBeGreaterThan(100);

		// Pivotal is what the files say, field by field, with nothing twice and nothing lost...
		expect(await mismatches(sim, files)).toEqual([]);
		const result = await recordCase("sync: PATCH 5xx/resets before+after, hangs", 1, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
		// ...and the keys only Pivotal had are still there.
		const after = objectsById(sim);
		for (const [id, owner] of owners) expect(after.get(id)?.metadata, id).toMatchObject({ owner });

		// Record by record: a request went out for exactly the changed and the new rows; the
		// others are in Pivotal byte for byte as before, and every changed one was written.
		const sent = sentKeys(started.events);
		for (const pass of PASSES) {
			expect([...sent[pass]].sort(), pass).toEqual([...changes.changed[pass], ...changes.added[pass]].sort());
		}
		let untouched = 0;
		for (const pass of PASSES) {
			for (const [key, state] of [...(await keysOf(files, pass))].map((k) => [k, idOf(pass, k)] as const)) {
				expect(state, `${pass}:${key}`).toBeDefined();
				const id = String(state);
				if (changes.added[pass].has(key)) continue;
				if (changes.changed[pass].has(key)) {
					expect(after.get(id)?.updated_at, `${pass}:${key}`).not.toBe(before.get(id)?.updated_at);
				} else {
					expect(after.get(id), `${pass}:${key}`).toEqual(before.get(id));
					untouched += 1;
				}
			}
		}
		expect(untouched).toBeGreaterThan(150);

		// What the simulator saw: no create but the new rows', no delete, a metadata read per
		// customer whose metadata changed, and one successful PATCH per changed record (a hung
		// one, given up by the client, may still land: its bytes are the retry's).
		const delta = routeDelta(sim, counters.byRoute);
		const created = sim.counters().created;
		expect(created.customers - counters.created.customers).toBe(4);
		expect(created.contacts - counters.created.contacts).toBe(4);
		expect(created.onboardings - counters.created.onboardings).toBe(4);
		expect(Object.keys(delta).filter((r) => r.startsWith("DELETE"))).toEqual([]);
		expect(delta["GET /customers/:id 200"] ?? 0).toBe(changes.metadataChanged.size);
		expect(changes.metadataChanged.size).toBeGreaterThan(5);
		for (const pass of PASSES) {
			const route = PATCH_ROUTES[pass];
			expect(delta[`PATCH ${route} 200`], route).toBe(changes.changed[pass].size + 2);
			// Each kind was met on each route: 2 errors before and 2 after, 2 resets before and 2 after.
			expect(delta[`PATCH ${route} 503`] ?? 0, route).toBeGreaterThanOrEqual(2);
			expect(delta[`PATCH ${route} 500`] ?? 0, route).toBeGreaterThanOrEqual(2);
			expect(delta[`PATCH ${route} reset`] ?? 0, route).toBeGreaterThanOrEqual(4);
		}
		const injected = (sim.counters().faultsInjected.scripted ?? 0) - (counters.faultsInjected.scripted ?? 0);
		expect(injected).toBeGreaterThan(3 * 5 * 2 + 10);
		// The engine retried every one of them after a backoff, the same PATCH again.
		expect(summary.retries).toBeGreaterThanOrEqual(injected);
		const causes = new Set(
			started.events.flatMap((e) =>
				e.type === "request-waiting" && e.reason === "backoff" ? [e.cause] : [],
			),
		);
		expect([...causes].sort()).toEqual(["500", "503", "reset", "timeout"]);

		// Checkpointed: the next sync finds nothing to do and sends nothing but its opening GET /me.
		const routesNow = { ...sim.counters().byRoute };
		const again = await start(sim, files).finish();
		expect(again.outcome).toBe("completed");
		for (const pass of PASSES)
			expect(again.passes[pass]).toMatchObject({ updated: 0, created: 0, unchanged: 124 });
		expect(routeDelta(sim, routesNow)).toEqual({ "GET /me 200": 1 });
	}, 120_000);

	it("PATCH faults until the attempts run out: the rows fail retryable, and the next sync patches them again, creating nothing", async () => {
		const { sim, files, dataset } = await imported(30);
		const changes = await changeDataset(dataset, { share: 0.6, seed: 3 });
		// One record per pass meets two faults in a row: after the work, a reset, before the work.
		sim.pushFault({ method: "PATCH", route: PATCH_ROUTES.customers, times: 2, when: "after" });
		sim.pushFault({ method: "PATCH", route: PATCH_ROUTES.contacts, times: 2, kind: "reset" });
		sim.pushFault({ method: "PATCH", route: PATCH_ROUTES.onboardings, times: 2, status: 502 });
		const options = { plan: { concurrency: 1 }, options: { maxAttempts: 2 } };
		const first = start(sim, files, options);
		const summary = await first.finish();
		expect(summary.outcome).toBe("completed");
		for (const pass of PASSES) {
			expect(summary.passes[pass], pass).toMatchObject({
				updated: changes.changed[pass].size - 1,
				failed: 1,
			});
		}
		expect(summary.failuresByCode).toEqual({ internal_error: 2, network_reset: 1 });
		const failed = first.events.flatMap((e) => (e.type === "record-failed" ? [`${e.pass}:${e.key}`] : []));
		expect(failed).toHaveLength(3);
		// The customer's change was made before its 500s; the contact's and the onboarding's were not.
		const wrong = await mismatches(sim, files);
		expect(wrong.length).toBeGreaterThan(0);
		// A record's name is what precedes " (missing)" or " <field>": keys may hold spaces (an onboarding's name).
		const named = (m: string) => failed.find((f) => m.startsWith(`${f} `)) ?? m;
		expect(new Set(wrong.map(named))).toEqual(new Set(failed.filter((f) => !f.startsWith("customers:"))));

		const created = { ...sim.counters().created };
		const routes = { ...sim.counters().byRoute };
		const again = await runUntilComplete(sim, files, {}, 1);
		expect(again.summary.outcome).toBe("completed");
		// The same PATCH again for each (the customer's a second time: PATCH is idempotent).
		for (const pass of PASSES) {
			expect(again.summary.passes[pass], pass).toMatchObject({ updated: 1, failed: 0, created: 0 });
		}
		expect(routeDelta(sim, routes)).toEqual({
			"GET /me 200": 1,
			"PATCH /customers/:id 200": 1,
			"PATCH /contacts/:id 200": 1,
			"PATCH /onboardings/:id 200": 1,
		});
		expect(sim.counters().created).toEqual(created);
		expect(await mismatches(sim, files)).toEqual([]);
		const result = await recordCase("sync: PATCH attempts exhausted, next sync patches", 2, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	}, 60_000);

	it("paced by the same governor: a sync's PATCHes and metadata reads keep to the limit, scripted 429s are waited out", async () => {
		const { sim, files, dataset } = await prepare(
			{ rateLimit: 40, windowMs: 1_000, faults: { latencyMinMs: 1, latencyMaxMs: 5 } },
			30,
		);
		const paced = { plan: { windowMs: 1_000 } };
		expect((await start(sim, files, paced).finish()).outcome).toBe("completed");
		expect(sim.counters().rateLimited).toBe(0);
		const changes = await changeDataset(dataset, { share: 0.6, seed: 8 });
		// 429s without a Retry-After header on PATCH: the engine's default wait, never a failure.
		sim.pushFault({
			method: "PATCH",
			route: PATCH_ROUTES.contacts,
			times: 4,
			status: 429,
			code: "rate_limited",
		});
		// The import's requests leave the server's window first: a new run knows of them only from
		// the rate-limit headers of its first answer, which cannot say when each one expires.
		await delay(1_100);
		const routes = { ...sim.counters().byRoute };
		const started = start(sim, files, paced);
		const summary = await started.finish();
		expect(summary.outcome).toBe("completed");
		for (const pass of PASSES) {
			expect(summary.passes[pass], pass).toMatchObject({ updated: changes.changed[pass].size, failed: 0 });
		}
		const delta = routeDelta(sim, routes);
		const sent = Object.values(delta).reduce((n, v) => n + v, 0);
		// Half again as many requests as one window holds, so the pacing was put to the test...
		expect(sent).toBeGreaterThan(60);
		// ...and the only 429s are the four scripted ones, each waited out and sent again.
		expect(sim.counters().rateLimited).toBe(4);
		expect(summary.rateLimited).toBe(4);
		expect(started.events.filter((e) => e.type === "rate-limited")).toHaveLength(4);
		expect(await mismatches(sim, files)).toEqual([]);
		const result = await recordCase(
			"sync: paced to 40 per 1 s window, scripted 429s on PATCH",
			1,
			sim,
			files,
		);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	}, 60_000);
});

/** The record keys of one file, in file order. */
async function keysOf(files: SourceFiles, pass: PassName): Promise<string[]> {
	return (await sourceRecords(files))[pass].map((r) => r.key);
}
