import type { IdFactory } from "./ids.js";
import type { MonotonicClock } from "./monotonic-clock.js";
import type { Store } from "./store.js";

/** What resource handlers need: the data, a tie-free timestamp source and the id factory. */
export interface ResourceContext {
	readonly store: Store;
	readonly clock: MonotonicClock;
	readonly ids: IdFactory;
}

/** A handler's answer before serialisation. */
export interface HandlerResult {
	readonly status: number;
	readonly body: unknown;
}
