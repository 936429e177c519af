import { describe, expect, it } from "vitest";
import { typeForStatus } from "../../../src/api/api-error.js";
import { ApiError, NetworkError, type NetworkFailure } from "../../../src/api/errors.js";
import {
	backoffMs,
	DEFAULT_RETRY_POLICY,
	decide,
	type RetryPolicy,
	type Verdict,
} from "../../../src/core/execute/retry-policy.js";

const policy: RetryPolicy = { maxAttempts: 4, backoffBaseMs: 100, backoffCapMs: 1000, keyInUseRetries: 2 };

function api(status: number, code = `http_${status}`, retryAfterMs?: number): ApiError {
	return new ApiError({ status, type: typeForStatus(status), code, message: "m", retryAfterMs });
}
const net = (reason: NetworkFailure) => new NetworkError(reason, `The request ${reason}.`);

interface Row {
	readonly name: string;
	readonly error: unknown;
	readonly transient?: number;
	readonly keyInUse?: number;
	readonly random?: number;
	readonly verdict: Verdict;
}

const rows: Row[] = [
	{ name: "429 with Retry-After", error: api(429, "rate_limited", 2500), verdict: rateLimited(2500) },
	{ name: "429 without Retry-After", error: api(429, "rate_limited"), verdict: rateLimited(1000) },
	// A 429 was not counted by the server: it is never an attempt that runs out.
	{
		name: "429 after many failures",
		error: api(429, "rate_limited", 10),
		transient: 3,
		verdict: rateLimited(10),
	},
	{ name: "401", error: api(401, "invalid_api_key"), verdict: { kind: "auth" } },
	{ name: "403", error: api(403, "insufficient_scope"), verdict: { kind: "auth" } },
	{
		name: "409 key in use, first",
		error: api(409, "idempotency_key_in_use"),
		random: 0.5,
		verdict: { kind: "key-in-use", waitMs: 1500 },
	},
	{
		name: "409 key in use, under the limit",
		error: api(409, "idempotency_key_in_use"),
		keyInUse: 1,
		random: 0,
		verdict: { kind: "key-in-use", waitMs: 1000 },
	},
	{
		name: "409 key in use, at the limit",
		error: api(409, "idempotency_key_in_use"),
		keyInUse: 2,
		verdict: { kind: "fail", retryable: true },
	},
	{ name: "409 slug_taken", error: api(409, "slug_taken"), verdict: permanent() },
	{ name: "409 email_taken", error: api(409, "email_taken"), verdict: permanent() },
	{ name: "409 idempotency_key_reused", error: api(409, "idempotency_key_reused"), verdict: permanent() },
	{ name: "400", error: api(400, "invalid_request"), verdict: permanent() },
	{ name: "404", error: api(404, "not_found"), verdict: permanent() },
	{ name: "422", error: api(422, "unprocessable"), verdict: permanent() },
	// 5xx: ceiling base·2^(n-1) for the n-th failure; wait = ceiling/2 + random·ceiling/2.
	{ name: "500, first failure, random 0", error: api(500), random: 0, verdict: backoff(50, "500") },
	{ name: "503, first failure, random .5", error: api(503), random: 0.5, verdict: backoff(75, "503") },
	{ name: "502, third failure", error: api(502), transient: 2, random: 0.5, verdict: backoff(300, "502") },
	{ name: "504, at maxAttempts", error: api(504), transient: 3, verdict: { kind: "fail", retryable: true } },
	// A redirect is never followed: a misconfigured server, retried and resumed like a 5xx.
	{ name: "307, first failure", error: api(307), random: 0, verdict: backoff(50, "307") },
	{ name: "301, at maxAttempts", error: api(301), transient: 3, verdict: { kind: "fail", retryable: true } },
	{ name: "reset", error: net("reset"), random: 0, verdict: backoff(50, "reset") },
	{ name: "timeout", error: net("timeout"), transient: 1, random: 0, verdict: backoff(100, "timeout") },
	{ name: "refused", error: net("refused"), random: 0.999, verdict: backoff(100, "refused") },
	{ name: "other", error: net("other"), random: 0, verdict: backoff(50, "other") },
	{
		name: "reset, at maxAttempts",
		error: net("reset"),
		transient: 3,
		verdict: { kind: "fail", retryable: true },
	},
	{ name: "aborted", error: net("aborted"), verdict: { kind: "aborted" } },
	{ name: "aborted after many failures", error: net("aborted"), transient: 3, verdict: { kind: "aborted" } },
	{ name: "an Error", error: new TypeError("x is undefined"), verdict: { kind: "fail", retryable: true } },
	{ name: "a thrown string", error: "boom", verdict: { kind: "fail", retryable: true } },
	{ name: "undefined", error: undefined, verdict: { kind: "fail", retryable: true } },
];

function rateLimited(waitMs: number): Verdict {
	return { kind: "rate-limited", waitMs };
}
function backoff(waitMs: number, cause: string): Verdict {
	return { kind: "backoff", waitMs, cause };
}
function permanent(): Verdict {
	return { kind: "fail", retryable: false };
}

describe("decide", () => {
	it.each(rows)("$name", (row) => {
		const attempts = { transient: row.transient ?? 0, keyInUse: row.keyInUse ?? 0 };
		expect(decide(row.error, attempts, policy, () => row.random ?? 0.5)).toEqual(row.verdict);
	});

	it("gives up on the default policy's 8th transient failure, not before", () => {
		const random = () => 0;
		expect(decide(api(503), { transient: 6, keyInUse: 0 }, DEFAULT_RETRY_POLICY, random).kind).toBe(
			"backoff",
		);
		expect(decide(api(503), { transient: 7, keyInUse: 0 }, DEFAULT_RETRY_POLICY, random)).toEqual({
			kind: "fail",
			retryable: true,
		});
	});

	it("waits out key-in-use answers without spending transient attempts", () => {
		const verdict = decide(
			api(409, "idempotency_key_in_use"),
			{ transient: 3, keyInUse: 0 },
			policy,
			() => 0,
		);
		expect(verdict.kind).toBe("key-in-use");
	});
});

describe("backoffMs", () => {
	it.each([0, 0.25, 0.5, 0.999999])("stays between half the ceiling and the ceiling (random %s)", (r) => {
		for (let failures = 1; failures <= 12; failures += 1) {
			const ceiling = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** (failures - 1));
			const wait = backoffMs(failures, policy, () => r);
			expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
			expect(wait).toBeLessThanOrEqual(ceiling);
		}
	});

	it("doubles from the base and stops at the cap", () => {
		const waits = [1, 2, 3, 4, 5, 6, 20].map((n) => backoffMs(n, policy, () => 0.999999));
		expect(waits).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
		expect(backoffMs(1, policy, () => 0)).toBe(50);
		expect(backoffMs(40, policy, () => 0)).toBe(500);
	});
});
