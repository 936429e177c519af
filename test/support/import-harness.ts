import { afterEach } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { type StartOptions, startImport } from "../../src/core/engine.js";
import type { ImportEvent } from "../../src/core/events.js";
import type { ImportPlan, ImportRun, ImportSummary, SourceFiles } from "../../src/core/run-types.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/sim/index.js";
import { type GenerateOptions, generateDataset } from "./generate.js";
import { tempDir } from "./temp-dirs.js";

export { tempDir };

export const TEST_KEY = "pivotal_live_Kx81TESTkey0000a1b2";

/**
 * `start(options)`: a simulator (seed 7 unless given) closed after each test. Call it at the top
 * of a test file.
 */
export function simulatorsClosedAfterEach(): (options?: SimulatorOptions) => Promise<Simulator> {
	const sims: Simulator[] = [];
	afterEach(async () => {
		await Promise.all(sims.splice(0).map((s) => s.close()));
	});
	return async (options = {}) => {
		const sim = await startSimulator({ seed: 7, ...options });
		sims.push(sim);
		return sim;
	};
}

/**
 * `prepared(...)` like `setup`, with every simulator it starts closed after each test. Call it
 * at the top of a test file.
 */
export function simulatorsPerTest(): (...args: Parameters<typeof setup>) => ReturnType<typeof setup> {
	const sims: Simulator[] = [];
	afterEach(async () => {
		await Promise.all(sims.splice(0).map((s) => s.close()));
	});
	return async (...args) => {
		const ready = await setup(...args);
		sims.push(ready.sim);
		return ready;
	};
}

/** A simulator and a dataset in a fresh folder (removed after the test file). */
export async function setup(
	sim: SimulatorOptions,
	data: Omit<GenerateOptions, "dir">,
): Promise<{ sim: Simulator; files: SourceFiles; dir: string }> {
	const dir = tempDir();
	const generated = await generateDataset({ dir, ...data });
	const files: SourceFiles = {
		customers: generated.customers,
		...((data.contactsPerCustomer ?? 2) > 0 ? { contacts: generated.contacts } : {}),
		...((data.onboardingsPerCustomer ?? 1) > 0 ? { onboardings: generated.onboardings } : {}),
	};
	return { sim: await startSimulator({ seed: 7, ...sim }), files, dir };
}

/** Start the real engine against a simulator over loopback HTTP. */
export function begin(
	sim: Simulator,
	files: SourceFiles,
	plan: Partial<ImportPlan> = {},
	options: StartOptions = {},
	key = TEST_KEY,
): { run: ImportRun; events: ImportEvent[]; client: ReturnType<typeof createClient> } {
	const client = createClient({
		baseUrl: sim.baseUrl,
		apiKey: key,
		timeouts: { headersMs: 5_000, bodyMs: 5_000 },
	});
	const run = startImport(
		{ files, keyFingerprint: keyFingerprint(key), baseUrl: sim.baseUrl, ...plan },
		{ client },
		{ backoffBaseMs: 10, backoffCapMs: 200, ...options },
	);
	const events: ImportEvent[] = [];
	run.subscribe((event) => events.push(event));
	return { run, events, client };
}

/** One import run to its end on the real engine (2 in flight): its summary and failures. */
export async function importToEnd(
	sim: Simulator,
	files: SourceFiles,
	plan: Partial<ImportPlan> = {},
): Promise<{ summary: ImportSummary; failures: ReturnType<ImportRun["failures"]> }> {
	const { run, client } = begin(sim, files, { concurrency: 2, ...plan });
	const summary = await run.done;
	const failures = run.failures();
	await run.close();
	await client.close();
	return { summary, failures };
}

/** The onboardings the simulator holds, not deleted, as `name:phase`, sorted. */
export function liveOnboardings(sim: Simulator): string[] {
	return sim
		.state()
		.onboardings.filter((o) => o.deleted !== true)
		.map((o) => `${o.name}:${o.phase}`)
		.sort();
}

/** The customers the simulator holds, not deleted, as `name=external_id`, sorted. */
export function liveCustomers(sim: Simulator): string[] {
	return sim
		.state()
		.customers.filter((c) => !c.deleted)
		.map((c) => `${c.name}=${String((c.metadata as Record<string, unknown>).external_id)}`)
		.sort();
}

/** Customers, contacts and onboardings the simulator holds, and how many were created twice. */
export function simTotals(sim: Simulator) {
	const state = sim.state();
	return {
		customers: state.customers.filter((c) => !c.deleted).length,
		contacts: state.contacts.filter((c) => !c.deleted).length,
		onboardings: state.onboardings.filter((c) => !c.deleted).length,
		duplicates: sim.duplicates().total,
	};
}
