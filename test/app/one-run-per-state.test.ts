/**
 * Two runs in one process on one state (a script, or a service embedding the library): the
 * second is refused while the first holds the state, as a second process is, so neither writes
 * its snapshot over the other's and forgets what the other made (adversarial finding N2).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyImport } from "../../src/app/apply-import.js";
import { openImport } from "../../src/app/open-import.js";
import { planImport } from "../../src/app/plan-import.js";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { tempDir } from "../support/temp-dirs.js";

const KEY = "pivotal_test_one_run_per_state";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ testRateLimit: 100_000, windowMs: 1_000, latency: { minMs: 2, maxMs: 5 } });
});
afterAll(() => sim.close());

function rows(prefix: string, count: number): string {
	return Array.from({ length: count }, (_, i) => `${prefix}${i},Name ${prefix}${i}\n`).join("");
}

describe("one run per state in a process", () => {
	it("a second apply on a state the first holds is refused (the holder named, exit 6 on the command line); the first's records all stay in the state", async () => {
		const dir = tempDir();
		const statePath = join(dir, "shared.checkpoint.json");
		const b = join(dir, "b.csv");
		const c = join(dir, "c.csv");
		writeFileSync(b, `external_id,name\n${rows("y", 60)}`);
		writeFileSync(c, `external_id,name\n${rows("z", 60)}`);
		const first = await openImport({ files: { customers: b }, statePath, baseUrl: sim.baseUrl });
		const second = await openImport({ files: { customers: c }, statePath, baseUrl: sim.baseUrl });
		if (!first.ok || !second.ok) throw new Error("open refused");
		const running = await applyImport(first.value, await planImport(first.value), {
			keys: [KEY],
			windowMs: 1_000,
		});
		if (!running.ok) throw new Error(running.message);
		const other = await applyImport(second.value, await planImport(second.value), {
			keys: [KEY],
			windowMs: 1_000,
		});
		// Refused as the state opens: `done` rejects naming the holder (the command line's exit 6).
		if (other.ok) {
			const refusal = await other.value.done.then(
				() => undefined,
				(error: unknown) => error,
			);
			await other.value.close();
			expect((refusal as Error | undefined)?.name).toBe("StateHeldError");
			expect((refusal as Error).message).toContain(`pid ${process.pid}`);
		} else {
			expect(other.code).toBe(6);
		}
		const summary = await running.value.done;
		await running.value.close();
		expect(summary.outcome).toBe("completed");
		const state = await readCheckpoint(statePath);
		expect(state?.records.customers.size).toBe(60);
		const live = sim.state().customers.filter((x) => x.deleted !== true);
		expect(live).toHaveLength(60);
	}, 60_000);
});
