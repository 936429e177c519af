import { describe, expect, it } from "vitest";
import { call, withSim } from "./helpers.js";

describe("onboardings (§8, §12.32–37)", () => {
	it("creates at /onboardings with customer_id (display_id or cuid) and sensible defaults", () =>
		withSim({}, async (sim) => {
			const customer = (await call(sim, "POST", "/customers", { body: { name: "Acme" } })).json;
			const byDisplay = await call(sim, "POST", "/onboardings", {
				body: { customer_id: 1, name: "Rollout", target_launch_date: "2026-07-01" },
			});
			expect(byDisplay.status).toBe(201);
			expect(byDisplay.json).toMatchObject({
				object: "onboarding",
				customer_id: customer.id,
				name: "Rollout",
				phase: "before_getting_started",
				state: "active",
				waiting_on_customer: false,
				completed_at: null,
				target_launch_date: "2026-07-01T00:00:00.000Z",
			});
			expect(byDisplay.json.started_at).toBe(byDisplay.json.created_at);
			const byCuid = await call(sim, "POST", "/onboardings", {
				body: { customer_id: customer.id, phase: "review", state: "waiting" },
			});
			expect(byCuid.json).toMatchObject({ phase: "review", state: "waiting", name: null });
		}));

	it("validates customer_id, phase and state; 404 for an unknown customer", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "Acme" } });
			const cases: Array<[unknown, number, string, string | undefined]> = [
				[{ name: "x" }, 400, "missing_field", "customer_id"],
				[{ customer_id: true }, 400, "invalid_type", "customer_id"],
				[{ customer_id: 1, phase: "kickoff" }, 400, "invalid_enum_value", "phase"],
				[{ customer_id: 1, state: "done" }, 400, "invalid_enum_value", "state"],
				[{ customer_id: 1, waiting_on_customer: "no" }, 400, "invalid_type", "waiting_on_customer"],
				[{ customer_id: 1, target_launch_date: "soon" }, 400, "invalid_string", "target_launch_date"],
				[{ customer_id: 99 }, 404, "customer_not_found", undefined],
			];
			for (const [body, status, code, field] of cases) {
				const res = await call(sim, "POST", "/onboardings", { body });
				expect(res.status, JSON.stringify(body)).toBe(status);
				expect(res.json.error.code, JSON.stringify(body)).toBe(code);
				expect(res.json.error.field).toBe(field);
			}
			for (const phase of [
				"before_getting_started",
				"program_design",
				"review",
				"program_buildout",
				"internal_qa",
				"launch",
				"completed",
			]) {
				expect((await call(sim, "POST", "/onboardings", { body: { customer_id: 1, phase } })).status).toBe(
					201,
				);
			}
		}));

	it("patches any phase, tracks completed_at, and 404s onboarding_not_found after delete", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "Acme" } });
			const o = (await call(sim, "POST", "/onboardings", { body: { customer_id: 1 } })).json;
			const done = await call(sim, "PATCH", `/onboardings/${o.id}`, {
				body: { phase: "completed", notes: "n" },
			});
			expect(done.json.completed_at).not.toBeNull();
			const back = await call(sim, "PATCH", `/onboardings/${o.display_id}`, { body: { phase: "launch" } });
			expect(back.json).toMatchObject({ phase: "launch", completed_at: null, notes: "n" });
			expect((await call(sim, "DELETE", `/onboardings/${o.id}`)).json.deleted).toBe(true);
			const patch = await call(sim, "PATCH", `/onboardings/${o.id}`, { body: { phase: "review" } });
			expect(patch.status).toBe(404);
			expect(patch.json.error).toMatchObject({ type: "not_found", code: "onboarding_not_found" });
		}));

	it("lists with phase/state filters and per customer; a deleted customer's onboardings drop out", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "A" } });
			await call(sim, "POST", "/customers", { body: { name: "B" } });
			await call(sim, "POST", "/onboardings", {
				body: { customer_id: 1, name: "a1", phase: "launch", state: "paused" },
			});
			await call(sim, "POST", "/onboardings", { body: { customer_id: 1, name: "a2", phase: "launch" } });
			await call(sim, "POST", "/onboardings", { body: { customer_id: 2, name: "b1" } });
			const names = (r: { json: { data: Array<{ name: string }> } }) => r.json.data.map((o) => o.name);
			expect(names(await call(sim, "GET", "/onboardings"))).toEqual(["b1", "a2", "a1"]);
			expect(names(await call(sim, "GET", "/onboardings?phase=launch"))).toEqual(["a2", "a1"]);
			expect(names(await call(sim, "GET", "/onboardings?phase=launch&state=paused"))).toEqual(["a1"]);
			expect(names(await call(sim, "GET", "/customers/2/onboardings"))).toEqual(["b1"]);
			expect((await call(sim, "GET", "/onboardings?state=bogus")).json.error).toMatchObject({
				code: "invalid_enum_value",
				field: "state",
			});
			await call(sim, "DELETE", "/customers/1");
			expect(names(await call(sim, "GET", "/onboardings"))).toEqual(["b1"]);
			expect((await call(sim, "POST", "/onboardings", { body: { customer_id: 1 } })).json.error.code).toBe(
				"customer_not_found",
			);
		}));
});
