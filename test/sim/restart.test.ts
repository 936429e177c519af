import { describe, expect, it } from "vitest";
import { startSimulator } from "../../src/sim/index.js";
import { call, LIVE_KEY, TEST_KEY } from "./helpers.js";

describe("restart keeping state", () => {
	it("comes back on the same port with data, idempotency records, keys and counters", async () => {
		const first = await startSimulator({});
		const created = await call(first, "POST", "/customers", {
			body: { name: "Aurora", slug: "aurora" },
			idempotencyKey: "k1",
		});
		await call(first, "POST", "/customers", { body: { name: "Gone" } });
		await call(first, "DELETE", "/customers/2");
		await call(first, "POST", "/customers/1/contacts", { body: { name: "A", email: "a@x.io" } });
		first.revokeKey(TEST_KEY);
		// Round-trip through JSON as a test process or the admin export would.
		const exported = (await call(first, "GET", "/_admin/export", { key: null })).json;
		expect(exported).toEqual(JSON.parse(JSON.stringify(first.exportState())));
		const { port } = first;
		await first.close();
		await expect(call(first, "GET", "/me")).rejects.toThrow();

		const second = await startSimulator({ port, state: exported });
		try {
			expect(second.baseUrl).toBe(first.baseUrl);
			expect((await call(second, "GET", "/customers/1")).json).toEqual(created.json);
			expect((await call(second, "GET", "/customers/2")).status).toBe(404);
			const replay = await call(second, "POST", "/customers", {
				body: { name: "Aurora", slug: "aurora" },
				idempotencyKey: "k1",
			});
			expect(replay.text).toBe(created.text);
			expect(replay.headers.get("idempotent-replayed")).toBe("true");
			expect(
				(await call(second, "POST", "/customers", { body: { name: "X", slug: "aurora" } })).json.error.code,
			).toBe("slug_taken");
			expect(
				(await call(second, "POST", "/customers/1/contacts", { body: { name: "A", email: "a@x.io" } }))
					.status,
			).toBe(409);
			const next = await call(second, "POST", "/customers", { body: { name: "Next" } });
			expect(next.json.display_id).toBe(3);
			expect(second.state().customers.map((c) => c.id)).not.toContain(undefined);
			expect(new Set(second.state().customers.map((c) => c.id)).size).toBe(3);
			expect(Date.parse(next.json.created_at)).toBeGreaterThan(Date.parse(created.json.created_at));
			expect((await call(second, "GET", "/me", { key: TEST_KEY })).json.error.code).toBe("api_key_revoked");
			const me = await call(second, "GET", "/me", { key: LIVE_KEY });
			expect(me.json.organization).toEqual(exported.organization);
			expect(second.counters().requests).toBeGreaterThan(5);
		} finally {
			await second.close();
		}
	});
});
