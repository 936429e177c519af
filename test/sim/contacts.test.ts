import { describe, expect, it } from "vitest";
import { call, withSim } from "./helpers.js";

describe("contacts (§7, §12.26–30)", () => {
	it("creates under a customer by display_id, lower-cases email, reads at /contacts/{id}", () =>
		withSim({}, async (sim) => {
			const customer = (await call(sim, "POST", "/customers", { body: { name: "Acme" } })).json;
			const res = await call(sim, "POST", "/customers/1/contacts", {
				body: { name: "Ada", email: "Ada@Example.COM", title: "CTO", labels: ["tech"], phone: "+1 555" },
			});
			expect(res.status).toBe(201);
			expect(res.json).toMatchObject({
				object: "contact",
				customer_id: customer.id,
				email: "ada@example.com",
				is_primary: false,
				labels: ["tech"],
				phone: "+1 555",
			});
			expect((await call(sim, "GET", `/contacts/${res.json.id}`)).json).toEqual(res.json);
			expect((await call(sim, "GET", `/contacts/${res.json.display_id}`)).json).toEqual(res.json);
			const patched = await call(sim, "PATCH", `/contacts/${res.json.id}`, { body: { title: "CEO" } });
			expect(patched.json).toMatchObject({ title: "CEO", name: "Ada", email: "ada@example.com" });
			const list = await call(sim, "GET", `/customers/${customer.id}/contacts`);
			expect(list.json.data).toHaveLength(1);
		}));

	it("refuses a second live contact with the same email per customer (409 email_taken), case-insensitively", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "A" } });
			await call(sim, "POST", "/customers", { body: { name: "B" } });
			const first = await call(sim, "POST", "/customers/1/contacts", {
				body: { name: "Ada", email: "ada@x.io" },
			});
			const dup = await call(sim, "POST", "/customers/1/contacts", {
				body: { name: "Ada 2", email: "ADA@x.io" },
			});
			expect(dup.status).toBe(409);
			expect(dup.json.error).toMatchObject({ type: "conflict", code: "email_taken" });
			// Another customer may hold the same email.
			expect(
				(await call(sim, "POST", "/customers/2/contacts", { body: { name: "Ada", email: "ada@x.io" } }))
					.status,
			).toBe(201);
			// Deleting frees the email.
			await call(sim, "DELETE", `/contacts/${first.json.id}`);
			expect(
				(await call(sim, "POST", "/customers/1/contacts", { body: { name: "Ada", email: "ada@x.io" } }))
					.status,
			).toBe(201);
		}));

	it("validates name, email, is_primary and labels", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "A" } });
			const cases: Array<[unknown, string, string]> = [
				[{ email: "a@b.co" }, "missing_field", "name"],
				[{ name: "A" }, "missing_field", "email"],
				[{ name: "A", email: "not-an-email" }, "invalid_string", "email"],
				[{ name: "A", email: "a@b.co", is_primary: "yes" }, "invalid_type", "is_primary"],
				[{ name: "A", email: "a@b.co", labels: "vip" }, "invalid_type", "labels"],
				[{ name: "A", email: "a@b.co", labels: ["ok", 3] }, "invalid_type", "labels.1"],
			];
			for (const [body, code, field] of cases) {
				const res = await call(sim, "POST", "/customers/1/contacts", { body });
				expect(res.status, JSON.stringify(body)).toBe(400);
				expect(res.json.error, JSON.stringify(body)).toMatchObject({
					type: "invalid_request_error",
					code,
					field,
				});
			}
		}));

	it("keeps at most one primary: a new primary demotes the old one", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "A" } });
			const a = (
				await call(sim, "POST", "/customers/1/contacts", {
					body: { name: "A", email: "a@x.io", is_primary: true },
				})
			).json;
			const b = (
				await call(sim, "POST", "/customers/1/contacts", {
					body: { name: "B", email: "b@x.io", is_primary: true },
				})
			).json;
			expect((await call(sim, "GET", `/contacts/${a.id}`)).json.is_primary).toBe(false);
			expect((await call(sim, "GET", `/contacts/${b.id}`)).json.is_primary).toBe(true);
			await call(sim, "PATCH", `/contacts/${a.id}`, { body: { is_primary: true } });
			expect((await call(sim, "GET", `/contacts/${b.id}`)).json.is_primary).toBe(false);
		}));

	it("answers 404 customer_not_found for unknown or deleted customers and contact_not_found for contacts", () =>
		withSim({}, async (sim) => {
			const unknown = await call(sim, "POST", "/customers/999/contacts", {
				body: { name: "A", email: "a@x.io" },
			});
			expect(unknown.status).toBe(404);
			expect(unknown.json.error).toMatchObject({ type: "not_found", code: "customer_not_found" });
			await call(sim, "POST", "/customers", { body: { name: "A" } });
			await call(sim, "DELETE", "/customers/1");
			const deleted = await call(sim, "POST", "/customers/1/contacts", {
				body: { name: "A", email: "a@x.io" },
			});
			expect(deleted.json.error.code).toBe("customer_not_found");
			expect((await call(sim, "GET", "/customers/1/contacts")).json.error.code).toBe("customer_not_found");
			const missing = await call(sim, "GET", "/contacts/cnope");
			expect(missing.json.error).toMatchObject({ type: "not_found", code: "contact_not_found" });
		}));
});
