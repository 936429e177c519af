/**
 * ProgressStore: events wait and are folded into the snapshot together when it is read
 * (`reduceProgressAll`); what a reader sees is, at every point, the snapshot the reducer gives
 * over the same events, a snapshot read is never changed by later events, and listeners still
 * hear of the change.
 */
import { describe, expect, it } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import {
	initialSnapshot,
	type ProgressSnapshot,
	reduceProgress,
	reduceProgressAll,
} from "../../src/core/progress.js";
import { ProgressStore } from "../../src/core/progress-store.js";

const T0 = 1_800_000_000_000;

const started: ImportEvent = {
	type: "run-started",
	at: T0,
	runId: "r1",
	resumed: false,
	checkpointPath: "/data/customers.csv.checkpoint.json",
	concurrency: 4,
	totals: { customers: 5, contacts: 3, onboardings: 0 },
};

const done = (at: number, pass: "customers" | "contacts", key: string, outcome = "unchanged"): ImportEvent =>
	({ type: "record-done", at, pass, key, outcome, id: `id-${key}`, attempts: 0 }) as ImportEvent;

const events: ImportEvent[] = [
	started,
	{ type: "pass-started", at: T0 + 1, pass: "customers", total: 5, already: {} as never },
	done(T0 + 2, "customers", "c1"),
	done(T0 + 3, "customers", "c2"),
	{ type: "request-started", at: T0 + 4, pass: "customers", key: "c3", line: 4, attempt: 1 },
	done(T0 + 5, "customers", "c4"),
	{
		type: "response",
		at: T0 + 6,
		status: 200,
		durationMs: 2,
		rateLimit: undefined,
	},
	// In flight: it leaves the in-flight list, as the reducer has it.
	{ ...done(T0 + 7, "customers", "c3", "updated"), attempts: 1 } as ImportEvent,
	done(T0 + 8, "customers", "c5", "created"),
	{ type: "pass-finished", at: T0 + 9, pass: "customers" },
	{ type: "pass-started", at: T0 + 10, pass: "contacts", total: 3, already: {} as never },
	done(T0 + 11, "contacts", "k1"),
	done(T0 + 12, "contacts", "k2"),
	done(T0 + 13, "contacts", "k3", "existed"),
	{ type: "run-finished", at: T0 + 14, outcome: "completed" } as ImportEvent,
];

describe("ProgressStore: settled records counted, then folded in when read", () => {
	it("shows, after every event, the snapshot the reducer gives", () => {
		const store = new ProgressStore({ now: () => T0 });
		let expected = initialSnapshot(T0);
		for (const event of events) {
			store.dispatch(event);
			expected = reduceProgress(expected, event);
			expect(store.getSnapshot()).toEqual(expected);
		}
		store.close();
	});

	it("reads the same when read only now and then, and gives one identity until the next event", () => {
		const store = new ProgressStore({ now: () => T0 });
		let expected = initialSnapshot(T0);
		for (const [i, event] of events.entries()) {
			store.dispatch(event);
			expected = reduceProgress(expected, event);
			if (i % 4 !== 3) continue;
			const read = store.getSnapshot();
			expect(read).toEqual(expected);
			expect(store.getSnapshot()).toBe(read);
		}
		expect(store.getSnapshot()).toEqual(expected);
		expect(store.getSnapshot().passes.contacts).toMatchObject({ unchanged: 2, existed: 1 });
		expect(store.getSnapshot().recordsFinishedThisRun).toBe(8);
		store.close();
	});

	it("tells its listeners of settled records, as of any other change", async () => {
		const store = new ProgressStore({ intervalMs: 1 });
		store.dispatch(started);
		let heard = 0;
		store.subscribe(() => {
			heard += 1;
		});
		await new Promise((resolve) => setTimeout(resolve, 20));
		heard = 0;
		store.dispatch(done(T0 + 2, "customers", "c1"));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(heard).toBe(1);
		expect(store.getSnapshot().passes.customers.unchanged).toBe(1);
		store.close();
	});
});

/** Every request's three events for `key`, answered by `label`'s key. */
function requestOf(at: number, key: string, label: string, status = 201): ImportEvent[] {
	return [
		{ type: "request-started", at, pass: "customers", key, line: 2, attempt: 1, keyLabel: label },
		{
			type: "response",
			at: at + 1,
			status,
			durationMs: 1,
			rateLimit: { limit: 60, remaining: 50, resetAtMs: at + 60_000 },
			windowMs: 60_000,
			windowSource: "learnt",
			keyLabel: label,
		},
		{ ...done(at + 2, "customers", key, "created"), attempts: 1 } as ImportEvent,
	];
}

