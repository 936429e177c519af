import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { walksEarly } from "../../src/core/early-walk.js";
import type { Simulator } from "../../src/sim/index.js";
import { begin, simulatorsPerTest } from "../support/import-harness.js";

describe("walksEarly: the customer list walked while the state opens, only where the run walks it anyway", () => {
	it.each([
		// fresh, state file there (undefined: cannot tell), customer rows, walks early
		[false, false, 100, true, "no state yet: a first sync, which matches every row against the list"],
		// The state set aside may be another run's, locked: the run is refused, and a walk begun would outlive it.
		[true, true, 100, false, "--fresh on a state there: not before the state is known to be this run's"],
		[true, undefined, 100, false, "--fresh on a database state: the same"],
		[false, true, 100, false, "a state there: a later sync may never walk the list"],
		[false, undefined, 100, false, "a database or a caller's file system: it cannot tell"],
		[false, false, 0, false, "no customer rows: nothing would ask for the list"],
		[true, false, 0, false, "--fresh with no customer rows"],
	] as const)(
		"fresh %s, state there %s, %s rows → %s (%s)",
		(isFresh, stateExists, customerRows, expected, _why) => {
			expect(walksEarly({ isFresh, stateExists, customerRows })).toBe(expected);
		},
	);
});

describe("the customer list walked while the state opens, against the simulator", () => {
	const prepared = simulatorsPerTest();
	const routes = (sim: Simulator) =>
		Object.fromEntries(
			Object.entries(sim.counters().byRoute).filter(([route]) => !route.startsWith("GET /health")),
		);

	it("a first sync walks it once, before any create; the next sync of the same files does not walk it", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 20, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const first = begin(sim, files);
		const seen: string[] = [];
		first.run.subscribe((event) => {
			if (event.type === "request-started") seen.push(`${sim.counters().byRoute["GET /customers 200"] ?? 0}`);
		});
		const summary = await first.run.done;
		await first.run.close();
		await first.client.close();
		expect(summary.passes.customers.created).toBe(20);
		expect(routes(sim)).toEqual({ "GET /me 200": 1, "GET /customers 200": 1, "POST /customers 201": 20 });
		// The walk was answered before the first create left.
		expect(seen[0]).toBe("1");
		const again = begin(sim, files);
		const next = await again.run.done;
		await again.run.close();
		await again.client.close();
		expect(next.passes.customers.unchanged).toBe(20);
		expect(routes(sim)).toEqual({ "GET /me 200": 2, "GET /customers 200": 1, "POST /customers 201": 20 });
	});

	it("a refused key: GET /me alone, no walk, no state", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 5, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const { run, client } = begin(sim, files, {}, {}, "refused_by_the_simulator_0001");
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("auth-failed");
		expect(routes(sim)).toEqual({ "GET /me 401": 1 });
		expect(existsSync(`${files.customers}.checkpoint.json`)).toBe(false);
	});
});
