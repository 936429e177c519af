import { describe, expect, it } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import { emptyPassTally } from "../../src/core/events.js";
import { poolHeadroom } from "../../src/core/key-headroom.js";
import { recentSeries, runSeries } from "../../src/core/pace-history.js";
import {
	etaMs,
	initialSnapshot,
	type ProgressSnapshot,
	pacePerMinute,
	paceShownPerMinute,
	passPending,
	reduceProgress,
	sendingCount,
	totals,
} from "../../src/core/progress.js";

const T0 = 1_800_000_000_000;

const started: ImportEvent = {
	type: "run-started",
	at: T0,
	runId: "r1",
	resumed: false,
	checkpointPath: "/data/customers.csv.checkpoint.json",
	concurrency: 4,
	totals: { customers: 4, contacts: 6, onboardings: 0 },
};

/** Folds events one at a time, keeping every snapshot so a test can look at each step. */
function steps(events: readonly ImportEvent[]): ProgressSnapshot[] {
	const out: ProgressSnapshot[] = [];
	let s = initialSnapshot(T0);
	for (const e of events) {
		s = reduceProgress(s, e);
		out.push(s);
	}
	return out;
}

const last = (events: readonly ImportEvent[]) => steps(events).at(-1)!;

function sent(at: number, key: string, pass: "customers" | "contacts" = "customers"): ImportEvent {
	return { type: "request-started", at, pass, key, line: 2, attempt: 1 };
}

function answered(at: number, status = 201, remaining = 50, extra: Partial<ImportEvent> = {}): ImportEvent {
	return {
		type: "response",
		at,
		status,
		durationMs: 5,
		rateLimit: { limit: 60, remaining, resetAtMs: at + 6_000 },
		windowMs: 6_000,
		windowSource: "learnt",
		...extra,
	} as ImportEvent;
}

function done(at: number, key: string, outcome: "created" | "existed" = "created"): ImportEvent {
	return { type: "record-done", at, pass: "customers", key, outcome, id: `id-${key}`, attempts: 1 };
}