/** A deep copy of what a snapshot holds (maps as entries), to tell whether it changed since. */
function frozenView(snapshot: ProgressSnapshot): unknown {
	return JSON.parse(
		JSON.stringify(snapshot, (_key, value) => (value instanceof Map ? [...value.entries()] : value)),
	);
}

describe("reduceProgressAll: a run of events folded into one copy", () => {
	const run: ImportEvent[] = [
		started,
		{ type: "pass-started", at: T0 + 1, pass: "customers", total: 5, already: {} as never },
		...requestOf(T0 + 10, "c1", "key …a1"),
		{
			type: "request-started",
			at: T0 + 20,
			pass: "customers",
			key: "c2",
			line: 3,
			attempt: 1,
			keyLabel: "key …b2",
		},
		{ type: "notice", at: T0 + 21, level: "info", message: "between two answers" },
		...requestOf(T0 + 30, "c3", "key …b2", 429).slice(1, 2),
		{ ...done(T0 + 40, "customers", "c2", "created"), attempts: 1 } as ImportEvent,
		...requestOf(T0 + 1_500, "c4", "key …a1"),
		done(T0 + 1_600, "customers", "c5"),
	];

	it("gives the snapshot the reducer gives one event at a time, from any point in the run", () => {
		const expected = run.reduce(reduceProgress, initialSnapshot(T0));
		expect(reduceProgressAll(initialSnapshot(T0), run)).toEqual(expected);
		for (let cut = 0; cut <= run.length; cut++) {
			const head = reduceProgressAll(initialSnapshot(T0), run.slice(0, cut));
			expect(reduceProgressAll(head, run.slice(cut))).toEqual(expected);
		}
		expect(expected.keys.get("key …a1")?.requests).toBe(2);
		expect(expected.keys.get("key …b2")).toMatchObject({ requests: 1 });
		expect(expected.inFlight.size).toBe(0);
		expect(expected.passes.customers).toMatchObject({ created: 3, unchanged: 1 });
	});

	it("never changes a snapshot it was given, nor one a store handed out before", () => {
		const store = new ProgressStore({ now: () => T0 });
		const seen: { snapshot: ProgressSnapshot; view: unknown }[] = [];
		for (const event of run) {
			store.dispatch(event);
			const snapshot = store.getSnapshot();
			seen.push({ snapshot, view: frozenView(snapshot) });
			const given = frozenView(snapshot);
			reduceProgressAll(snapshot, run);
			expect(frozenView(snapshot)).toEqual(given);
		}
		for (const { snapshot, view } of seen) expect(frozenView(snapshot)).toEqual(view);
		store.close();
	});

	it("counts answers of one second where they are only until its snapshot is handed out", () => {
		// A second's count, and a key's, grow in place within a fold (progress-draft.ts): whatever
		// a reader was handed before keeps the counts it was handed.
		const burst = [
			started,
			...Array.from({ length: 6 }, (_, i) =>
				requestOf(T0 + 100 + i * 10, `b${i}`, i % 2 ? "key …a1" : "key …b2"),
			).flat(),
			...requestOf(T0 + 1_200, "b6", "key …a1"),
		];
		const expected = burst.reduce(reduceProgress, initialSnapshot(T0));
		expect(expected.pace.current).toMatchObject({ requests: 1 });
		expect(expected.pace.recent.at(-1)).toMatchObject({ requests: 6 });
		expect(expected.keys.get("key …a1")?.requests).toBe(4);
		for (let cut = 0; cut <= burst.length; cut++) {
			const head = reduceProgressAll(initialSnapshot(T0), burst.slice(0, cut));
			const view = frozenView(head);
			expect(reduceProgressAll(head, burst.slice(cut))).toEqual(expected);
			expect(frozenView(head)).toEqual(view);
			const store = new ProgressStore({ now: () => T0 });
			for (const event of burst.slice(0, cut)) store.dispatch(event);
			const handed = store.getSnapshot();
			const handedView = frozenView(handed);
			for (const event of burst.slice(cut)) store.dispatch(event);
			expect(store.getSnapshot()).toEqual(expected);
			expect(frozenView(handed)).toEqual(handedView);
			store.close();
		}
	});
});
