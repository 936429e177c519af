import { describe, expect, it } from "vitest";
import { Governor } from "../../src/core/governor.js";
import { PoolWindow } from "../../src/core/pool-window.js";

const T0 = 1_800_000_000_000;

describe("PoolWindow: the keys of a pool pace to the tightest bound any of them proved", () => {
	it.each([
		{ bounds: [], shared: undefined, why: "no key yet" },
		{ bounds: [undefined, undefined], shared: undefined, why: "no key has heard of the window" },
		{ bounds: [7_000, undefined], shared: 7_000, why: "the one bound there is" },
		{
			bounds: [7_000, 6_000, 7_000],
			shared: 6_000,
			why: "the key whose GET /me went alone knows it to the second",
		},
		{ bounds: [61_000, 60_000], shared: 60_000, why: "any window length" },
	])("$bounds → $shared ($why)", ({ bounds, shared }) => {
		const pool = new PoolWindow();
		for (const ownWindowMs of bounds) pool.join({ ownWindowMs });
		expect(pool.sharedMs).toBe(shared);
	});

	it("offers nothing once a 429 came on any key: each key back to its own bound", () => {
		const pool = new PoolWindow();
		pool.join({ ownWindowMs: 6_000 });
		pool.join({ ownWindowMs: 7_000 });
		pool.distrust();
		expect(pool.isDistrusted).toBe(true);
		expect(pool.sharedMs).toBeUndefined();
	});
});

describe("Governor in a pool", () => {
	it("paces to another key's shorter bound, and to its own again after a 429 on it", () => {
		const pool = new PoolWindow();
		pool.join({ ownWindowMs: 6_000 });
		const governor = new Governor({ now: () => T0, pool });
		expect(governor.ownWindowMs).toBeUndefined();
		expect(governor.windowMs).toBe(6_000);
		expect(governor.windowSource).toBe("learnt");
		governor.block(T0 + 1_000);
		expect(pool.isDistrusted).toBe(true);
		// Its own answers told it nothing yet: back to the first guess, never the peer's bound.
		expect(governor.windowSource).toBe("assumed");
		expect(governor.windowMs).toBeGreaterThan(6_000);
	});

	it("a key told the window keeps it, and offers no learnt bound to the others", () => {
		const pool = new PoolWindow();
		pool.join({ ownWindowMs: 6_000 });
		const governor = new Governor({ now: () => T0, pool, windowMs: 9_000 });
		expect(governor.windowMs).toBe(9_000);
		expect(governor.ownWindowMs).toBeUndefined();
		expect(pool.sharedMs).toBe(6_000);
	});
});