describe("reduceProgress: counts", () => {
	it("counts created, existed, failed and blocked per pass, and takes checkpoint totals at pass start", () => {
		const s = last([
			started,
			{
				type: "pass-started",
				at: T0,
				pass: "customers",
				total: 4,
				already: { ...emptyPassTally(), created: 1, existed: 0, failed: 0, blocked: 0 },
			},
			sent(T0 + 1, "c2"),
			answered(T0 + 5),
			done(T0 + 5, "c2"),
			sent(T0 + 6, "c3"),
			answered(T0 + 9, 409),
			done(T0 + 9, "c3", "existed"),
			sent(T0 + 10, "c4"),
			answered(T0 + 12, 400),
			{
				type: "record-failed",
				at: T0 + 12,
				pass: "customers",
				key: "c4",
				line: 5,
				status: 400,
				code: "invalid_domain",
				message: "bad domain",
				attempts: 1,
			},
			{ type: "pass-finished", at: T0 + 13, pass: "customers" },
			{
				type: "pass-started",
				at: T0 + 13,
				pass: "contacts",
				total: 6,
				already: { ...emptyPassTally(), created: 0, existed: 0, failed: 0, blocked: 0 },
			},
			{ type: "record-blocked", at: T0 + 14, pass: "contacts", key: "c4/a@x.test", parentKey: "c4" },
			{ type: "record-blocked", at: T0 + 14, pass: "contacts", key: "c4/b@x.test", parentKey: "c4" },
		]);
		expect(s.passes.customers).toEqual({
			...emptyPassTally(),
			total: 4,
			created: 2,
			existed: 1,
			failed: 1,
			blocked: 0,
			status: "finished",
		});
		expect(s.passes.contacts).toMatchObject({ total: 6, blocked: 2, status: "running" });
		expect(passPending(s.passes.contacts)).toBe(4);
		expect(totals(s)).toMatchObject({ total: 10, created: 2, existed: 1, failed: 1, blocked: 2 });
		expect(s.failuresByCode).toEqual({ invalid_domain: 1 });
		expect(s.requests).toBe(3);
		expect(s.inFlight.size).toBe(0);
		expect(s.recordsFinishedThisRun).toBe(3);
		expect(s.currentPass).toBe("contacts");
	});

	it("counts a sync's and an undo's outcomes apart: updated, unchanged, deleted, restored", () => {
		const outcome = (at: number, key: string, o: "updated" | "unchanged" | "deleted" | "restored") =>
			({
				type: "record-done",
				at,
				pass: "customers",
				key,
				outcome: o,
				id: `cus_${key}`,
				attempts: 1,
			}) as const;
		const s = last([
			started,
			{ type: "pass-started", at: T0, pass: "customers", total: 4, already: emptyPassTally() },
			outcome(T0 + 1, "c1", "updated"),
			outcome(T0 + 2, "c2", "unchanged"),
			outcome(T0 + 3, "c3", "deleted"),
			outcome(T0 + 4, "c4", "restored"),
		]);
		expect(s.passes.customers).toMatchObject({
			created: 0,
			existed: 0,
			updated: 1,
			unchanged: 1,
			deleted: 1,
			restored: 1,
		});
		expect(passPending(s.passes.customers)).toBe(0);
	});

	it("shows a record from its send to its end, with each wait's reason and deadline, and counts retries", () => {
		const s = steps([
			started,
			{
				type: "request-waiting",
				at: T0 + 1,
				pass: "customers",
				key: "c1",
				line: 2,
				attempt: 1,
				reason: "slot",
				untilMs: T0 + 3_000,
				cause: "window full",
			},
			sent(T0 + 3_000, "c1"),
			answered(T0 + 3_010, 503),
			{
				type: "request-waiting",
				at: T0 + 3_010,
				pass: "customers",
				key: "c1",
				attempt: 1,
				reason: "backoff",
				untilMs: T0 + 4_000,
				cause: "503",
			},
			sent(T0 + 4_000, "c1"),
			answered(T0 + 4_010),
			done(T0 + 4_010, "c1"),
		]);
		expect(s[1]!.inFlight.get("customers:c1")).toMatchObject({ state: "slot", line: 2, untilMs: T0 + 3_000 });
		// Waiting for a slot is not a retry; a backoff after a 503 is.
		expect(s[1]!.retries).toBe(0);
		expect(s[2]!.inFlight.get("customers:c1")).toMatchObject({ state: "sending", since: T0 + 3_000 });
		expect(s[4]!.inFlight.get("customers:c1")).toMatchObject({ state: "backoff", line: 2, cause: "503" });
		expect(s[4]!.retries).toBe(1);
		expect(sendingCount(s[4]!)).toBe(0);
		expect(s.at(-1)!.inFlight.size).toBe(0);
	});
});

