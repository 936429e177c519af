import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint, maskKey } from "../../src/api/key.js";
import { startImport } from "../../src/core/engine.js";
import type { ImportEvent } from "../../src/core/events.js";
import type { KeyLane, SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { simTotals, simulatorsPerTest } from "../support/import-harness.js";

const prepared = simulatorsPerTest();
const KEYS = [
	"pivotal_live_poolKeyA0000a1b2",
	"pivotal_live_poolKeyB0000c3d4",
	"pivotal_live_poolKeyC0000e5f6",
];

function lanes(sim: Simulator, keys: readonly string[]): KeyLane[] {
	return keys.map((key) => ({
		client: createClient({
			baseUrl: sim.baseUrl,
			apiKey: key,
			timeouts: { headersMs: 5_000, bodyMs: 5_000 },
		}),
		fingerprint: keyFingerprint(key),
		label: maskKey(key),
	}));
}

function run(sim: Simulator, files: SourceFiles, pool: readonly KeyLane[], windowMs: number) {
	const [first] = pool;
	const handle = startImport(
		{
			files,
			keyFingerprint: first!.fingerprint,
			keyFingerprints: pool.map((l) => l.fingerprint),
			baseUrl: sim.baseUrl,
			windowMs,
		},
		{ client: first!.client, keys: pool },
		{ backoffBaseMs: 10, backoffCapMs: 200 },
	);
	const events: ImportEvent[] = [];
	handle.subscribe((event) => events.push(event));
	return { handle, events };
}

describe("several keys of one workspace", () => {
	it("spends every key's window: three keys at 20 per window send 120 creates in two windows without a 429", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 20, windowMs: 1_500, keys: KEYS },
			{ customers: 119, contactsPerCustomer: 0, onboardingsPerCustomer: 0, withSlugs: true },
		);
		const pool = lanes(sim, KEYS);
		const { handle, events } = run(sim, files, pool, 1_500);
		const summary = await handle.done;
		await handle.close();
		await Promise.all(pool.map((l) => l.client.close()));
		expect(summary.outcome).toBe("completed");
		expect(sim.counters().rateLimited).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 119, duplicates: 0 });
		// Every key carried a share of the requests.
		const byLane = new Map<string, number>();
		for (const e of events)
			if (e.type === "response" && e.keyLabel) byLane.set(e.keyLabel, (byLane.get(e.keyLabel) ?? 0) + 1);
		expect([...byLane.keys()].sort()).toEqual(pool.map((l) => l.label).sort());
		for (const count of byLane.values()) expect(count).toBeGreaterThanOrEqual(20);
		// One key alone needs six windows for 120 requests; three need two.
		const started = events.find((e) => e.type === "run-started")!.at;
		const finished = events.find((e) => e.type === "run-finished")!.at;
		expect(finished - started).toBeLessThan(3 * 1_500);
	});

	it("learns the window together when it is not told: every key paces to one bound, no 429, every record once", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 10, windowMs: 1_000, keys: KEYS },
			{ customers: 58, contactsPerCustomer: 0, onboardingsPerCustomer: 0, withSlugs: true },
		);
		const pool = lanes(sim, KEYS);
		const handle = startImport(
			{
				files,
				keyFingerprint: pool[0]!.fingerprint,
				keyFingerprints: pool.map((l) => l.fingerprint),
				baseUrl: sim.baseUrl,
			},
			{ client: pool[0]!.client, keys: pool },
		);
		const windows = new Map<string, number>();
		handle.subscribe((e) => {
			if (e.type === "response" && e.keyLabel && e.windowSource === "learnt" && e.windowMs !== undefined)
				windows.set(e.keyLabel, e.windowMs);
		});
		const summary = await handle.done;
		await handle.close();
		await Promise.all(pool.map((l) => l.client.close()));
		expect(summary.outcome).toBe("completed");
		expect(sim.counters().rateLimited).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 58, duplicates: 0 });
		// Each key's last answer: the pool's one bound, whichever key proved it (a key whose first
		// request went out inside the others' burst would otherwise pace a second long).
		expect(windows.size).toBe(3);
		expect(new Set(windows.values()).size).toBe(1);
		expect([...windows.values()][0]).toBeGreaterThanOrEqual(1_000);
	});

	it("goes on when one key is revoked mid-run under faults: exactly once, a notice, the others finish", async () => {
		const { sim, files } = await prepared(
			{
				rateLimit: 100_000,
				keys: KEYS,
				faults: { serverError: 0.05, reset: 0.03, serverErrorAfter: 0.03, latencyMinMs: 2, latencyMaxMs: 8 },
			},
			{ customers: 120, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		const pool = lanes(sim, KEYS);
		const { handle, events } = run(sim, files, pool, 60_000);
		let revoked = false;
		handle.subscribe((event) => {
			if (!revoked && event.type === "record-done" && event.pass === "customers") {
				revoked = true;
				sim.revokeKey(KEYS[1]!);
			}
		});
		const summary = await handle.done;
		await handle.close();
		await Promise.all(pool.map((l) => l.client.close()));
		expect(summary.outcome).toBe("completed");
		expect(simTotals(sim)).toEqual({ customers: 120, contacts: 120, onboardings: 120, duplicates: 0 });
		const notices = events
			.filter((e) => e.type === "notice" && e.level === "warn")
			.map((e) => (e as { message: string }).message);
		expect(notices.some((m) => m.includes(maskKey(KEYS[1]!)) && m.includes("left the pool"))).toBe(true);
		expect(notices.join("\n")).not.toContain(KEYS[1]);
		// Once refused, the key sends nothing more: only requests already on the wire answer for it.
		const refusedAt = events.findIndex((e) => e.type === "response" && e.status === 401);
		expect(refusedAt).toBeGreaterThan(0);
		const label = maskKey(KEYS[1]!);
		const startedLater = events
			.slice(refusedAt + 1)
			.filter((e) => e.type === "request-started" && e.keyLabel === label);
		expect(startedLater).toHaveLength(0);
	});

	it("stops resumably (auth-failed) only when no key is left", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, keys: KEYS.slice(0, 2) },
			{ customers: 60, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const pool = lanes(sim, KEYS.slice(0, 2));
		const { handle } = run(sim, files, pool, 60_000);
		let done = 0;
		handle.subscribe((event) => {
			if (event.type !== "record-done") return;
			done += 1;
			if (done === 10) {
				sim.revokeKey(KEYS[0]!);
				sim.revokeKey(KEYS[1]!);
			}
		});
		const summary = await handle.done;
		await handle.close();
		await Promise.all(pool.map((l) => l.client.close()));
		expect(summary.outcome).toBe("auth-failed");
		expect(simTotals(sim).duplicates).toBe(0);
	});
});
