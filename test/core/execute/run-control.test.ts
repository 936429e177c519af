import { describe, expect, it, vi } from "vitest";
import { RunControl } from "../../../src/core/execute/run-control.js";
import { settled } from "./settled.js";

const control = (concurrency: number, onPaused = () => {}) => new RunControl(concurrency, onPaused);

describe("RunControl slots", () => {
	it("answers at once below the concurrency and holds the next taker until a slot is released", async () => {
		const run = control(2);
		expect(run.takeSlot()).toBe(true);
		expect(run.takeSlot()).toBe(true);
		const third = run.takeSlot();
		const fourth = run.takeSlot();
		expect(await settled(third)).toBe("pending");
		run.releaseSlot();
		// One slot came back: one waiter gets it, the other goes on waiting.
		const results = [await settled(third), await settled(fourth)];
		expect(results.filter((r) => r === true)).toHaveLength(1);
		expect(results.filter((r) => r === "pending")).toHaveLength(1);
		run.releaseSlot();
		expect([await settled(third), await settled(fourth)]).toEqual([true, true]);
	});

	it("wakes every waiter a raised concurrency makes room for", async () => {
		const run = control(1);
		expect(run.takeSlot()).toBe(true);
		const waiters = [run.takeSlot(), run.takeSlot(), run.takeSlot()];
		expect(await settled(waiters[0])).toBe("pending");
		expect(run.setConcurrency(3)).toBe(3);
		const results = await Promise.all(waiters.map((w) => settled(w)));
		expect(results.filter((r) => r === true)).toHaveLength(2);
		expect(results.filter((r) => r === "pending")).toHaveLength(1);
	});

	it("lets slots drain below a lowered concurrency before handing one out", async () => {
		const run = control(2);
		run.takeSlot();
		run.takeSlot();
		run.setConcurrency(1);
		const waiter = run.takeSlot();
		run.releaseSlot();
		expect(await settled(waiter)).toBe("pending");
		run.releaseSlot();
		expect(await settled(waiter)).toBe(true);
	});

	it("keeps the concurrency between 1 and 256", () => {
		const run = control(0);
		expect(run.concurrency).toBe(1);
		expect(run.setConcurrency(1000)).toBe(256);
		expect(run.setConcurrency(2.6)).toBe(3);
	});

	it("is idle once every slot is back", async () => {
		const run = control(2);
		expect(await settled(run.idle())).toBeUndefined();
		run.takeSlot();
		run.takeSlot();
		const idle = run.idle();
		run.releaseSlot();
		expect(await settled(idle)).toBe("pending");
		run.releaseSlot();
		expect(await settled(idle)).toBeUndefined();
	});
});

describe("RunControl stop", () => {
	it("wakes every slot and gate waiter with false, and refuses new ones", async () => {
		const run = control(1);
		run.takeSlot();
		const slots = [run.takeSlot(), run.takeSlot()];
		run.pause();
		const gates = [run.gate(), run.gate()];
		expect(await settled(gates[0])).toBe("pending");
		expect(run.stop()).toBe(true);
		expect(run.stop()).toBe(false);
		expect(run.signal.aborted).toBe(true);
		expect(await Promise.all([...slots, ...gates].map((w) => settled(w)))).toEqual([
			false,
			false,
			false,
			false,
		]);
		expect(run.takeSlot()).toBe(false);
		expect(run.gate()).toBe(false);
		// A stopping run cannot be paused.
		expect(run.resume()).toBe(true);
		expect(run.pause()).toBe(false);
	});

	it("renew gives a fresh signal after a stop, and the new one stops waiters too", async () => {
		const run = control(1);
		expect(run.takeSlot()).toBe(true);
		const before = run.signal;
		run.renew();
		expect(run.signal).toBe(before);
		run.stop();
		run.renew();
		expect(run.isStopped).toBe(false);
		expect(run.signal).not.toBe(before);
		expect(run.signal.aborted).toBe(false);
		expect(before.aborted).toBe(true);
		expect(run.gate()).toBe(true);
		// The slot taken before the stop is still out; the renewed run waits for it as before.
		const slot = run.takeSlot();
		expect(await settled(slot)).toBe("pending");
		run.stop();
		expect(await settled(slot)).toBe(false);
	});
});

describe("RunControl pause", () => {
	it("holds the gate until resume", async () => {
		const run = control(1);
		expect(run.gate()).toBe(true);
		expect(run.pause()).toBe(true);
		expect(run.pause()).toBe(false);
		expect(run.isPaused).toBe(true);
		const gate = run.gate();
		expect(await settled(gate)).toBe("pending");
		expect(run.resume()).toBe(true);
		expect(run.resume()).toBe(false);
		expect(await settled(gate)).toBe(true);
		expect(run.gate()).toBe(true);
	});

	it("reports the pause at once when nothing is on the wire", () => {
		const onPaused = vi.fn();
		const run = control(1, onPaused);
		run.pause();
		expect(onPaused).toHaveBeenCalledTimes(1);
	});

	it("reports the pause when the last request on the wire ends", () => {
		const onPaused = vi.fn();
		const run = control(2, onPaused);
		run.wireStarted();
		run.wireStarted();
		run.pause();
		expect(onPaused).not.toHaveBeenCalled();
		run.wireEnded();
		expect(onPaused).not.toHaveBeenCalled();
		expect(run.onWire).toBe(1);
		run.wireEnded();
		expect(onPaused).toHaveBeenCalledTimes(1);
	});

	it("does not report a pause for requests that end while running or after a stop", () => {
		const onPaused = vi.fn();
		const run = control(2, onPaused);
		run.wireStarted();
		run.wireEnded();
		run.wireStarted();
		run.pause();
		run.stop();
		run.wireEnded();
		expect(onPaused).not.toHaveBeenCalled();
	});
});