describe("reduceProgress: pace, window and ETA", () => {
	it("counts answers per second over the last minute, and keeps the window the governor learnt", () => {
		const events: ImportEvent[] = [started];
		for (let i = 0; i < 30; i++) events.push(answered(T0 + i * 100));
		expect(pacePerMinute(last(events), T0 + 3_000)).toBe(30);
		// A minute on, only the last answer is in the minute.
		const s = last([...events, answered(T0 + 70_000)]);
		expect(pacePerMinute(s, T0 + 70_500)).toBe(1);
		expect(s.windowMs).toBe(6_000);
		expect(s.windowSource).toBe("learnt");
		expect(s.headroom).toMatchObject({ limit: 60, remaining: 50 });
	});

	it("shows the pace as a rate a minute, scaled while the run is younger than one (finding AB6)", () => {
		const events: ImportEvent[] = [started];
		for (let i = 0; i < 60; i++) events.push(answered(T0 + i * 100));
		const s = last(events);
		// 60 answers in the first 6 s: 600 a minute, not 60.
		expect(pacePerMinute(s, T0 + 6_000)).toBe(60);
		expect(paceShownPerMinute(s, T0 + 6_000)).toBe(600);
		// No more than from its fifth second: 60 answers in 1 s do not read 3,600 a minute.
		expect(paceShownPerMinute(s, T0 + 1_000)).toBe(720);
		// A run a minute old shows the minute's count as it is.
		expect(paceShownPerMinute(s, T0 + 60_500)).toBe(pacePerMinute(s, T0 + 60_500));
	});

	it("marks 429s and pauses in the curve, second by second and over the whole run", () => {
		const s = last([
			started,
			answered(T0 + 100),
			answered(T0 + 200),
			answered(T0 + 1_100, 429, 0),
			{ type: "rate-limited", at: T0 + 1_100, untilMs: T0 + 3_000 },
			{ type: "pause-requested", at: T0 + 4_000 },
			{ type: "paused", at: T0 + 4_010 },
			{ type: "resumed", at: T0 + 6_500 },
			answered(T0 + 7_200),
		]);
		const cells = recentSeries(s.pace, T0 + 7_500, 8);
		expect(cells.map((c) => c.perSecond)).toEqual([2, 1, 0, 0, 0, 0, 0, 1]);
		expect(cells.map((c) => c.rateLimited)).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
		expect(cells.map((c) => c.isPaused)).toEqual([false, false, false, false, true, true, true, false]);
		expect(s.rateLimited).toBe(1);
		expect(s.rateLimitedUntil).toBe(T0 + 3_000);
		const run = runSeries(s.pace, T0 + 7_500, 4);
		expect(run.map((c) => c.rateLimited)).toEqual([1, 0, 0, 0]);
		expect(run.reduce((n, c) => n + c.perSecond * 2, 0)).toBe(4);
	});

	it("keeps a curve per key for answers that name their key", () => {
		const s = last([
			started,
			answered(T0 + 100, 201, 50, { keyLabel: "…0001" }),
			answered(T0 + 200, 201, 50, { keyLabel: "…0002" }),
			answered(T0 + 300, 201, 50, { keyLabel: "…0002" }),
		]);
		expect([...s.paceByKey.keys()]).toEqual(["…0001", "…0002"]);
		expect(recentSeries(s.paceByKey.get("…0002")!, T0 + 500, 1)[0]!.perSecond).toBe(2);
		expect(pacePerMinute(s, T0 + 500)).toBe(3);
	});

	it("estimates from the key's limit over the learnt window first, then from the pace kept", () => {
		const events: ImportEvent[] = [
			started,
			{
				type: "pass-started",
				at: T0,
				pass: "customers",
				total: 4,
				already: { ...emptyPassTally(), created: 0, existed: 0, failed: 0, blocked: 0 },
			},
		];
		// 10 pending at 60 per 6 s = 10 per second: one second.
		expect(etaMs(last([...events, answered(T0 + 10)]), T0 + 1_000)).toBe(1_000);
		// Without a window the limit is taken per minute.
		const { windowMs: _told, ...untold } = answered(T0 + 10) as Extract<ImportEvent, { type: "response" }>;
		expect(etaMs(last([...events, untold]), T0 + 1_000)).toBe(10_000);
		// A window the governor only assumes so far gives no estimate rather than a wrong one.
		const assumed = answered(T0 + 10, 201, 50, { windowMs: 60_000, windowSource: "assumed" });
		expect(etaMs(last([...events, assumed]), T0 + 1_000)).toBeUndefined();
		// Past 5 s the pace this run kept wins: 2 records in 10 s leave 8 at 0.2/s.
		const kept = last([...events, answered(T0 + 10), done(T0 + 20, "c1"), done(T0 + 30, "c2")]);
		expect(etaMs(kept, T0 + 10_000)).toBe(40_000);
		expect(etaMs(initialSnapshot(T0), T0)).toBe(0);
		expect(etaMs(last([started]), T0 + 1_000)).toBeUndefined();
	});
});

