import type { ImportEvent } from "./events.js";
import { initialSnapshot, type ProgressSnapshot, reduceProgress } from "./progress.js";
import { SettledCounts } from "./settled-counts.js";

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
 * only when something changed: the shape `useSyncExternalStore` wants.
 */
export class ProgressStore {
	#snapshot: ProgressSnapshot;
	// Records settled since #snapshot was made, not yet counted in it (settled-counts.ts).
	readonly #settled = new SettledCounts();
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
		if (event.type === "record-done" && this.#settled.add(this.#snapshot, event)) {
			this.#schedule();
			return;
		}
		this.#snapshot = reduceProgress(this.#fold(), event);
		// The end of a run is announced at once: screens switch on it.
		if (event.type === "run-finished") {
			this.#flush();
			return;
		}
		this.#schedule();
	};

	readonly getSnapshot = (): ProgressSnapshot => this.#fold();

	/** The snapshot with the records settled since it was made counted in (one copy for all of them). */
	#fold(): ProgressSnapshot {
		if (!this.#settled.isEmpty) this.#snapshot = this.#settled.foldInto(this.#snapshot);
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
