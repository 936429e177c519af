import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { typeForStatus } from "../../../src/api/api-error.js";
import { ApiError, NetworkError } from "../../../src/api/errors.js";
import type { ApiOk, Customer, PivotalClient } from "../../../src/api/types.js";
import type { ImportEvent } from "../../../src/core/events.js";
import { type Lane, Requester, type RequestSubject } from "../../../src/core/execute/requester.js";
import { backoffMs, DEFAULT_RETRY_POLICY } from "../../../src/core/execute/retry-policy.js";
import { RunControl } from "../../../src/core/execute/run-control.js";
import { Governor } from "../../../src/core/governor.js";
import { settled } from "./settled.js";

// The governor waits with setTimeout and reads the clock through the injected `now`: both fake,
// so a 60-second window or a Retry-After is crossed by advancing the clock.
beforeEach(() => {
	vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 1_000_000 });
});
afterEach(() => {
	vi.useRealTimers();
});
const now = () => Date.now();

type Answer = "ok" | Error;
const BODY = '{"name":"Acme","metadata":{"external_id":"crm-1"}}';
const IDEMPOTENCY_KEY = "pivotal-tui-r-cus-crm-1";
const subject: RequestSubject = { pass: "customers", key: "crm-1", line: 2 };

function api(status: number, code = `http_${status}`, retryAfterMs?: number): ApiError {
	return new ApiError({ status, type: typeForStatus(status), code, message: "m", retryAfterMs });
}

/** A client that answers `createCustomer` from a script, and writes each call to `log`. */
function fakeClient(label: string, answers: Answer[], log: string[]) {
	const calls: { body: string; key: string }[] = [];
	const client = {
		baseUrl: "http://fake.invalid",
		async createCustomer(body: string, key: string): Promise<ApiOk<Customer>> {
			calls.push({ body, key });
			log.push(`call ${label}`);
			const answer = answers.shift() ?? "ok";
			if (answer !== "ok") throw answer;
			const data: Customer = {
				object: "customer",
				id: "cus_1",
				display_id: 1,
				name: "Acme",
				slug: "acme",
				metadata: {},
			};
			return { status: 201, data, rateLimit: undefined, replayed: false };
		},
	};
	return { client: client as unknown as PivotalClient, calls };
}

const create = (client: PivotalClient) => client.createCustomer(BODY, IDEMPOTENCY_KEY);

function harness(scripts: Answer[][], governor: { limit?: number; windowMs?: number } = {}) {
	const log: string[] = [];
	const events: ImportEvent[] = [];
	const counters: Record<string, number> = {};
	const sleeps: { ms: number; signal: AbortSignal | undefined }[] = [];
	const lost: { lane: Lane; error: ApiError }[] = [];
	const fakes = scripts.map((answers, i) => fakeClient(`key${i + 1}`, answers, log));
	const lanes: Lane[] = fakes.map(({ client }, i) => ({
		client,
		governor: new Governor({ limit: governor.limit ?? 10, windowMs: governor.windowMs ?? 60_000, now }),
		label: `key${i + 1}`,
		fingerprint: `fp${i + 1}`,
		isAlive: true,
	}));
	const control = new RunControl(4, () => log.push("paused"));
	const requester = new Requester({
		lanes,
		control,
		policy: DEFAULT_RETRY_POLICY,
		now,
		sleep: async (ms, signal) => {
			sleeps.push({ ms, signal });
		},
		random: () => 0.5,
		emit: (event) => events.push(event),
		count: (delta) => {
			for (const [name, n] of Object.entries(delta)) counters[name] = (counters[name] ?? 0) + n;
		},
		onLaneLost: (lane, error) => {
			log.push(`lost ${lane.label}`);
			lost.push({ lane, error });
		},
	});
	return { requester, control, lanes, fakes, log, events, counters, sleeps, lost };
}

describe("Requester retries", () => {
	it("sends the same call again after a 5xx, with the policy's backoff, and returns the answer", async () => {
		const h = harness([[api(503), "ok"]]);
		const result = await h.requester.send(create, { subject });
		expect(result).toMatchObject({ ok: true, attempts: 2, lane: h.lanes[0] });
		expect(h.fakes[0]!.calls).toEqual([
			{ body: BODY, key: IDEMPOTENCY_KEY },
			{ body: BODY, key: IDEMPOTENCY_KEY },
		]);
		expect(h.sleeps).toEqual([
			{ ms: backoffMs(1, DEFAULT_RETRY_POLICY, () => 0.5), signal: h.control.signal },
		]);
		expect(h.events).toContainEqual(
			expect.objectContaining({ type: "request-waiting", reason: "backoff", cause: "503", attempt: 1 }),
		);
		expect(h.counters).toMatchObject({ requests: 2, retries: 1 });
	});

	it("counts the attempts of earlier runs", async () => {
		const h = harness([[new NetworkError("reset", "reset"), "ok"]]);
		const result = await h.requester.send(create, { attemptsBefore: 3 });
		expect(result).toMatchObject({ ok: true, attempts: 5 });
	});

	it("gives a permanent failure back at once with its error", async () => {
		const refusal = api(400, "invalid_request");
		const h = harness([[refusal]]);
		const result = await h.requester.send(create, { subject });
		expect(result).toEqual({
			ok: false,
			error: refusal,
			verdict: { kind: "fail", retryable: false },
			attempts: 1,
		});
		expect(h.sleeps).toEqual([]);
	});

	it("stops when beforeAttempt says no, without sending", async () => {
		const h = harness([["ok"]]);
		const result = await h.requester.send(create, { beforeAttempt: () => false });
		expect(result).toMatchObject({ ok: false, verdict: { kind: "aborted" }, attempts: 1 });
		expect(h.fakes[0]!.calls).toHaveLength(0);
		// The permit went back unspent: the window is whole.
		expect(h.lanes[0]!.governor.used()).toBe(0);
	});
});