describe("reduceProgress: pause and stop", () => {
	const running: ImportEvent[] = [started, sent(T0 + 1, "c1"), sent(T0 + 2, "c2")];

	it("pause requested → pausing while requests drain → paused → resumed", () => {
		const s = steps([
			...running,
			{ type: "pause-requested", at: T0 + 10 },
			answered(T0 + 20),
			done(T0 + 20, "c1"),
			answered(T0 + 30),
			done(T0 + 30, "c2"),
			{ type: "paused", at: T0 + 30 },
			{ type: "resumed", at: T0 + 2_000 },
		]);
		expect(s.map((x) => x.status)).toEqual([
			"running",
			"running",
			"running",
			"pausing",
			"pausing",
			"pausing",
			"pausing",
			"pausing",
			"paused",
			"running",
		]);
	});

	it("a pause with nothing on the wire is paused at once; records that wait do not hold it up", () => {
		const s = last([
			started,
			{
				type: "request-waiting",
				at: T0 + 1,
				pass: "customers",
				key: "c1",
				attempt: 1,
				reason: "slot",
				untilMs: T0 + 900,
				cause: "window full",
			},
			{ type: "pause-requested", at: T0 + 10 },
		]);
		expect(s.status).toBe("paused");
	});

	it("a stop keeps the requests on the wire and drops the records waiting for a slot (finding AA5)", () => {
		const s = last([
			started,
			{ type: "request-started", at: T0 + 1, pass: "customers", key: "c1", line: 2, attempt: 1 },
			{
				type: "request-waiting",
				at: T0 + 2,
				pass: "customers",
				key: "c2",
				attempt: 1,
				reason: "slot",
				untilMs: T0 + 900,
				cause: "window full",
			},
			{ type: "stop-requested", at: T0 + 10 },
		]);
		expect(s.status).toBe("stopping");
		expect([...s.inFlight.keys()]).toEqual(["customers:c1"]);
	});

	it("stop requested → stopping → finished with its outcome, nothing left in flight", () => {
		const s = steps([
			...running,
			{ type: "stop-requested", at: T0 + 10 },
			{
				type: "run-finished",
				at: T0 + 50,
				outcome: "interrupted",
				message: "Stopped; the checkpoint is saved and the same command resumes.",
			},
		]);
		expect(s.at(-2)!.status).toBe("stopping");
		const end = s.at(-1)!;
		expect(end).toMatchObject({ status: "finished", outcome: "interrupted", finishedAt: T0 + 50 });
		expect(end.inFlight.size).toBe(0);
		expect(end.log.at(-1)?.message).toContain("Stopped");
	});
});

