import { describe, expect, it } from "vitest";
import { call, LIVE_KEY, TEST_KEY, withSim } from "./helpers.js";

describe("auth (§2, §12.4, §12.7)", () => {
	it("answers /health without a key and without counting it", () =>
		withSim({ rateLimit: 1 }, async (sim) => {
			const health = await call(sim, "GET", "/health", { key: null });
			expect(health.status).toBe(200);
			expect(health.json.status).toBe("ok");
			expect(typeof health.json.timestamp).toBe("string");
			expect(health.headers.get("x-ratelimit-limit")).toBeNull();
			// The one slot is still free.
			expect((await call(sim, "GET", "/me")).status).toBe(200);
		}));

	it("refuses missing or garbled headers with missing_api_key", () =>
		withSim({}, async (sim) => {
			const cases: Array<Record<string, string>> = [
				{},
				{ authorization: LIVE_KEY },
				{ authorization: `Bearer: ${LIVE_KEY}` },
				{ authorization: `Basic ${LIVE_KEY}` },
				{ authorization: "Bearer " },
			];
			for (const headers of cases) {
				const res = await call(sim, "GET", "/me", { key: null, headers });
				expect(res.status).toBe(401);
				expect(res.json.error).toMatchObject({ type: "authentication_error", code: "missing_api_key" });
				expect(res.headers.get("x-ratelimit-limit")).toBeNull();
			}
		}));

	it("tolerates a lower-case bearer", () =>
		withSim({}, async (sim) => {
			const res = await call(sim, "GET", "/me", {
				key: null,
				headers: { authorization: `bearer ${LIVE_KEY}` },
			});
			expect(res.status).toBe(200);
		}));

	it("refuses an unknown key with invalid_api_key and no rate-limit headers", () =>
		withSim({}, async (sim) => {
			const res = await call(sim, "GET", "/customers", { key: "sk_live_nope" });
			expect(res.status).toBe(401);
			expect(res.json.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
			expect(res.headers.get("x-ratelimit-remaining")).toBeNull();
		}));

	it("accepts only allow-listed keys when an allow-list is given", () =>
		withSim({ keys: [LIVE_KEY, { key: "pivotal_named_key", name: "CI importer" }] }, async (sim) => {
			expect((await call(sim, "GET", "/me")).status).toBe(200);
			const named = await call(sim, "GET", "/me", { key: "pivotal_named_key" });
			expect(named.json.api_key.name).toBe("CI importer");
			const other = await call(sim, "GET", "/me", { key: "pivotal_other_key_1" });
			expect(other.json.error.code).toBe("invalid_api_key");
		}));

	it("refuses a revoked key with api_key_revoked, in-process and through the admin surface", () =>
		withSim({}, async (sim) => {
			expect((await call(sim, "GET", "/me")).status).toBe(200);
			sim.revokeKey(LIVE_KEY);
			const revoked = await call(sim, "GET", "/me");
			expect(revoked.status).toBe(401);
			expect(revoked.json.error).toMatchObject({ type: "authentication_error", code: "api_key_revoked" });
			const admin = await call(sim, "POST", "/_admin/keys/revoke", { key: null, body: { key: TEST_KEY } });
			expect(admin.status).toBe(200);
			expect((await call(sim, "GET", "/customers", { key: TEST_KEY })).json.error.code).toBe(
				"api_key_revoked",
			);
		}));

	it("describes the key and workspace on /me and counts it against the limit", () =>
		withSim({ rateLimit: 60, testRateLimit: 30 }, async (sim) => {
			const me = await call(sim, "GET", "/me");
			expect(me.status).toBe(200);
			expect(me.json).toEqual({
				object: "me",
				api_key: {
					id: expect.any(String),
					name: expect.any(String),
					prefix: "pivotal_live",
					scopes: expect.any(Array),
					rate_limit_tier: "standard",
				},
				organization: { id: expect.any(String), slug: expect.any(String), name: expect.any(String) },
			});
			expect(me.json.api_key.prefix.length).toBeLessThan(LIVE_KEY.length);
			expect(me.headers.get("x-ratelimit-remaining")).toBe("59");
			const test = await call(sim, "GET", "/me", { key: TEST_KEY });
			expect(test.json.api_key.prefix).toBe("pivotal_test_key_");
			expect(test.json.api_key.rate_limit_tier).toBe("test");
			expect(test.headers.get("x-ratelimit-limit")).toBe("30");
			const paid = await call(sim, "GET", "/me", { key: "pivotal_paid_key_1" });
			expect(paid.json.api_key.rate_limit_tier).toBe("paid");
			expect(paid.headers.get("x-ratelimit-limit")).toBe("600");
		}));

	it("answers unknown routes with a 404 envelope", () =>
		withSim({}, async (sim) => {
			const res = await call(sim, "GET", "/tasks");
			expect(res.status).toBe(404);
			expect(res.json.error).toMatchObject({ type: "not_found", code: "route_not_found" });
			expect((await call(sim, "PUT", "/customers/1", { body: {} })).status).toBe(404);
		}));
});
