import { describe, expect, it } from "vitest";
import { call, fakeClock, LIVE_KEY, TEST_KEY, withSim } from "./helpers.js";

const T0 = Date.UTC(2026, 4, 26, 12, 0, 0, 0);
const T0_SEC = T0 / 1000;

function limits(res: { headers: Headers }) {
	return {
		limit: res.headers.get("x-ratelimit-limit"),
		remaining: res.headers.get("x-ratelimit-remaining"),
		reset: res.headers.get("x-ratelimit-reset"),
		retryAfter: res.headers.get("retry-after"),
	};
}

describe("rate limit (§3, §12.1–5)", () => {
	it("tracks Remaining and Reset over a sliding window and refuses the (limit+1)th request", () => {
		const clock = fakeClock(T0);
		return withSim({ now: clock.now, rateLimit: 3, windowMs: 10_000 }, async (sim) => {
			const r1 = await call(sim, "GET", "/customers");
			expect(limits(r1)).toEqual({
				limit: "3",
				remaining: "2",
				reset: String(T0_SEC + 10),
				retryAfter: null,
			});
			expect(r1.headers.get("date")).toBe(new Date(T0).toUTCString());
			clock.advance(2_500);
			expect(limits(await call(sim, "GET", "/me")).remaining).toBe("1");
			clock.advance(2_500);
			// Errors count and carry the headers too.
			const notFound = await call(sim, "GET", "/customers/42");
			expect(notFound.status).toBe(404);
			expect(limits(notFound)).toMatchObject({ remaining: "0", reset: String(T0_SEC + 10) });
			clock.advance(1_000);
			const refused = await call(sim, "GET", "/customers");
			expect(refused.status).toBe(429);
			expect(refused.json.error).toEqual({
				type: "rate_limit_error",
				code: "rate_limited",
				message: expect.any(String),
			});
			expect(limits(refused)).toEqual({
				limit: "3",
				remaining: "0",
				reset: String(T0_SEC + 10),
				retryAfter: "4",
			});
			// The oldest request leaves the window exactly windowMs after it was made; the 429 took no slot.
			clock.set(T0 + 10_000);
			const freed = await call(sim, "GET", "/customers");
			expect(freed.status).toBe(200);
			expect(limits(freed)).toMatchObject({ remaining: "0", reset: String(Math.ceil((T0 + 12_500) / 1000)) });
			clock.advance(2_500);
			expect(limits(await call(sim, "GET", "/customers")).remaining).toBe("0");
			expect(sim.counters().rateLimited).toBe(1);
		});
	});

	it("gives Retry-After of at least 1 second and rounds Reset up", () => {
		const clock = fakeClock(T0 + 400);
		return withSim({ now: clock.now, rateLimit: 1, windowMs: 1_000 }, async (sim) => {
			const ok = await call(sim, "GET", "/me");
			expect(limits(ok).reset).toBe(String(T0_SEC + 2));
			clock.advance(900);
			const refused = await call(sim, "GET", "/me");
			expect(refused.status).toBe(429);
			expect(limits(refused).retryAfter).toBe("1");
		});
	});

	it("can count refused requests when configured", () => {
		const clock = fakeClock(T0);
		return withSim(
			{ now: clock.now, rateLimit: 2, windowMs: 10_000, countRateLimitedRequests: true },
			async (sim) => {
				await call(sim, "GET", "/me");
				clock.advance(1_000);
				await call(sim, "GET", "/me");
				clock.advance(1_000);
				expect((await call(sim, "GET", "/me")).status).toBe(429);
				// The first request expired, but the refused one still occupies a slot.
				clock.set(T0 + 10_000);
				expect((await call(sim, "GET", "/me")).status).toBe(429);
			},
		);
	});

	it("keeps live and test keys on separate buckets with their own limits", () => {
		const clock = fakeClock(T0);
		return withSim({ now: clock.now, rateLimit: 2, testRateLimit: 1, windowMs: 60_000 }, async (sim) => {
			await call(sim, "GET", "/me");
			await call(sim, "GET", "/me");
			expect((await call(sim, "GET", "/me")).status).toBe(429);
			const test = await call(sim, "GET", "/me", { key: TEST_KEY });
			expect(test.status).toBe(200);
			expect(limits(test)).toMatchObject({ limit: "1", remaining: "0" });
			expect((await call(sim, "GET", "/me", { key: TEST_KEY })).status).toBe(429);
			const other = await call(sim, "GET", "/me", { key: `${LIVE_KEY}_b` });
			expect(limits(other)).toMatchObject({ limit: "2", remaining: "1" });
		});
	});

	it("counts every authenticated request, POSTs and idempotent replays included", () => {
		const clock = fakeClock(T0);
		return withSim({ now: clock.now, rateLimit: 4, windowMs: 60_000 }, async (sim) => {
			const first = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k1" });
			expect(limits(first).remaining).toBe("3");
			const replay = await call(sim, "POST", "/customers", { body: { name: "A" }, idempotencyKey: "k1" });
			expect(limits(replay).remaining).toBe("2");
			const invalid = await call(sim, "POST", "/customers", { body: {} });
			expect(limits(invalid).remaining).toBe("1");
		});
	});
});