describe("reduceProgress: headroom per key", () => {
	const A = "pivotal_…000a";
	const B = "pivotal_…000b";
	const keyed = (at: number, label: string, status: number, remaining: number, resetAtMs = at + 6_000) =>
		({
			type: "response",
			at,
			status,
			durationMs: 5,
			rateLimit: { limit: 60, remaining, resetAtMs },
			windowMs: 6_000,
			windowSource: "learnt",
			keyLabel: label,
		}) as ImportEvent;

	it("follows each key event by event: first request, answers, a 429, a network failure", () => {
		const s = steps([
			started,
			{ type: "request-started", at: T0 + 1, pass: "customers", key: "c1", line: 2, attempt: 1, keyLabel: A },
			keyed(T0 + 10, A, 201, 59),
			{
				type: "request-started",
				at: T0 + 11,
				pass: "customers",
				key: "c2",
				line: 3,
				attempt: 1,
				keyLabel: B,
			},
			keyed(T0 + 20, B, 201, 59),
			keyed(T0 + 30, A, 201, 58),
			keyed(T0 + 40, B, 429, 0, T0 + 2_000),
			{ type: "rate-limited", at: T0 + 40, untilMs: T0 + 2_000, keyLabel: B },
			// A network failure says nothing of the window: the last answer's stands.
			{ ...(keyed(T0 + 50, A, 0, 0) as object), rateLimit: undefined } as ImportEvent,
		]);
		// A key shows from its first request, before any answer.
		expect(s[0]!.keys.size).toBe(0);
		expect(s[1]!.keys.get(A)).toEqual({
			rateLimit: undefined,
			requests: 0,
			rateLimited: 0,
			rateLimitedUntil: undefined,
			isRefused: false,
		});
		expect(s[2]!.keys.get(A)!.rateLimit).toEqual({ limit: 60, remaining: 59, resetAtMs: T0 + 6_010 });
		expect([...s[3]!.keys.keys()]).toEqual([A, B]);
		expect(s[5]!.keys.get(A)!.rateLimit!.remaining).toBe(58);
		// Each key keeps its own count; B's answers leave A's alone.
		expect(s[4]!.keys.get(A)).toBe(s[3]!.keys.get(A));
		expect(s[6]!.keys.get(B)).toMatchObject({ requests: 2, rateLimited: 0 });
		expect(s[7]!.keys.get(B)).toMatchObject({ requests: 2, rateLimited: 1, rateLimitedUntil: T0 + 2_000 });
		expect(s[7]!.keys.get(A)!.rateLimited).toBe(0);
		const end = s[8]!.keys.get(A)!;
		expect(end.requests).toBe(3);
		expect(end.rateLimit!.remaining).toBe(58);
		// The totals are still the run's, whichever key.
		expect(s[8]!.requests).toBe(5);
		expect(s[8]!.rateLimited).toBe(1);
	});

	it("marks a key the server refused, and keeps the keys over a retry round", () => {
		const s = last([started, keyed(T0 + 10, A, 201, 59), keyed(T0 + 20, B, 401, 59), started]);
		expect(s.keys.get(B)!.isRefused).toBe(true);
		expect(s.keys.get(A)!.isRefused).toBe(false);
		expect(s.keys.get(A)!.requests).toBe(1);
	});

	it("leaves the keys alone for events that name none (one key, or lookups)", () => {
		const s = last([
			started,
			answered(T0 + 10),
			sent(T0 + 11, "c1"),
			{ type: "rate-limited", at: T0 + 12, untilMs: T0 + 1_000 },
		]);
		expect(s.keys.size).toBe(0);
		expect(s.headroom!.remaining).toBe(50);
	});

	it("sums up the keys still in the pool: window, 429s, the slowest reset still ahead", () => {
		const s = last([
			started,
			keyed(T0 + 10, A, 201, 40, T0 + 3_000),
			keyed(T0 + 20, B, 201, 20, T0 + 5_000),
			{ type: "rate-limited", at: T0 + 30, untilMs: T0 + 1_000, keyLabel: A },
			keyed(T0 + 40, "pivotal_…000c", 401, 60, T0 + 9_000),
		]);
		expect(poolHeadroom(s.keys, T0 + 100)).toEqual({
			keys: 3,
			working: 2,
			remaining: 60,
			limit: 120,
			rateLimited: 1,
			slowestResetAtMs: T0 + 5_000,
		});
		expect(poolHeadroom(s.keys, T0 + 6_000).slowestResetAtMs).toBeUndefined();
	});

	it("estimates a pool's ETA from the sum of its keys' limits", () => {
		const events: ImportEvent[] = [
			started,
			{
				type: "pass-started",
				at: T0,
				pass: "customers",
				total: 4,
				already: emptyPassTally(),
			},
			keyed(T0 + 10, A, 201, 59),
		];
		// 10 pending at 60 per 6 s: one second on one key, half a second on two.
		expect(etaMs(last(events), T0 + 1_000)).toBe(1_000);
		expect(etaMs(last([...events, keyed(T0 + 20, B, 201, 59)]), T0 + 1_000)).toBe(500);
	});
});
