import { describe, expect, it } from "vitest";
import { parseFaultSpec, startSimulator } from "../../src/sim/index.js";
import { call, withSim } from "./helpers.js";

describe("fault spec (--faults)", () => {
	it("parses the documented grammar", () => {
		expect(parseFaultSpec("5xx=0.05,reset=0.03,5xx-after=0.03,reset-after=0.01,latency=5-40,hang=0")).toEqual(
			{
				serverError: 0.05,
				reset: 0.03,
				serverErrorAfter: 0.03,
				resetAfter: 0.01,
				latencyMinMs: 5,
				latencyMaxMs: 40,
				hang: 0,
			},
		);
		expect(parseFaultSpec("latency=7, tail=0.01:2000, hang-ms=500, methods=all")).toEqual({
			latencyMinMs: 7,
			latencyMaxMs: 7,
			tailProbability: 0.01,
			tailMs: 2000,
			hangMs: 500,
			methods: "all",
		});
		expect(parseFaultSpec("")).toEqual({});
	});

	it("names the bad part in one sentence", () => {
		for (const [spec, part] of [
			["5xx=2", "5xx=2"],
			["5xx=0.1,reset=lots", "reset=lots"],
			["latency=40-5", "latency=40-5"],
			["bogus=1", "bogus=1"],
			["5xx", "5xx"],
			["tail=0.1", "tail=0.1"],
			["methods=get", "methods=get"],
			["5xx=0.1,5xx=0.2", "5xx=0.2"],
		] as const) {
			expect(() => parseFaultSpec(spec), spec).toThrow(`"${part}"`);
			try {
				parseFaultSpec(spec);
			} catch (error) {
				expect((error as Error).message.trim().split(/\.\s/).length, spec).toBeLessThanOrEqual(2);
			}
		}
	});

	it("refuses a bad runtime config", () =>
		withSim({}, async (sim) => {
			expect(() => sim.setFaults({ serverError: 1.5 })).toThrow(/serverError/);
			expect(sim.faults().serverError).toBe(0);
		}));
});

describe("random faults", () => {
	it("5xx before work: 500 internal_error, nothing created; GETs untouched by default", () =>
		withSim({ faults: "5xx=1" }, async (sim) => {
			const res = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k" });
			expect(res.status).toBe(500);
			expect(res.json.error).toMatchObject({ type: "internal_error", code: "internal_error" });
			expect(res.headers.get("x-ratelimit-limit")).toBe("60");
			expect(sim.state().customers).toHaveLength(0);
			expect((await call(sim, "GET", "/customers")).status).toBe(200);
			sim.setFaults({ methods: "all" });
			expect((await call(sim, "GET", "/customers")).status).toBe(500);
			sim.setFaults({ serverError: 0 });
			// The failed attempt stored nothing under its key.
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k" })).status,
			).toBe(201);
			expect(sim.counters().faultsInjected["5xx"]).toBe(2);
		}));

	it("5xx after work: the record exists, and a same-key retry replays it", () =>
		withSim({ faults: { serverErrorAfter: 1 } }, async (sim) => {
			const body = { name: "Ghost", metadata: { external_id: "G-1" } };
			const res = await call(sim, "POST", "/customers", { body, idempotencyKey: "ghost" });
			expect(res.status).toBe(500);
			const [created] = sim.state().customers;
			expect(created?.name).toBe("Ghost");
			sim.setFaults({ serverErrorAfter: 0 });
			const retry = await call(sim, "POST", "/customers", { body, idempotencyKey: "ghost" });
			expect(retry.status).toBe(201);
			expect(retry.headers.get("idempotent-replayed")).toBe("true");
			expect(retry.json.id).toBe(created?.id);
			expect(sim.duplicates().total).toBe(0);
			// Without a key the same retry makes a duplicate, which the report shows.
			sim.setFaults({ serverErrorAfter: 1 });
			await call(sim, "POST", "/customers", { body: { name: "Twin", metadata: { external_id: "T-1" } } });
			sim.setFaults({ serverErrorAfter: 0 });
			await call(sim, "POST", "/customers", { body: { name: "Twin", metadata: { external_id: "T-1" } } });
			expect(sim.duplicates().customers).toEqual([{ external_id: "T-1", count: 2, ids: expect.any(Array) }]);
		}));

	it("reset before work drops the socket and creates nothing", () =>
		withSim({ faults: "reset=1" }, async (sim) => {
			await expect(
				call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "r" }),
			).rejects.toThrow();
			expect(sim.state().customers).toHaveLength(0);
			sim.setFaults({ reset: 0 });
			const retry = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "r" });
			expect(retry.status).toBe(201);
			expect(retry.headers.get("idempotent-replayed")).toBeNull();
			expect(sim.counters().byRoute["POST /customers reset"]).toBe(1);
		}));

	it("reset after work drops the socket but the record exists and replays", () =>
		withSim({ faults: "reset-after=1" }, async (sim) => {
			await expect(
				call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "ra" }),
			).rejects.toThrow();
			expect(sim.state().customers).toHaveLength(1);
			sim.setFaults("reset-after=0");
			const retry = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "ra" });
			expect(retry.status).toBe(201);
			expect(retry.json.id).toBe(sim.state().customers[0]?.id);
		}));

	it("adds latency to every request", () =>
		withSim({ faults: "latency=60-60" }, async (sim) => {
			const started = performance.now();
			expect((await call(sim, "GET", "/customers")).status).toBe(200);
			expect(performance.now() - started).toBeGreaterThanOrEqual(55);
		}));

	it("hangs long enough for a client timeout, and close() does not wait for the hang", async () => {
		const sim = await startSimulator({ faults: "hang=1,hang-ms=20000" });
		const started = performance.now();
		await expect(
			call(sim, "POST", "/customers", { body: { name: "A" }, signal: AbortSignal.timeout(100) }),
		).rejects.toThrow();
		expect(sim.counters().faultsInjected.hang).toBe(1);
		await sim.close();
		expect(performance.now() - started).toBeLessThan(5_000);
	});

	it("is deterministic for a given seed", async () => {
		const run = async () =>
			withSim({ seed: 7, faults: "5xx=0.5" }, async (sim) => {
				const statuses: number[] = [];
				for (let i = 0; i < 20; i++)
					statuses.push((await call(sim, "POST", "/customers", { body: { name: `C${i}` } })).status);
				return { statuses, ids: sim.state().customers.map((c) => c.id) };
			});
		const a = await run();
		const b = await run();
		expect(a).toEqual(b);
		expect(a.statuses).toContain(500);
		expect(a.statuses).toContain(201);
	});
});

