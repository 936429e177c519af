import { beforeEach, describe, expect, it } from "vitest";
import type { ApiError } from "../../src/api/errors.js";
import { parseRateLimit, parseRetryAfter, SkewEstimator } from "../../src/api/rate-limit.js";
import type { ResponseInfo } from "../../src/api/types.js";
import { clientsPerTest, errorEnvelope, type Handler, json, ME } from "./loopback.js";

const connect = clientsPerTest();
let infos: ResponseInfo[] = [];
beforeEach(() => {
	infos = [];
});

function setup(handler: Handler, now?: () => number) {
	return connect(handler, { onResponse: (info) => infos.push(info), ...(now ? { now } : {}) });
}

const HOUR = 3_600_000;

describe("rate-limit headers over HTTP", () => {
	it("parses limit, remaining and reset on a 2xx and hands them to onResponse", async () => {
		const local = Date.UTC(2026, 4, 26, 12, 0, 0, 400);
		const { client } = await setup(
			(_req, res) =>
				json(res, 200, ME, {
					date: new Date(Date.UTC(2026, 4, 26, 12, 0, 0)).toUTCString(),
					"x-ratelimit-limit": "60",
					"x-ratelimit-remaining": "59",
					"x-ratelimit-reset": String(Date.UTC(2026, 4, 26, 12, 1, 0) / 1000),
				}),
			() => local,
		);
		const result = await client.me();
		// Skew sample = 400 ms (Date truncated to the second): Reset moves 400 ms later on our clock.
		expect(result.rateLimit).toEqual({
			limit: 60,
			remaining: 59,
			resetAtMs: Date.UTC(2026, 4, 26, 12, 1, 0, 400),
			resetSec: Date.UTC(2026, 4, 26, 12, 1, 0) / 1000,
		});
		expect(infos[0]?.rateLimit).toEqual(result.rateLimit);
		expect(infos[0]?.retryAfterMs).toBeUndefined();
	});

	it("corrects Reset for a server clock an hour behind ours", async () => {
		const { client } = await setup((_req, res) => {
			const serverNow = Date.now() - HOUR;
			json(res, 200, ME, {
				date: new Date(serverNow).toUTCString(),
				"x-ratelimit-limit": 60,
				"x-ratelimit-remaining": 0,
				"x-ratelimit-reset": Math.ceil(serverNow / 1000) + 30,
			});
		});
		const { rateLimit } = await client.me();
		const inLocal = (rateLimit?.resetAtMs ?? 0) - Date.now();
		// 30 s away on our clock, give or take the second of Date resolution and rounding.
		expect(inLocal).toBeGreaterThan(28_000);
		expect(inLocal).toBeLessThan(32_500);
	});

	it("corrects Reset for a server clock an hour ahead, with an injected clock", async () => {
		const local = 1_800_000_000_000;
		const { client } = await setup(
			(_req, res) =>
				json(res, 429, errorEnvelope("rate_limit_error", "rate_limited", "Try again in 12 seconds."), {
					date: new Date(local + HOUR).toUTCString(),
					"x-ratelimit-limit": 60,
					"x-ratelimit-remaining": 0,
					"x-ratelimit-reset": (local + HOUR) / 1000 + 12,
					"retry-after": "12",
				}),
			() => local,
		);
		const error = (await client.createCustomer("{}", "k").catch((e: unknown) => e)) as ApiError;
		expect(error.type).toBe("rate_limit_error");
		expect(error.retryAfterMs).toBe(12_000);
		expect(error.rateLimit).toMatchObject({ limit: 60, remaining: 0, resetAtMs: local + 12_000 });
		expect(infos[0]).toMatchObject({ status: 429, retryAfterMs: 12_000, errorCode: "rate_limited" });
	});

	it("reads Retry-After as an HTTP date against the server's own Date header", async () => {
		const { client } = await setup((_req, res) => {
			const serverNow = Date.now() - HOUR;
			json(res, 429, errorEnvelope("rate_limit_error", "rate_limited", "wait"), {
				date: new Date(serverNow).toUTCString(),
				"retry-after": new Date(serverNow + 7_000).toUTCString(),
			});
		});
		const error = (await client.me().catch((e: unknown) => e)) as ApiError;
		// Both dates truncate to the second, so the difference is 6–8 s, not an hour off.
		expect(error.retryAfterMs).toBeGreaterThanOrEqual(6_000);
		expect(error.retryAfterMs).toBeLessThanOrEqual(8_000);
		expect(error.rateLimit).toBeUndefined();
	});

	it("gives undefined rate limit and retry-after when headers are missing (401 unknown key)", async () => {
		const { client } = await setup((_req, res) =>
			json(res, 401, errorEnvelope("authentication_error", "invalid_api_key", "Unknown key.")),
		);
		const error = (await client.me().catch((e: unknown) => e)) as ApiError;
		expect(error.rateLimit).toBeUndefined();
		expect(error.retryAfterMs).toBeUndefined();
		expect(infos[0]).toMatchObject({ status: 401, rateLimit: undefined, retryAfterMs: undefined });
	});
});

