import { describe, expect, it } from "vitest";
import { call, fakeClock, withSim } from "./helpers.js";

describe("idempotency (§5, §12.12–19)", () => {
	it("replays the stored response byte for byte with the original status and a marker header", () =>
		withSim({}, async (sim) => {
			const body = JSON.stringify({ name: "Aurora", metadata: { external_id: "A-1" } });
			const first = await call(sim, "POST", "/customers", { body, idempotencyKey: "customer-create-A-1" });
			expect(first.status).toBe(201);
			expect(first.headers.get("idempotent-replayed")).toBeNull();
			const second = await call(sim, "POST", "/customers", { body, idempotencyKey: "customer-create-A-1" });
			expect(second.status).toBe(201);
			expect(second.text).toBe(first.text);
			expect(second.headers.get("idempotent-replayed")).toBe("true");
			expect(sim.state().customers).toHaveLength(1);
			expect(sim.counters()).toMatchObject({ idempotentReplays: 1, created: { customers: 1 } });
			// Still replayed after the record was deleted (§12.18).
			await call(sim, "DELETE", `/customers/${first.json.id}`);
			expect(
				(await call(sim, "POST", "/customers", { body, idempotencyKey: "customer-create-A-1" })).text,
			).toBe(first.text);
		}));

	it("refuses the same key with different body bytes (409 idempotency_key_reused)", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: '{"name":"A"}', idempotencyKey: "k" });
			const reused = await call(sim, "POST", "/customers", { body: '{ "name": "A" }', idempotencyKey: "k" });
			expect(reused.status).toBe(409);
			expect(reused.json.error).toMatchObject({ type: "conflict", code: "idempotency_key_reused" });
			expect(sim.state().customers).toHaveLength(1);
		}));

	it("refuses a concurrent duplicate while the first is in flight, then replays it", () =>
		withSim({ latency: { minMs: 150, maxMs: 150 } }, async (sim) => {
			const send = () =>
				call(sim, "POST", "/customers", { body: { name: "Slow" }, idempotencyKey: "slow-1" });
			const first = send();
			await new Promise((r) => setTimeout(r, 40));
			const second = await send();
			expect(second.status).toBe(409);
			expect(second.json.error).toMatchObject({ type: "conflict", code: "idempotency_key_in_use" });
			const done = await first;
			expect(done.status).toBe(201);
			const retry = await send();
			expect(retry.status).toBe(201);
			expect(retry.json.id).toBe(done.json.id);
			expect(sim.state().customers).toHaveLength(1);
		}));

	it("forgets keys after the TTL, so the same key creates a new record", () => {
		const clock = fakeClock();
		return withSim({ now: clock.now, idempotencyTtlMs: 1_000 }, async (sim) => {
			const a = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k" });
			clock.advance(999);
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k" })).json.id,
			).toBe(a.json.id);
			clock.advance(1);
			const b = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k" });
			expect(b.status).toBe(201);
			expect(b.headers.get("idempotent-replayed")).toBeNull();
			expect(b.json.id).not.toBe(a.json.id);
			expect(sim.duplicates().customers).toEqual([]);
			expect(sim.state().customers).toHaveLength(2);
		});
	});

	it("rejects empty and over-long keys with 400 field Idempotency-Key", () =>
		withSim({}, async (sim) => {
			// Header values travel as bytes; this string is 128 × "é" in UTF-8, 256 bytes on the wire.
			const utf8 = Buffer.from("é".repeat(128)).toString("latin1");
			for (const key of ["", "k".repeat(256), utf8]) {
				const res = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: key });
				expect(res.status, `length ${key.length}`).toBe(400);
				expect(res.json.error).toMatchObject({ type: "invalid_request_error", field: "Idempotency-Key" });
			}
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k".repeat(255) }))
					.status,
			).toBe(201);
		}));

	it("does not store failures: a retry with the same key re-executes", () =>
		withSim({}, async (sim) => {
			const invalid = await call(sim, "POST", "/customers", { body: { slug: "a" }, idempotencyKey: "k1" });
			expect(invalid.status).toBe(400);
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "A", slug: "a" }, idempotencyKey: "k1" }))
					.status,
			).toBe(201);
			const taken = await call(sim, "POST", "/customers", {
				body: { name: "B", slug: "a" },
				idempotencyKey: "k2",
			});
			expect(taken.json.error.code).toBe("slug_taken");
			await call(sim, "DELETE", "/customers/1");
			expect(
				(await call(sim, "POST", "/customers", { body: { name: "B", slug: "a" }, idempotencyKey: "k2" }))
					.status,
			).toBe(201);
		}));

	it("scopes keys per method and concrete path, and ignores them on PATCH and DELETE", () =>
		withSim({}, async (sim) => {
			await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "same" });
			await call(sim, "POST", "/customers", { body: { name: "B" }, idempotencyKey: "other" });
			const c1 = await call(sim, "POST", "/customers/1/contacts", {
				body: { name: "X", email: "x@a.io" },
				idempotencyKey: "same",
			});
			const c2 = await call(sim, "POST", "/customers/2/contacts", {
				body: { name: "X", email: "x@a.io" },
				idempotencyKey: "same",
			});
			expect([c1.status, c2.status]).toEqual([201, 201]);
			expect(c1.json.id).not.toBe(c2.json.id);
			const p1 = await call(sim, "PATCH", "/customers/1", { body: { plan: "pro" }, idempotencyKey: "p" });
			const p2 = await call(sim, "PATCH", "/customers/1", {
				body: { plan: "enterprise" },
				idempotencyKey: "p",
			});
			expect([p1.status, p2.status]).toEqual([200, 200]);
			expect(p2.json.plan).toBe("enterprise");
			expect((await call(sim, "DELETE", "/customers/2", { idempotencyKey: "d" })).status).toBe(200);
		}));
});
