import { setMaxListeners } from "node:events";

/**
 * Pause, stop and the worker slots of a run, in one place: the dispatcher asks for a slot
 * before it starts a record, the requester passes the gate before every attempt.
 */
export class RunControl {
	// Invariants: #active ≤ max(#concurrency, its value when each slot was taken); waiters are
	// woken on release, on a raised concurrency, and on stop (one listener, on the controller).
	#concurrency: number;
	#active = 0;
	#slotWaiters: (() => void)[] = [];
	#idleWaiters: (() => void)[] = [];
	#paused = false;
	#pauseWaiters: (() => void)[] = [];
	#stop = newStopController();
	// Requests on the wire right now (not those waiting to retry): a pause takes effect at 0.
	#onWire = 0;
	readonly #onPaused: () => void;

	/** `onPaused` is called when a pause took effect: nothing is on the wire any more. */
	constructor(concurrency: number, onPaused: () => void) {
		this.#concurrency = clamp(concurrency);
		this.#onPaused = onPaused;
		this.#armStop();
	}

	get signal(): AbortSignal {
		return this.#stop.signal;
	}

	get isStopped(): boolean {
		return this.#stop.signal.aborted;
	}

	get isPaused(): boolean {
		return this.#paused;
	}

	get concurrency(): number {
		return this.#concurrency;
	}

	get onWire(): number {
		return this.#onWire;
	}

	/** Returns the concurrency now in force. */
	setConcurrency(concurrency: number): number {
		this.#concurrency = clamp(concurrency);
		this.#wake("slots");
		return this.#concurrency;
	}

	/** False when already paused or stopping. */
	pause(): boolean {
		if (this.#paused || this.isStopped) return false;
		this.#paused = true;
		if (this.#onWire === 0) this.#onPaused();
		return true;
	}

	resume(): boolean {
		if (!this.#paused) return false;
		this.#paused = false;
		this.#wake("pause");
		return true;
	}

	/** False when already stopping. */
	stop(): boolean {
		if (this.isStopped) return false;
		this.#stop.abort();
		return true;
	}

	/** A fresh stop signal for a retry round after a stopped run. */
	renew(): void {
		if (!this.isStopped) return;
		// A pause set before the stop would hold the new round at the gate with no way to resume it.
		this.#paused = false;
		this.#stop = newStopController();
		this.#armStop();
	}

	#armStop(): void {
		this.#stop.signal.addEventListener("abort", () => this.#wakeEverything(), { once: true });
	}

	/** Take a worker slot; false once the run is stopping. Answers without awaiting when it can. */
	takeSlot(): boolean | Promise<boolean> {
		if (this.isStopped) return false;
		if (this.#active < this.#concurrency) {
			this.#active += 1;
			return true;
		}
		return this.#waitForSlot();
	}

	releaseSlot(): void {
		this.#active -= 1;
		this.#wake("slots");
		if (this.#active === 0) this.#wake("idle");
	}

	/** Resolves once every slot is back. */
	idle(): Promise<void> {
		if (this.#active === 0) return Promise.resolve();
		return new Promise((resolve) => this.#idleWaiters.push(resolve));
	}

	/** Hold while paused; false once stopping. Answers without awaiting when open. */
	gate(): boolean | Promise<boolean> {
		if (this.isStopped) return false;
		if (!this.#paused) return true;
		return this.#waitForGate();
	}

	wireStarted(): void {
		this.#onWire += 1;
	}

	wireEnded(): void {
		this.#onWire -= 1;
		if (this.#paused && this.#onWire === 0 && !this.isStopped) this.#onPaused();
	}

	async #waitForSlot(): Promise<boolean> {
		while (!this.isStopped && this.#active >= this.#concurrency) {
			await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
		}
		if (this.isStopped) return false;
		this.#active += 1;
		return true;
	}

	async #waitForGate(): Promise<boolean> {
		while (this.#paused && !this.isStopped) {
			await new Promise<void>((resolve) => this.#pauseWaiters.push(resolve));
		}
		return !this.isStopped;
	}

	#wake(which: "slots" | "pause" | "idle"): void {
		const list =
			which === "slots" ? this.#slotWaiters : which === "pause" ? this.#pauseWaiters : this.#idleWaiters;
		if (list.length === 0) return;
		const waiters = list.splice(0);
		for (const wake of waiters) wake();
	}

	#wakeEverything(): void {
		this.#wake("slots");
		this.#wake("pause");
	}
}

function newStopController(): AbortController {
	const controller = new AbortController();
	// Sleeps and governor waits listen for the stop too: many listeners on one signal is the design.
	setMaxListeners(0, controller.signal);
	return controller;
}

function clamp(concurrency: number): number {
	return Math.max(1, Math.min(256, Math.round(concurrency)));
}