describe("scripted faults", () => {
	it("fails the next N matching requests, then lets them through", () =>
		withSim({}, async (sim) => {
			sim.pushFault({
				method: "POST",
				route: "/customers",
				times: 2,
				status: 503,
				code: "service_unavailable",
			});
			expect((await call(sim, "GET", "/customers")).status).toBe(200);
			for (let i = 0; i < 2; i++) {
				const res = await call(sim, "POST", "/customers", { body: { name: "A" } });
				expect(res.status).toBe(503);
				expect(res.json.error).toMatchObject({ type: "internal_error", code: "service_unavailable" });
			}
			expect((await call(sim, "POST", "/customers", { body: { name: "A" } })).status).toBe(201);
		}));

	it("matches body fields by value or pattern", () =>
		withSim({}, async (sim) => {
			sim.pushFault({
				route: "/customers",
				match: { "metadata.external_id": /^bad-/ },
				status: 400,
				code: "record_rejected",
				message: "Rejected by policy.",
				field: "metadata.external_id",
			});
			const bad = await call(sim, "POST", "/customers", {
				body: { name: "A", metadata: { external_id: "bad-1" } },
			});
			expect(bad.json).toEqual({
				error: {
					type: "invalid_request_error",
					code: "record_rejected",
					message: "Rejected by policy.",
					field: "metadata.external_id",
				},
			});
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "B", metadata: { external_id: "good-1" } } }))
					.status,
			).toBe(201);
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "C", metadata: { external_id: "bad-2" } } }))
					.status,
			).toBe(400);
			sim.clearScriptedFaults();
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "C", metadata: { external_id: "bad-2" } } }))
					.status,
			).toBe(201);
		}));

	it("can fire after the work (record created) or drop the socket", () =>
		withSim({}, async (sim) => {
			sim.pushFault({
				route: "/customers/:id/contacts",
				match: { email: "a@x.io" },
				when: "after",
				status: 502,
				times: 1,
			});
			await call(sim, "POST", "/customers", { body: { name: "A" } });
			const res = await call(sim, "POST", "/customers/1/contacts", { body: { name: "A", email: "a@x.io" } });
			expect(res.status).toBe(502);
			expect(sim.state().contacts).toHaveLength(1);
			sim.pushFault({ route: "/onboardings", kind: "reset", times: 1 });
			await expect(call(sim, "POST", "/onboardings", { body: { customer_id: 1 } })).rejects.toThrow();
			expect(sim.state().onboardings).toHaveLength(0);
		}));
});
