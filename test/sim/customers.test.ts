import { describe, expect, it } from "vitest";
import { call, withSim } from "./helpers.js";

describe("customers (§6, §12.20–25)", () => {
	it("creates, reads by cuid and display_id, patches partially, soft-deletes", () =>
		withSim({}, async (sim) => {
			const created = await call(sim, "POST", "/customers", {
				body: {
					name: "Aurora",
					slug: "aurora",
					domain: "aurora.io",
					mrr: 4200,
					metadata: { external_id: "A-1", tier: "gold" },
				},
			});
			expect(created.status).toBe(201);
			const c = created.json;
			expect(c).toMatchObject({
				object: "customer",
				name: "Aurora",
				slug: "aurora",
				status: "active",
				mrr: 4200,
			});
			expect(c.id).toMatch(/^c[a-z0-9]{24}$/);
			expect(c.display_id).toBe(1);
			expect(c.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
			expect((await call(sim, "GET", `/customers/${c.id}`)).json).toEqual(c);
			expect((await call(sim, "GET", "/customers/1")).json).toEqual(c);

			const patched = await call(sim, "PATCH", "/customers/1", {
				body: { status: "at_risk", metadata: { note: "x" } },
			});
			expect(patched.status).toBe(200);
			expect(patched.json).toMatchObject({
				name: "Aurora",
				domain: "aurora.io",
				status: "at_risk",
				metadata: { note: "x" },
			});
			expect(patched.json.metadata.external_id).toBeUndefined();

			const deleted = await call(sim, "DELETE", `/customers/${c.id}`);
			expect(deleted.json).toEqual({ object: "deleted", id: c.id, display_id: 1, deleted: true });
			expect((await call(sim, "DELETE", "/customers/1")).json).toEqual(deleted.json);
			const gone = await call(sim, "GET", "/customers/1");
			expect(gone.status).toBe(404);
			expect(gone.json.error).toMatchObject({ type: "not_found", code: "customer_not_found" });
			expect((await call(sim, "PATCH", "/customers/1", { body: { name: "x" } })).json.error.code).toBe(
				"customer_not_found",
			);
			// The slug is released by the soft delete (§12.22).
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "Aurora 2", slug: "aurora" } })).status,
			).toBe(201);
		}));

	it("rejects a taken slug with 409 slug_taken carrying only field slug", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "Bright", slug: "bright-future-tech" } });
			const dup = await call(sim, "POST", "/customers", {
				body: { name: "Other", slug: "bright-future-tech" },
			});
			expect(dup.status).toBe(409);
			expect(dup.json).toEqual({
				error: { type: "conflict", code: "slug_taken", message: expect.any(String), field: "slug" },
			});
			await call(sim, "POST", "/customers", { body: { name: "Third", slug: "third" } });
			const patch = await call(sim, "PATCH", "/customers/2", { body: { slug: "bright-future-tech" } });
			expect(patch.json.error.code).toBe("slug_taken");
		}));

	it("derives slugs from names and suffixes collisions instead of refusing them", () =>
		withSim({}, async (sim) => {
			const a = await call(sim, "POST", "/customers", { body: { name: "Café Société, Inc." } });
			expect(a.json.slug).toBe("cafe-societe-inc");
			const b = await call(sim, "POST", "/customers", { body: { name: "Café Société, Inc." } });
			expect(b.status).toBe(201);
			expect(b.json.slug).toBe("cafe-societe-inc-2");
			const c = await call(sim, "POST", "/customers", { body: { name: "cafe societe inc" } });
			expect(c.json.slug).toBe("cafe-societe-inc-3");
			const long = await call(sim, "POST", "/customers", { body: { name: "x".repeat(200) } });
			expect(long.json.slug.length).toBeLessThanOrEqual(64);
		}));

	it("validates with 400 envelopes naming the field", () =>
		withSim({}, async (sim) => {
			const cases: Array<[unknown, string, string]> = [
				[{}, "missing_field", "name"],
				[{ slug: "abc" }, "missing_field", "name"],
				[{ name: "" }, "too_small", "name"],
				[{ name: 42 }, "invalid_type", "name"],
				[{ name: "x".repeat(256) }, "too_big", "name"],
				[{ name: "A", status: "happy" }, "invalid_enum_value", "status"],
				[{ name: "A", mrr: "100" }, "invalid_type", "mrr"],
				[{ name: "A", mrr: 10.5 }, "invalid_type", "mrr"],
				[{ name: "A", metadata: [] }, "invalid_type", "metadata"],
				[{ name: "A", metadata: "x" }, "invalid_type", "metadata"],
				[{ name: "A", slug: "Not A Slug" }, "invalid_string", "slug"],
				[{ name: "A", slug: "trailing-" }, "invalid_string", "slug"],
				[{ name: "A", slug: "a".repeat(65) }, "too_big", "slug"],
				[{ name: "A", domain: 5 }, "invalid_type", "domain"],
			];
			for (const [body, code, field] of cases) {
				const res = await call(sim, "POST", "/customers", { body });
				expect(res.status, JSON.stringify(body)).toBe(400);
				expect(res.json.error, JSON.stringify(body)).toEqual({
					type: "invalid_request_error",
					code,
					message: expect.any(String),
					field,
				});
			}
			expect(sim.state().customers).toHaveLength(0);
		}));

	it("accepts all five statuses, ignores unknown fields and refuses invalid JSON", () =>
		withSim({}, async (sim) => {
			for (const status of ["onboarding", "active", "at_risk", "churned", "archived"]) {
				expect((await call(sim, "POST", "/customers", { body: { name: status, status } })).status).toBe(201);
			}
			const extra = await call(sim, "POST", "/customers", {
				body: { name: "X", external_id: "E1", favourite_colour: "red" },
			});
			expect(extra.status).toBe(201);
			expect(extra.json.favourite_colour).toBeUndefined();
			expect(extra.json.metadata).toEqual({});
			const bad = await call(sim, "POST", "/customers", { body: '{"name": "oops"' });
			expect(bad.status).toBe(400);
			expect(bad.json.error.type).toBe("invalid_request_error");
			const list = await call(sim, "GET", "/customers?status=churned");
			expect(list.json.data.map((c: { name: string }) => c.name)).toEqual(["churned"]);
			const badFilter = await call(sim, "GET", "/customers?status=nope");
			expect(badFilter.json.error).toMatchObject({ code: "invalid_enum_value", field: "status" });
		}));

	it("drops soft-deleted customers from lists", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "Keep" } });
			await call(sim, "POST", "/customers", { body: { name: "Drop" } });
			await call(sim, "DELETE", "/customers/2");
			const list = await call(sim, "GET", "/customers");
			expect(list.json.data.map((c: { name: string }) => c.name)).toEqual(["Keep"]);
		}));
});
