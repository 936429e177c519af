import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { ImportSummary, SourceFiles } from "../../src/core/run-types.js";
import { startUndo } from "../../src/core/undo/undo-run.js";
import type { Simulator, SimulatorOptions } from "../../src/sim/index.js";
import { readRecords } from "../../src/source/index.js";
import { setup, TEST_KEY } from "../support/import-harness.js";
import { printMatrix, recordRow, runUntilComplete } from "./support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(printMatrix);

/** 40 customers, 10 of them in Pivotal before the import; a contact and an onboarding each. */
async function imported(sim: SimulatorOptions = {}) {
	const ready = await setup(
		{ rateLimit: 100_000, ...sim },
		{ customers: 40, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
	);
	sims.push(ready.sim);
	const client = createClient({ baseUrl: ready.sim.baseUrl, apiKey: TEST_KEY });
	const adopted = new Set<string>();
	for await (const record of readRecords(ready.files.customers, "customers")) {
		if (adopted.size === 10) break;
		const made = await client.createCustomer(JSON.stringify(record.body), `by-hand-${record.key}`);
		adopted.add(made.data.id);
	}
	await client.close();
	const { summary } = await runUntilComplete(ready.sim, ready.files, {}, 1);
	expect(summary.outcome).toBe("completed");
	return { ...ready, adopted };
}

/** Undo, and again while it stops resumably. */
async function undoUntilComplete(
	sim: Simulator,
	files: SourceFiles,
	windowMs?: number,
): Promise<{ summary: ImportSummary; runs: number }> {
	let runs = 0;
	let summary: ImportSummary | undefined;
	while (runs < 4 && summary?.outcome !== "completed") {
		runs += 1;
		const client = createClient({
			baseUrl: sim.baseUrl,
			apiKey: TEST_KEY,
			timeouts: { headersMs: 2_000, bodyMs: 2_000 },
		});
		const run = startUndo(
			{
				checkpointPath: `${files.customers}.checkpoint.json`,
				scope: { kind: "last" },
				keyFingerprint: keyFingerprint(TEST_KEY),
				baseUrl: sim.baseUrl,
				concurrency: 6,
				...(windowMs === undefined ? {} : { windowMs }),
			},
			{ client },
			{ backoffBaseMs: 20, backoffCapMs: 200 },
		);
		summary = await run.done;
		await run.close();
		await client.close();
	}
	return { summary: summary!, runs };
}

/** Records the import created (the ten made by hand not among them): what undo must take back. */
function createdBy(sim: Simulator): number {
	const { created } = sim.counters();
	return created.customers - 10 + created.contacts + created.onboardings;
}

/** After an undo: what the import created must be gone, what it adopted still there. */
function auditUndo(sim: Simulator, adopted: ReadonlySet<string>) {
	const state = sim.state();
	const live = (rows: Array<Record<string, unknown>>) => rows.filter((r) => !r.deleted);
	const liveCustomers = live(state.customers).map((c) => String(c.id));
	const leftBehind =
		liveCustomers.filter((id) => !adopted.has(id)).length +
		live(state.contacts).length +
		live(state.onboardings).length;
	const wronglyDeleted = [...adopted].filter((id) => !liveCustomers.includes(id)).length;
	return { leftBehind, wronglyDeleted, duplicates: sim.duplicates().total };
}

describe("fault matrix: undo takes back exactly what the import created", () => {
	const faults = [
		["undo: 5xx before the work", { serverError: 0.2 }, "5xx"],
		["undo: 5xx after the work", { serverErrorAfter: 0.2 }, "5xx-after"],
		["undo: socket dropped before the work", { reset: 0.2 }, "reset"],
		["undo: socket dropped after the work", { resetAfter: 0.2 }, "reset-after"],
	] as const;
	for (const [name, fault, counter] of faults) {
		it(name, async () => {
			const { sim, files, adopted } = await imported();
			sim.setFaults({ ...fault, methods: "all" });
			const { summary, runs } = await undoUntilComplete(sim, files);
			expect(summary.outcome).toBe("completed");
			expect(sim.counters().faultsInjected[counter]).toBeGreaterThan(3);
			const result = auditUndo(sim, adopted);
			recordRow({
				case: name,
				runs,
				records: createdBy(sim),
				duplicates: result.duplicates,
				lost: result.leftBehind + result.wronglyDeleted,
			});
			expect(result).toEqual({ leftBehind: 0, wronglyDeleted: 0, duplicates: 0 });
		});
	}

	it("undo: a storm of 429s on the deletes", async () => {
		const { sim, files, adopted } = await imported();
		for (const route of ["/onboardings/:id", "/contacts/:id", "/customers/:id"]) {
			sim.pushFault({ method: "DELETE", route, times: 6, status: 429, code: "rate_limited" });
		}
		const { summary, runs } = await undoUntilComplete(sim, files);
		expect(summary.outcome).toBe("completed");
		expect(summary.rateLimited).toBeGreaterThanOrEqual(18);
		const result = auditUndo(sim, adopted);
		recordRow({
			case: "undo: 429 storm",
			runs,
			records: createdBy(sim),
			duplicates: result.duplicates,
			lost: result.leftBehind + result.wronglyDeleted,
		});
		expect(result).toEqual({ leftBehind: 0, wronglyDeleted: 0, duplicates: 0 });
	});
});
