import type { SimCounters } from "./counters.js";
import type { ExportedIdempotencyEntry } from "./idempotency-store.js";
import type { ApiKeyRecord } from "./key-registry.js";
import type { StoreSnapshot } from "./store.js";

export interface Organization {
	readonly id: string;
	readonly slug: string;
	readonly name: string;
}

/**
 * Everything a restarted simulator needs to continue as if it were the same server: data,
 * keys, idempotency records, rate windows (a real deployment keeps those in shared storage),
 * counters, and the id/clock/PRNG positions so new ids and timestamps never collide with old
 * ones. Plain JSON-safe data.
 */
export interface SimSnapshot {
	readonly version: 1;
	readonly organization: Organization;
	readonly store: StoreSnapshot;
	readonly keys: ApiKeyRecord[];
	readonly idempotency: ExportedIdempotencyEntry[];
	readonly rateWindows: Array<[string, number[]]>;
	readonly counters: SimCounters;
	/** Last `created_at` handed out, ms; null when none yet. */
	readonly clockLastMs: number | null;
	readonly idCounter: number;
	readonly prngState: { readonly ids: number; readonly faults: number };
}
