import { describe, expect, it } from "vitest";
import { call, fakeClock, withSim } from "./helpers.js";

describe("pagination (§9, §12.10, §12.40)", () => {
	it("walks 100 customers newest first across pages with distinct created_at even on a frozen clock", () => {
		const clock = fakeClock();
		return withSim({ now: clock.now, rateLimit: 1000 }, async (sim) => {
			for (let i = 1; i <= 100; i++) await call(sim, "POST", "/customers", { body: { name: `C${i}` } });
			const seen: string[] = [];
			const stamps: string[] = [];
			let cursor: string | null = null;
			let pages = 0;
			do {
				const q: string = cursor === null ? "?limit=30" : `?limit=30&cursor=${encodeURIComponent(cursor)}`;
				const page = await call(sim, "GET", `/customers${q}`);
				expect(page.status).toBe(200);
				pages += 1;
				for (const c of page.json.data) {
					seen.push(c.name);
					stamps.push(c.created_at);
				}
				expect(page.json.has_more).toBe(page.json.next_cursor !== null);
				cursor = page.json.next_cursor;
			} while (cursor !== null);
			expect(pages).toBe(4);
			expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => `C${100 - i}`));
			expect(new Set(stamps).size).toBe(100);
			expect([...stamps].sort().reverse()).toEqual(stamps);
		});
	});

	it("returns rows strictly older than the cursor", () =>
		withSim({}, async (sim) => {
			for (let i = 1; i <= 3; i++) await call(sim, "POST", "/customers", { body: { name: `C${i}` } });
			const all = (await call(sim, "GET", "/customers")).json.data;
			const older = await call(sim, "GET", `/customers?cursor=${encodeURIComponent(all[1].created_at)}`);
			expect(older.json.data.map((c: { name: string }) => c.name)).toEqual(["C1"]);
			expect(older.json).toMatchObject({ has_more: false, next_cursor: null });
		}));

	it("uses limit 20 by default; a last page of exactly limit rows says has_more false", () =>
		withSim({}, async (sim) => {
			for (let i = 1; i <= 25; i++) await call(sim, "POST", "/customers", { body: { name: `C${i}` } });
			const first = await call(sim, "GET", "/customers");
			expect(first.json.data).toHaveLength(20);
			expect(first.json.has_more).toBe(true);
			const exact = await call(sim, "GET", "/customers?limit=25");
			expect(exact.json).toMatchObject({ has_more: false, next_cursor: null });
			expect(exact.json.data).toHaveLength(25);
		}));

	it("answers an empty list", () =>
		withSim({}, async (sim) => {
			expect((await call(sim, "GET", "/customers")).json).toEqual({
				object: "list",
				data: [],
				has_more: false,
				next_cursor: null,
			});
		}));

	it("rejects limit outside 1..100 and a bad cursor with 400 naming the field", () =>
		withSim({}, async (sim) => {
			const cases: Array<[string, string, string]> = [
				["limit=0", "too_small", "limit"],
				["limit=101", "too_big", "limit"],
				["limit=abc", "invalid_type", "limit"],
				["cursor=yesterday", "invalid_string", "cursor"],
				["cursor=2026-13-45T00:00:00Z", "invalid_string", "cursor"],
			];
			for (const [q, code, field] of cases) {
				const res = await call(sim, "GET", `/customers?${q}`);
				expect(res.status, q).toBe(400);
				expect(res.json.error, q).toMatchObject({ type: "invalid_request_error", code, field });
			}
			expect((await call(sim, "GET", "/customers?limit=100")).status).toBe(200);
			expect((await call(sim, "GET", "/customers?limit=1")).status).toBe(200);
		}));
});
