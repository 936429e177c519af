import { describe, expect, it } from "vitest";
import { call, withSim } from "./helpers.js";

describe("admin surface (/_admin)", () => {
	it("dumps state with deleted flags, without auth and without counting", () =>
		withSim({ rateLimit: 2 }, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "A" } });
			await call(sim, "DELETE", "/customers/1");
			for (let i = 0; i < 5; i++)
				expect((await call(sim, "GET", "/_admin/state", { key: null })).status).toBe(200);
			const state = (await call(sim, "GET", "/_admin/state", { key: null })).json;
			expect(state.customers).toEqual([expect.objectContaining({ name: "A", deleted: true })]);
			expect(state.keys[0]).toMatchObject({ prefix: "pivotal_live", revoked: false });
			expect(JSON.stringify(state)).not.toContain("pivotal_live_key_0001");
			const counters = (await call(sim, "GET", "/_admin/counters", { key: null })).json;
			expect(counters).toMatchObject({
				requests: 2,
				posts: 1,
				byRoute: { "POST /customers 201": 1, "DELETE /customers/:id 200": 1 },
				created: { customers: 1 },
			});
		}));

	it("reports duplicate creations of customers, contacts and onboardings", () =>
		withSim({}, async (sim) => {
			const mk = (name: string, ext: string) =>
				call(sim, "POST", "/customers", { body: { name, metadata: { external_id: ext } } });
			await mk("Acme", "E1");
			await mk("Acme", "E1");
			await mk("Other", "E2");
			// A contact deleted and created again is a duplicate creation even though one row is live.
			const c = await call(sim, "POST", "/customers/1/contacts", { body: { name: "A", email: "a@x.io" } });
			await call(sim, "DELETE", `/contacts/${c.json.id}`);
			await call(sim, "POST", "/customers/1/contacts", { body: { name: "A", email: "A@x.io" } });
			await call(sim, "POST", "/customers/1/contacts", { body: { name: "B", email: "b@x.io" } });
			await call(sim, "POST", "/onboardings", { body: { customer_id: 1, name: "Rollout" } });
			await call(sim, "POST", "/onboardings", { body: { customer_id: 1, name: "Rollout" } });
			await call(sim, "POST", "/onboardings", { body: { customer_id: 2, name: "Rollout" } });
			const customerId = sim.state().customers[0]?.id;
			const report = (await call(sim, "GET", "/_admin/duplicates", { key: null })).json;
			expect(report).toEqual({
				customers: [{ external_id: "E1", count: 2, ids: expect.any(Array) }],
				contacts: [{ customer_id: customerId, email: "a@x.io", count: 2, ids: expect.any(Array) }],
				onboardings: [{ customer_id: customerId, name: "Rollout", count: 2, ids: expect.any(Array) }],
				total: 3,
			});
			expect(sim.duplicates()).toEqual(report);
		}));

	it("reads and changes faults, including scripted ones from JSON", () =>
		withSim({}, async (sim) => {
			const put = await call(sim, "PUT", "/_admin/faults", {
				key: null,
				body: { spec: "5xx=0.25,latency=1-2" },
			});
			expect(put.json.config).toMatchObject({ serverError: 0.25, latencyMinMs: 1, latencyMaxMs: 2 });
			await call(sim, "PUT", "/_admin/faults", { key: null, body: { serverError: 0 } });
			expect(sim.faults().serverError).toBe(0);
			const bad = await call(sim, "PUT", "/_admin/faults", { key: null, body: { spec: "5xx=9" } });
			expect(bad.status).toBe(400);
			expect(bad.json.error.message).toContain('"5xx=9"');
			const scripted = await call(sim, "POST", "/_admin/faults/scripted", {
				key: null,
				body: {
					route: "/customers",
					match: { name: { regex: "^boom", flags: "i" } },
					status: 400,
					code: "nope",
					times: 1,
				},
			});
			expect(scripted.json.scripted).toHaveLength(1);
			expect((await call(sim, "GET", "/_admin/faults", { key: null })).json.scripted[0]).toMatchObject({
				remaining: 1,
			});
			expect((await call(sim, "POST", "/customers", { body: { name: "BOOM" } })).json.error.code).toBe(
				"nope",
			);
			expect((await call(sim, "POST", "/customers", { body: { name: "BOOM" } })).status).toBe(201);
			await call(sim, "POST", "/_admin/faults/scripted", {
				key: null,
				body: [{ status: 500 }, { status: 500 }],
			});
			await call(sim, "DELETE", "/_admin/faults/scripted", { key: null });
			expect((await call(sim, "POST", "/customers", { body: { name: "C" } })).status).toBe(201);
			expect(
				(await call(sim, "POST", "/_admin/faults/scripted", { key: null, body: { kind: "explode" } })).status,
			).toBe(400);
		}));

	it("resets everything", () =>
		withSim({ rateLimit: 1 }, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k" });
			expect((await call(sim, "GET", "/me")).status).toBe(429);
			expect((await call(sim, "POST", "/_admin/reset", { key: null })).json).toEqual({ reset: true });
			expect(sim.state().customers).toEqual([]);
			expect(sim.counters().requests).toBe(0);
			const again = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k" });
			expect(again.status).toBe(201);
			expect(again.json.display_id).toBe(1);
		}));

	it("answers unknown admin routes with 404", () =>
		withSim({}, async (sim) => {
			expect((await call(sim, "GET", "/_admin/nope", { key: null })).status).toBe(404);
		}));
});

describe("edges", () => {
	it("never faults /health and refuses oversized bodies with a 400 envelope", () =>
		withSim({ faults: "5xx=1,methods=all", maxBodyBytes: 64 }, async (sim) => {
			expect((await call(sim, "GET", "/health", { key: null })).status).toBe(200);
			const big = await call(sim, "POST", "/customers", { body: { name: "x".repeat(100) } });
			expect(big.status).toBe(400);
			expect(big.json.error).toMatchObject({ type: "invalid_request_error", code: "body_too_large" });
		}));

	it("uses the configured organization on /me", () =>
		withSim({ organization: { id: "org_1", slug: "acme-ws", name: "Acme WS" } }, async (sim) => {
			expect((await call(sim, "GET", "/me")).json.organization).toEqual({
				id: "org_1",
				slug: "acme-ws",
				name: "Acme WS",
			});
		}));
});
