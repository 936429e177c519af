/**
 * Shared pieces of the sync cases: a dataset with one contact and one onboarding per customer,
 * its simulator closed and its folder removed after each test, and what the simulator and the
 * engine saw, record by record and route by route.
 */
import { rmSync } from "node:fs";
import { afterEach, expect } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { PassName } from "../../src/model/records.js";
import type { Simulator, SimulatorOptions } from "../../src/sim/index.js";
import { startCli } from "../support/cli.js";
import type { GeneratedDataset } from "../support/generate.js";
import { setup } from "../support/import-harness.js";
import { delay } from "./support.js";

export const PASSES = ["customers", "contacts", "onboardings"] as const;

/** The route each pass's PATCH goes to, as the simulator names it. */
export const PATCH_ROUTES: Readonly<Record<PassName, string>> = {
	customers: "/customers/:id",
	contacts: "/contacts/:id",
	onboardings: "/onboardings/:id",
};

export interface Prepared {
	readonly sim: Simulator;
	readonly files: SourceFiles;
	/** The same three files, for `changeDataset`. */
	readonly dataset: GeneratedDataset;
	readonly dir: string;
}

/**
 * `prepare(sim, customers)`: a simulator and `customers` customers (about half with a slug), one
 * contact and one onboarding each, closed and removed after each test. Call at the top of a file.
 */
export function preparedPerTest(): (sim: SimulatorOptions, customers: number) => Promise<Prepared> {
	const sims: Simulator[] = [];
	const dirs: string[] = [];
	afterEach(async () => {
		await Promise.all(sims.splice(0).map((s) => s.close()));
		for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
	});
	return async (sim, customers) => {
		const ready = await setup(sim, {
			customers,
			contactsPerCustomer: 1,
			onboardingsPerCustomer: 1,
			withSlugs: "some",
		});
		sims.push(ready.sim);
		dirs.push(ready.dir);
		const { customers: c, contacts, onboardings } = ready.files;
		if (!contacts || !onboardings) throw new Error("the dataset has contacts and onboardings");
		return { ...ready, dataset: { customers: c, contacts, onboardings } };
	};
}

/** Simulator objects of every pass, by id. */
export function objectsById(sim: Simulator): Map<string, Record<string, unknown>> {
	const state = sim.state();
	const all = [...state.customers, ...state.contacts, ...state.onboardings];
	return new Map(all.map((o) => [String(o.id), o]));
}

/** `"METHOD /route STATUS"` → how many more the simulator counted since `before`. */
export function routeDelta(sim: Simulator, before: Readonly<Record<string, number>>): Record<string, number> {
	const delta: Record<string, number> = {};
	for (const [route, n] of Object.entries(sim.counters().byRoute)) {
		if (n !== (before[route] ?? 0)) delta[route] = n - (before[route] ?? 0);
	}
	return delta;
}

/** Keys of the records a request was started for, by pass. */
export function sentKeys(events: readonly ImportEvent[]): Record<PassName, Set<string>> {
	const sent = { customers: new Set<string>(), contacts: new Set<string>(), onboardings: new Set<string>() };
	for (const e of events) if (e.type === "request-started") sent[e.pass].add(e.key);
	return sent;
}

/** Poll until `condition` holds; throws after `timeoutMs` so a test fails rather than hangs. */
export async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > end) throw new Error("condition not reached in time");
		await delay(5);
	}
}

/**
 * The command `args` started with the simulator holding `route`'s next create (a hang), killed
 * (SIGKILL) once `held` creates are held: they leave with no answer written, in doubt.
 */
export async function killedMidCreate(
	sim: Simulator,
	args: readonly string[],
	env: Readonly<Record<string, string>>,
	route: string,
	held = 1,
): Promise<void> {
	sim.pushFault({ method: "POST", route, kind: "hang", hangMs: 1_500 });
	const { child, result } = startCli([...args], { env });
	await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= held);
	child.kill("SIGKILL");
	expect((await result).signal).toBe("SIGKILL");
}