describe("parseRateLimit", () => {
	it("needs all three headers and numeric values", () => {
		expect(parseRateLimit({ "x-ratelimit-limit": "60", "x-ratelimit-remaining": "1" }, 0)).toBeUndefined();
		expect(
			parseRateLimit(
				{ "x-ratelimit-limit": "60", "x-ratelimit-remaining": "x", "x-ratelimit-reset": "1" },
				0,
			),
		).toBeUndefined();
		expect(
			parseRateLimit(
				{ "x-ratelimit-limit": ["600"], "x-ratelimit-remaining": " 5 ", "x-ratelimit-reset": "100" },
				-250,
			),
		).toEqual({ limit: 600, remaining: 5, resetAtMs: 99_750, resetSec: 100 });
	});
});

describe("parseRetryAfter", () => {
	it("reads delta seconds", () => {
		expect(parseRetryAfter({ "retry-after": "3" }, 0, 0)).toBe(3_000);
		expect(parseRetryAfter({ "retry-after": "0" }, 0, 0)).toBe(0);
		expect(parseRetryAfter({ "retry-after": "1.5" }, 0, 0)).toBe(1_500);
	});

	it("reads an HTTP date against the local clock corrected by skew when Date is absent", () => {
		const local = Date.UTC(2026, 0, 1, 0, 0, 10);
		const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 15)).toUTCString();
		expect(parseRetryAfter({ "retry-after": at }, local, 0)).toBe(5_000);
		// Our clock is 2 s ahead of the server: server now = local − 2 s, so 7 s to wait.
		expect(parseRetryAfter({ "retry-after": at }, local, 2_000)).toBe(7_000);
	});

	it("never returns a negative wait and ignores garbage", () => {
		expect(parseRetryAfter({ "retry-after": new Date(0).toUTCString() }, Date.now(), 0)).toBe(0);
		expect(parseRetryAfter({ "retry-after": "soon" }, 0, 0)).toBeUndefined();
		expect(parseRetryAfter({ "retry-after": "-5" }, 0, 0)).toBeUndefined();
		expect(parseRetryAfter({}, 0, 0)).toBeUndefined();
	});
});

describe("SkewEstimator", () => {
	it("keeps the smallest recent sample, so Reset is never moved early", () => {
		const skew = new SkewEstimator(4);
		expect(skew.skewMs).toBe(0);
		// True offset +5 s; samples carry 0–1 s of Date truncation plus transit on top.
		expect(skew.observe(10_900, 5_000)).toBe(5_900);
		expect(skew.observe(20_100, 15_000)).toBe(5_100);
		expect(skew.observe(30_700, 25_000)).toBe(5_100);
	});

	it("follows a clock that jumps once the old samples have left the window", () => {
		const skew = new SkewEstimator(3);
		skew.observe(5_000, 0);
		skew.observe(6_000, 1_000);
		// The local clock steps back 5 s: samples are now about 0.
		skew.observe(2_100, 2_000);
		expect(skew.skewMs).toBe(100);
		skew.observe(13_200, 8_000);
		skew.observe(14_300, 9_000);
		skew.observe(10_200, 10_000);
		expect(skew.skewMs).toBe(200);
		skew.observe(11_300, 11_000);
		skew.observe(12_300, 12_000);
		expect(skew.skewMs).toBe(200);
		skew.observe(13_300, 13_000);
		expect(skew.skewMs).toBe(300);
	});

	it("ignores one answer dated far off (a balancer's backend with its clock wrong) and a Date no clock shows", () => {
		const skew = new SkewEstimator(32);
		for (let i = 0; i < 10; i += 1) skew.observe(100_000 + i * 1_000 + 300, 100_000 + i * 1_000);
		expect(skew.skewMs).toBe(300);
		// One answer an hour ahead, then the others again; answers alternating half an hour either way.
		skew.observe(200_300, 200_000 + HOUR);
		skew.observe(201_300, 201_000);
		for (let i = 0; i < 6; i += 1) skew.observe(210_000 + i, 210_000 + (i % 2 === 0 ? 1 : -1) * (HOUR / 2));
		expect(skew.skewMs).toBe(300);
		// 1970, and a year 2100: no samples at all.
		const fresh = new SkewEstimator(32);
		fresh.observe(Date.UTC(2026, 0, 1), 0);
		fresh.observe(Date.UTC(2026, 0, 1), Date.UTC(2100, 0, 1));
		expect(fresh.skewMs).toBe(0);
	});

	it("follows a clock that stepped by more than a few seconds once three answers in a row agree", () => {
		const skew = new SkewEstimator(32);
		skew.observe(10_300, 10_000);
		// This clock steps an hour ahead: the first two answers are held back, the third is taken.
		skew.observe(HOUR + 20_300, 20_000);
		skew.observe(HOUR + 21_400, 21_000);
		expect(skew.skewMs).toBe(300);
		skew.observe(HOUR + 22_200, 22_000);
		expect(skew.skewMs).toBe(HOUR + 200);
	});

	it("its kept minimum is the least of the last samples, whichever sample leaves the window", () => {
		const skew = new SkewEstimator(5);
		const samples: number[] = [];
		// A fixed walk with repeats and rises and falls: the least leaves first, last and in between.
		let value = 1_000;
		for (let i = 0; i < 200; i++) {
			value += ((i * 7919) % 13) * 37 - 220;
			samples.push(value);
			expect(skew.observe(value, 0), `after sample ${i}`).toBe(Math.min(...samples.slice(-5)));
		}
	});
});
