/**
 * The engine (as the wizard and library users run it) keeps the sync rules' promises on its
 * own, whatever screen or command made the plan: too many deletes are refused before anything
 * is sent, and the deletes it makes are marked in doubt first.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { InputError } from "../../src/core/engine.js";
import type { Simulator } from "../../src/sim/index.js";
import { start } from "../reliability/support.js";
import { scenario } from "../reliability/sync-rules-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function prepared(removed: number) {
	const s = await scenario({
		customers: 30,
		adopted: 3,
		removed,
		importFirst: async (sim, files) => {
			const summary = await start(sim, files).finish();
			if (summary.outcome !== "completed") throw new Error(summary.outcome);
		},
	});
	sims.push(s.sim);
	return s;
}

describe("the engine under --delete-missing", { timeout: 60_000 }, () => {
	it("refuses more deletes than the limit with an InputError, before any write, and leaves the state loadable", async () => {
		const s = await prepared(6);
		const writes = () =>
			Object.entries(s.sim.counters().byRoute)
				.filter(([route]) => !route.startsWith("GET"))
				.reduce((n, [, k]) => n + k, 0);
		const before = writes();
		const started = start(s.sim, s.files, { plan: { rules: { deleteMissing: true } } });
		await expect(started.run.done).rejects.toBeInstanceOf(InputError);
		await expect(started.run.done).rejects.toThrow(
			/would delete 6 customers, more than 3 \(10 % of the 30 customers/,
		);
		await started.close();
		expect(writes()).toBe(before);
		expect(await readCheckpoint(`${s.files.customers}.checkpoint.json`)).toBeDefined();
	});

	it("keeps each deleted record's copy in the state, so undo can re-create it", async () => {
		const s = await prepared(2);
		const summary = await start(s.sim, s.files, { plan: { rules: { deleteMissing: true } } }).finish();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers.deleted).toBe(2);
		const state = await readCheckpoint(`${s.files.customers}.checkpoint.json`);
		const gone = state?.records.customers.get("c-30");
		expect(gone).toMatchObject({
			s: "removed",
			why: "deleted",
			run: 2,
			was: { outcome: "created", v: { name: "Customer 30" } },
		});
		expect(readFileSync(s.files.customers, "utf8")).not.toContain("c-30,");
	});
});
