/**
 * The application layer as a library caller drives it, against the simulator over loopback:
 * open, plan, apply an import; plan it again (nothing to send); undo it; and the refusals a
 * person reads (file:line, exit code 2) before anything is sent.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyImport } from "../../src/app/apply-import.js";
import { applyPlan, openPlan } from "../../src/app/apply-plan.js";
import { openImport } from "../../src/app/open-import.js";
import { planImport } from "../../src/app/plan-import.js";
import { savePlanFile } from "../../src/app/save-plan.js";
import { applyUndo, openUndo } from "../../src/app/undo.js";
import type { ImportEvent } from "../../src/core/events.js";
import { ProgressStore } from "../../src/core/progress-store.js";
import type { ImportRun, ImportSummary } from "../../src/core/run-types.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { tempDir } from "../support/temp-dirs.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const KEY = "pivotal_test_app_layer_01";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ testRateLimit: 1_000, windowMs: 1_000 });
});
afterAll(() => sim.close());

describe("the app layer against the simulator", () => {
	it("imports, plans nothing more on a second look, and undoes what it created", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		copyFileSync(join(FIXTURES, "customers.csv"), customers);
		const opened = await openImport({ files: { customers }, baseUrl: sim.baseUrl });
		if (!opened.ok) throw new Error(opened.message);
		expect(opened.value.statePath).toBe(`${customers}.checkpoint.json`);
		const rows = opened.value.check.counts.customers;
		expect(rows).toBeGreaterThan(100);

		const planned = await planImport(opened.value, { keys: [KEY], windowMs: 1_000 });
		expect(planned.plan.passes.customers.ops.match).toBe(rows);
		// A test key's default limit, not a magic number: 30 a window.
		expect(planned.limit).toBe(30);

		const events: ImportEvent["type"][] = [];
		const started = await applyImport(opened.value, planned, {
			keys: [KEY],
			windowMs: 1_000,
			onEvent: (event) => events.push(event.type),
		});
		if (!started.ok) throw new Error(started.message);
		const summary = await started.value.done;
		await started.value.close();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers.created).toBe(rows);
		expect(sim.state().customers.filter((c) => c.deleted !== true)).toHaveLength(rows);
		// The key's GET /me answers first (its request-started is emitted as the run is made,
		// before a subscriber can attach: a limit of the engine noted for its run driver).
		expect(events.slice(0, 2)).toEqual(["response", "run-started"]);
		expect(events.at(-1)).toBe("run-finished");
		expect(events.filter((type) => type === "record-done")).toHaveLength(rows);

		// The same files again: every record is unchanged, no request to make.
		const again = await openImport({ files: { customers }, baseUrl: sim.baseUrl });
		if (!again.ok) throw new Error(again.message);
		const replanned = await planImport(again.value);
		expect(replanned.plan.passes.customers.ops.unchanged).toBe(rows);
		expect(replanned.plan.requests).toBe(0);

		const undo = await openUndo({ statePath: again.value.statePath, baseUrl: sim.baseUrl });
		if (!undo.ok) throw new Error(undo.message);
		expect(undo.value.changes).toBe(rows);
		const undone = await applyUndo(undo.value, { keys: [KEY], windowMs: 1_000 });
		if (!undone.ok) throw new Error(undone.message);
		const undoSummary = await undone.value.done;
		await undone.value.close();
		expect(undoSummary.passes.customers.deleted).toBe(rows);
		expect(sim.state().customers.filter((c) => c.deleted !== true)).toHaveLength(0);
	}, 120_000);

	it("tells a refresh's unchanged records one by one to a listener that needs each, counted to one that does not", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		copyFileSync(join(FIXTURES, "customers.csv"), customers);
		const run = async (listen: (run: ImportRun) => void): Promise<ImportSummary> => {
			const opened = await openImport({ files: { customers }, baseUrl: sim.baseUrl });
			if (!opened.ok) throw new Error(opened.message);
			const planned = await planImport(opened.value, { keys: [KEY], windowMs: 1_000 });
			const started = await applyImport(opened.value, planned, { keys: [KEY], windowMs: 1_000 });
			if (!started.ok) throw new Error(started.message);
			listen(started.value);
			const summary = await started.value.done;
			await started.value.close();
			return summary;
		};
		const first = await run(() => {});
		const rows = first.passes.customers.created;
		expect(rows).toBeGreaterThan(100);
		const renamed = (n: number) => {
			const lines = readFileSync(customers, "utf8").split("\n");
			for (let i = 1; i <= 2; i++) lines[i * 10] = lines[i * 10]!.replace(/^([^,]*),([^,]*),/, `$1,$2 ${n},`);
			writeFileSync(customers, lines.join("\n"));
		};

		renamed(1);
		const each: ImportEvent[] = [];
		const told = await run((started) => started.subscribe((event) => each.push(event)));
		expect(told.passes.customers).toMatchObject({ updated: 2, unchanged: rows - 2 });
		const done = each.filter((e) => e.type === "record-done");
		expect(done).toHaveLength(rows);
		expect(done.filter((e) => e.outcome === "unchanged")).toHaveLength(rows - 2);
		expect(each.some((e) => e.type === "records-unchanged")).toBe(false);

		renamed(2);
		const counted: ImportEvent[] = [];
		const store = new ProgressStore();
		const summary = await run((started) =>
			started.subscribe(
				(event) => {
					counted.push(event);
					store.dispatch(event);
				},
				{ unchangedCounted: true },
			),
		);
		expect(summary.passes.customers).toMatchObject({ updated: 2, unchanged: rows - 2 });
		const counts = counted.flatMap((e) => (e.type === "records-unchanged" ? [e.count] : []));
		expect(counts.reduce((a, b) => a + b, 0)).toBe(rows - 2);
		expect(
			counted.filter((e) => e.type === "record-done").map((e) => e.type === "record-done" && e.outcome),
		).toEqual(["updated", "updated"]);
		// The progress a screen shows reads the same either way.
		expect(store.getSnapshot().passes.customers).toMatchObject({ updated: 2, unchanged: rows - 2 });
		expect(store.getSnapshot().recordsFinishedThisRun).toBe(rows);
	}, 120_000);

	it("saves a plan, applies it exactly as reviewed, and refuses it once a file has changed", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		writeFileSync(customers, "external_id,name\ncus_p1,Plan One\ncus_p2,Plan Two\n");
		const opened = await openImport({ files: { customers }, baseUrl: sim.baseUrl });
		if (!opened.ok) throw new Error(opened.message);
		const planPath = join(dir, "plan.json");
		await savePlanFile(planPath, opened.value, await planImport(opened.value));

		// The plan's own server is never taken on its word: the caller names it.
		const unnamed = await openPlan(planPath);
		expect(unnamed.ok).toBe(false);
		if (!unnamed.ok) expect(unnamed.message).toContain("give --base-url");
		const reviewed = await openPlan(planPath, { baseUrl: sim.baseUrl });
		if (!reviewed.ok) throw new Error(reviewed.message);
		expect(reviewed.value.freshness).toBe("fresh");
		const applied = await applyPlan(reviewed.value, { keys: [KEY], windowMs: 1_000 });
		if (!applied.ok) throw new Error(applied.message);
		const summary = await applied.value.done;
		await applied.value.close();
		expect(summary.passes.customers.created).toBe(2);
		const names = sim.state().customers.map((c) => c.name);
		expect(names).toEqual(expect.arrayContaining(["Plan One", "Plan Two"]));

		// The plan was made from other bytes: refused before anything is sent.
		writeFileSync(customers, "external_id,name\ncus_p1,Plan One\ncus_p2,Plan Two Edited\n");
		const stale = await openPlan(planPath, { baseUrl: sim.baseUrl });
		expect(stale.ok).toBe(false);
		if (stale.ok) return;
		expect(stale.code).toBe(2);
		expect(stale.message).toMatch(/Nothing was sent\.$/);
	}, 60_000);

	it("refuses invalid rows with their file and line, and a state of another server, before anything is sent", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		writeFileSync(customers, "external_id,name\ncus_1,\n");
		const before = sim.counters().requests;
		const invalid = await openImport({ files: { customers }, baseUrl: sim.baseUrl });
		expect(invalid.ok).toBe(false);
		if (invalid.ok) return;
		expect(invalid.code).toBe(2);
		expect(invalid.message).toMatch(/customers\.csv:2:/);
		expect(invalid.message.split("\n").at(-1)).toMatch(/^Nothing was sent: fix the input/);

		const skipped: number[] = [];
		writeFileSync(customers, "external_id,name\ncus_1,\ncus_2,Two\n");
		const left = await openImport({
			files: { customers },
			baseUrl: sim.baseUrl,
			skipInvalid: true,
			onSkipped: ({ rows }) => skipped.push(...rows.map((r) => r.line)),
		});
		if (!left.ok) throw new Error(left.message);
		expect(skipped).toEqual([2]);
		expect(left.value.invalid).toHaveLength(1);
		const planned = await planImport(left.value);
		expect(planned.plan.passes.customers.ops.match).toBe(1);

		const run = await applyImport(left.value, planned, { keys: [KEY], windowMs: 1_000 });
		if (!run.ok) throw new Error(run.message);
		await run.value.done;
		await run.value.close();
		const elsewhere = await openImport({ files: { customers }, baseUrl: "http://127.0.0.1:9/api/v1" });
		expect(elsewhere.ok).toBe(false);
		if (elsewhere.ok) return;
		expect(elsewhere.code).toBe(2);
		expect(sim.counters().requests).toBeGreaterThan(before);
	}, 60_000);
});
