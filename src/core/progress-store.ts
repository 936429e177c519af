import type { ImportEvent } from "./events.js";
import { initialSnapshot, type ProgressSnapshot, reduceProgressAll } from "./progress.js";

/** Events folded at once at most: past it they are folded as they come. */
const MAX_PENDING = 1024;

export interface ProgressStoreOptions {
	/**
	 * Listeners hear of changes at most this often, whatever the event rate.
	 * @default 100
	 */
	readonly intervalMs?: number;
	/** @default Date.now */
	readonly now?: () => number;
}

/**
 * Folds engine events into a snapshot and tells listeners at most every `intervalMs`, and
 * only when something changed: the shape `useSyncExternalStore` wants. Events wait in a queue
 * until the snapshot is read (or the queue is long): most are read by nobody one by one (a
 * headless run reads it every few seconds), and folded together they cost one copy of it
 * (`reduceProgressAll`). A reader sees, at every point, the snapshot the reducer gives over the
 * same events.
 */
export class ProgressStore {
	#snapshot: ProgressSnapshot;
	/** Events since #snapshot was made, not yet folded into it. */
	#pending: ImportEvent[] = [];
	readonly #listeners = new Set<() => void>();
	readonly #intervalMs: number;
	// Invariant: #timer is set exactly while a change is waiting to be announced.
	#timer: NodeJS.Timeout | undefined;
	#lastNotified = 0;
	readonly #now: () => number;

	constructor(options: ProgressStoreOptions = {}) {
		this.#intervalMs = options.intervalMs ?? 100;
		this.#now = options.now ?? Date.now;
		this.#snapshot = initialSnapshot(this.#now());
	}

	readonly dispatch = (event: ImportEvent): void => {
		this.#pending.push(event);
		// The end of a run is announced at once: screens switch on it.
		if (event.type === "run-finished") {
			this.#fold();
			this.#flush();
			return;
		}
		// Bounded: a run read seldom (a refresh settling a million records) holds MAX_PENDING at most.
		if (this.#pending.length >= MAX_PENDING) this.#fold();
		this.#schedule();
	};

	readonly getSnapshot = (): ProgressSnapshot => this.#fold();

	#fold(): ProgressSnapshot {
		if (this.#pending.length > 0) {
			this.#snapshot = reduceProgressAll(this.#snapshot, this.#pending);
			this.#pending = [];
		}
		return this.#snapshot;
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};

	#schedule(): void {
		if (this.#timer) return;
		const wait = Math.max(0, this.#lastNotified + this.#intervalMs - this.#now());
		this.#timer = setTimeout(() => this.#flush(), wait);
		this.#timer.unref?.();
	}

	#flush(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#lastNotified = this.#now();
		for (const listener of this.#listeners) listener();
	}

	/** Stop the pending notification (the run is over and nobody is listening). */
	close(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}
