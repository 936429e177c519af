/**
 * A library caller's plan whose inputs moved between `planImport` and `applyImport` (a file
 * edited, the map edited, another run writing the state): refused up front like the command
 * line's stale plan, code 2, a sentence naming what changed, nothing sent (adversarial finding N3).
 */
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyImport } from "../../src/app/apply-import.js";
import { openImport } from "../../src/app/open-import.js";
import { planImport } from "../../src/app/plan-import.js";
import { nodeFileSystem } from "../../src/core/checkpoint/file-system.js";
import { acquireLock } from "../../src/core/checkpoint/lock-file.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { tempDir } from "../support/temp-dirs.js";

const KEY = "pivotal_test_stale_apply_01";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ testRateLimit: 100_000, windowMs: 1_000 });
});
afterAll(() => sim.close());

async function openAndPlan(customers: string, map?: string) {
	const open = await openImport({ files: { customers }, baseUrl: sim.baseUrl, map });
	if (!open.ok) throw new Error(open.message);
	return { open: open.value, plan: await planImport(open.value) };
}

async function expectRefused(given: Awaited<ReturnType<typeof openAndPlan>>, named: string): Promise<void> {
	const before = sim.counters().requests;
	const started = await applyImport(given.open, given.plan, { keys: [KEY], windowMs: 1_000 });
	if (started.ok) {
		// The old behaviour: a run that then rejects; let it end before failing the test.
		await started.value.done.catch(() => undefined);
		await started.value.close();
	}
	expect(started.ok).toBe(false);
	if (started.ok) return;
	expect(started.code).toBe(2);
	expect(started.message).toMatch(/^stale plan: /);
	expect(started.message).toContain(named);
	expect(started.message).toContain("Nothing was sent.");
	expect(sim.counters().requests).toBe(before);
}

describe("applyImport of a plan whose inputs changed since", () => {
	it("a customers file edited after planImport is refused before anything is sent", async () => {
		const customers = join(tempDir(), "c.csv");
		writeFileSync(customers, "external_id,name\ns1,Stale One\n");
		const given = await openAndPlan(customers);
		writeFileSync(customers, "external_id,name\ns1,Stale One\ns2,Stale Two\n");
		await expectRefused(given, customers);
	});

	it("a map edited after planImport is refused", async () => {
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const map = join(dir, "c.map.json");
		writeFileSync(customers, "Record ID,Company\nm1,Map One\n");
		writeFileSync(
			map,
			JSON.stringify({ customers: { columns: { external_id: "Record ID", name: "Company" } } }),
		);
		const given = await openAndPlan(customers, map);
		writeFileSync(
			map,
			JSON.stringify({
				customers: {
					columns: { external_id: "Record ID", name: "Company" },
					values: { name: { "Map One": "Other" } },
				},
			}),
		);
		await expectRefused(given, map);
	});

	it("a state another run wrote after planImport is refused", async () => {
		const customers = join(tempDir(), "c.csv");
		writeFileSync(customers, "external_id,name\nt1,State One\n");
		const given = await openAndPlan(customers);
		const other = await openAndPlan(customers);
		const run = await applyImport(other.open, other.plan, { keys: [KEY], windowMs: 1_000 });
		if (!run.ok) throw new Error(run.message);
		await run.value.done;
		await run.value.close();
		await expectRefused(given, `${customers}.checkpoint.json`);
	});

	it("a state another run holds is refused up front, the holder named, exit 6 (fresh or not)", async () => {
		const customers = join(tempDir(), "c.csv");
		writeFileSync(customers, "external_id,name\nh1,Held One\n");
		const given = await openAndPlan(customers);
		const fresh = await openImport({ files: { customers }, baseUrl: sim.baseUrl, fresh: true });
		if (!fresh.ok) throw new Error(fresh.message);
		const freshPlan = await planImport(fresh.value);
		const release = acquireLock(nodeFileSystem, `${customers}.checkpoint.json`, {
			pid: process.ppid,
			host: hostname(),
			now: Date.now,
			isRunning: () => true,
		});
		try {
			for (const [open, plan] of [
				[given.open, given.plan],
				[fresh.value, freshPlan],
			] as const) {
				const before = sim.counters().requests;
				const started = await applyImport(open, plan, { keys: [KEY], windowMs: 1_000 });
				if (started.ok) {
					await started.value.done.catch(() => undefined);
					await started.value.close();
				}
				expect(started.ok).toBe(false);
				if (started.ok) return;
				expect(started.code).toBe(6);
				expect(started.message).toContain(`is in use by another pivotal-tui (pid ${process.ppid}`);
				expect(started.message.match(/nothing was sent/gi)).toHaveLength(1);
				expect(sim.counters().requests).toBe(before);
			}
		} finally {
			release();
		}
	});

	it("a plan whose inputs are as planned runs", async () => {
		const customers = join(tempDir(), "c.csv");
		writeFileSync(customers, "external_id,name\nr1,Runs One\n");
		const given = await openAndPlan(customers);
		const run = await applyImport(given.open, given.plan, { keys: [KEY], windowMs: 1_000 });
		if (!run.ok) throw new Error(run.message);
		const summary = await run.value.done;
		await run.value.close();
		expect(summary.passes.customers.created).toBe(1);
	});
});
