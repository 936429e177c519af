import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/api/client.js";
import { begin, simTotals, simulatorsPerTest, TEST_KEY } from "../../support/import-harness.js";

const prepared = simulatorsPerTest();

describe("asking the server's clock (GET /health) over loopback", () => {
	it("narrows the clock's lead from the Date header without taking a slot of the key's window", async () => {
		const { sim } = await prepared({ rateLimit: 5, windowMs: 60_000 }, { customers: 1 });
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const clock = client.serverClock;
		if (clock === undefined || client.health === undefined)
			throw new Error("the HTTP client asks the server's clock");
		try {
			expect(clock.aheadAtMostMs).toBeUndefined();
			await client.health();
			await client.health();
			// Same machine, same clock: the lead is proven within a second either side of 0.
			expect(clock.aheadAtMostMs).toBeGreaterThanOrEqual(0);
			expect(clock.aheadAtMostMs).toBeLessThanOrEqual(1_000 + 500);
			expect(clock.aheadMoreThanMs).toBeLessThan(0);
			const me = await client.me();
			// Only GET /me counted: the two asks of the clock took no slot.
			expect(me.rateLimit?.remaining).toBe(4);
			expect(me.rateLimit?.resetSec).toBeTypeOf("number");
		} finally {
			await client.close();
		}
	});

	it("learns a 2 s window it was not told, never early, with no 429 at twice the limit", async () => {
		const { answers } = await twoWindows();
		// Learnt to the millisecond by the end.
		expect(answers.at(-1)).toMatchObject({ windowMs: 2_000, windowSource: "learnt" });
	});

	it("learns the window before its first slot frees when the run began just after the server's second ticked", async () => {
		// The server's clock is set, at the run's first request, to 10 ms past its second: the
		// time in which an answer of its clock proves the window is 10 ms a second (room for a busy machine's timers). Asks spaced 20 ms
		// apart never landed in it, and the run was paced a whole second late (row a, 2 in 45).
		let offset: number | undefined;
		let isArmed = false;
		const now = () => {
			if (!isArmed) return Date.now();
			offset ??= (Date.now() % 1000) - 10;
			return Date.now() - offset;
		};
		const { answers, startedAt } = await twoWindows(now, () => {
			isArmed = true;
		});
		// Two windows: the last answer a little after 2 s, not after 3 s.
		expect((answers.at(-1)?.at ?? 0) - startedAt).toBeLessThan(2_600);
	});
});

/**
 * GET /me, one page of GET /customers, 18 creates: 20 requests, two windows of 10 at 2 s, the
 * window not told. Every record made once, no 429, never paced to a window shorter than the
 * server's. `now`: the simulator's clock; `beforeRun` is called just before the run starts.
 */
async function twoWindows(now?: () => number, beforeRun?: () => void) {
	const { sim, files } = await prepared(
		{ rateLimit: 10, windowMs: 2_000, ...(now === undefined ? {} : { now }) },
		{ customers: 18, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
	);
	beforeRun?.();
	const startedAt = Date.now();
	const { run, client, events } = begin(sim, files);
	const summary = await run.done;
	await run.close();
	await client.close();
	expect(summary.passes.customers.created).toBe(18);
	expect(sim.counters().rateLimited).toBe(0);
	expect(simTotals(sim).duplicates).toBe(0);
	const answers = events.flatMap((e) => (e.type === "response" ? [e] : []));
	for (const e of answers) expect(e.windowMs).toBeGreaterThanOrEqual(2_000);
	return { answers, startedAt };
}