describe("Requester and 429", () => {
	it("holds the lane's governor for Retry-After, then sends again", async () => {
		const h = harness([[api(429, "rate_limited", 2000), "ok"]]);
		const t0 = now();
		const sending = h.requester.send(create, { subject });
		expect(await settled(sending)).toBe("pending");
		expect(h.lanes[0]!.governor.blockedUntil).toBe(t0 + 2000);
		expect(h.events).toContainEqual(
			expect.objectContaining({ type: "rate-limited", untilMs: t0 + 2000, keyLabel: "key1" }),
		);
		expect(h.counters.rateLimited).toBe(1);
		await vi.advanceTimersByTimeAsync(1999);
		expect(h.fakes[0]!.calls).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(await sending).toMatchObject({ ok: true, attempts: 2 });
		// A 429 was not counted by the server and spends no transient attempt or backoff.
		expect(h.sleeps).toEqual([]);
	});
});

describe("Requester and 429 with several keys", () => {
	// A 429 was not applied (pivotal-api: "429 means no"), so nothing ties the retry to the key
	// that got it; today the request waits out that key's Retry-After while the other key idles.
	it("sends a request refused with 429 through another key that has room", async () => {
		const h = harness([[api(429, "rate_limited", 5000)], ["ok"]]);
		const sending = h.requester.send(create, { subject });
		expect(await settled(sending)).toMatchObject({ ok: true, attempts: 2, lane: h.lanes[1] });
		expect(h.log).toEqual(["call key1", "call key2"]);
	});
});

describe("Requester and refused keys", () => {
	it("drops a refused key from the pool and sends through the other", async () => {
		const refusal = api(401, "invalid_api_key");
		const h = harness([[refusal], ["ok", "ok"]]);
		const result = await h.requester.send(create, { subject });
		expect(result).toMatchObject({ ok: true, attempts: 2, lane: h.lanes[1] });
		expect(h.lanes.map((lane) => lane.isAlive)).toEqual([false, true]);
		expect(h.lost).toEqual([{ lane: h.lanes[0], error: refusal }]);
		// Later requests never try the lost key again, not even one that asks for it.
		await h.requester.send(create, { lane: h.lanes[0] });
		expect(h.log).toEqual(["call key1", "lost key1", "call key2", "call key2"]);
		expect(h.requester.limit).toBe(10);
	});

	it("with one key, gives the refusal back as verdict auth", async () => {
		const refusal = api(401, "invalid_api_key");
		const h = harness([[refusal]]);
		const result = await h.requester.send(create, { subject });
		expect(result).toEqual({ ok: false, error: refusal, verdict: { kind: "auth" }, attempts: 1 });
		expect(h.lost).toHaveLength(1);
		// Nothing more goes out: the next request fails the same way without a call.
		const next = await h.requester.send(create);
		expect(next).toMatchObject({ ok: false, verdict: { kind: "auth" }, attempts: 0 });
		expect(h.fakes[0]!.calls).toHaveLength(1);
		expect(h.requester.governor).toBeUndefined();
	});
});

describe("Requester and pause", () => {
	it("holds a request whose permit arrives after the pause until resume", async () => {
		// One request per window: the second waits for the first one's slot to expire.
		const h = harness([["ok", "ok"]], { limit: 1, windowMs: 60_000 });
		await h.requester.send(create, { subject });
		const second = h.requester.send(create, { subject });
		expect(await settled(second)).toBe("pending");
		h.control.pause();
		h.log.push("pause");
		await vi.advanceTimersByTimeAsync(60_000);
		// The slot is free now, but the run is paused: nothing went out.
		expect(await settled(second)).toBe("pending");
		expect(h.log).toEqual(["call key1", "paused", "pause"]);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(h.fakes[0]!.calls).toHaveLength(1);
		h.log.push("resume");
		h.control.resume();
		expect(await settled(second)).toMatchObject({ ok: true, attempts: 1 });
		expect(h.log).toEqual(["call key1", "paused", "pause", "resume", "call key1"]);
	});

	it("does not send while paused and ends aborted on stop", async () => {
		const h = harness([["ok"]]);
		h.control.pause();
		const sending = h.requester.send(create);
		expect(await settled(sending)).toBe("pending");
		h.control.stop();
		expect(await sending).toEqual({ ok: false, error: undefined, verdict: { kind: "aborted" }, attempts: 0 });
		expect(h.fakes[0]!.calls).toHaveLength(0);
	});

	it("ends aborted when the run stops while waiting for a permit", async () => {
		const h = harness([["ok", "ok"]], { limit: 1 });
		await h.requester.send(create);
		const second = h.requester.send(create);
		expect(await settled(second)).toBe("pending");
		h.control.stop();
		expect(await settled(second)).toMatchObject({ ok: false, verdict: { kind: "aborted" } });
		expect(h.fakes[0]!.calls).toHaveLength(1);
	});
});
