/**
 * What the ledger, the planner's run, undo and open-state need of an import's state, whichever
 * store holds it: the checkpoint file or a Postgres database. Reads are synchronous (every store
 * keeps the records in memory while a run is open, each as its JSON text: state-map.ts); writes are recorded at once and made durable
 * either before `set()` returns (the file) or by the next `durable()` (Postgres), which the
 * requester awaits before any request leaves: a record's in-doubt mark is committed first.
 */

import type { PassName, RecordState } from "../../model/records.js";
import type { CheckpointError } from "../checkpoint/checkpoint-error.js";
import type { CheckpointCounters, CheckpointHeader } from "../checkpoint/checkpoint-format.js";
import type { PassCounts } from "../checkpoint/pass-counts.js";

export interface StateSetOptions {
	/** The update may reach the store with later ones: losing it in a kill costs a harmless re-send. */
	readonly isDeferred?: boolean;
	/**
	 * The update must be durable before the next request leaves, which awaits `durable()`: the
	 * file writes it with the others of this turn in one write (group commit). An in-doubt mark.
	 */
	readonly isBeforeRequest?: boolean;
}

export interface StateStore {
	/** Where the state lives, as shown to people: a file path, or a masked URL with the import's name. */
	readonly path: string;
	readonly header: CheckpointHeader;
	get(pass: PassName, key: string): RecordState | undefined;
	/** The pass's records, to read only (both stores keep them as a `StateMap`, read without parsing). */
	records?(pass: PassName): ReadonlyMap<string, RecordState>;
	/**
	 * Records the state. Throws `CheckpointError` (`write-failed`) when the store refused this or an
	 * earlier write; `TypeError` for a malformed state.
	 */
	set(pass: PassName, key: string, state: RecordState, options?: StateSetOptions): void;
	/**
	 * `true` when every non-deferred `set()` so far is durable; otherwise a promise that resolves
	 * once it is, or rejects with `CheckpointError` when the store refused it.
	 */
	durable(): true | Promise<true>;
	count(pass: PassName): PassCounts;
	entries(pass: PassName): IterableIterator<[string, RecordState]>;
	/**
	 * The failed records (and those found deleted in Pivotal), without reading the others; a store
	 * without it has them filtered from `entries()`.
	 */
	failing?(pass: PassName): IterableIterator<[string, RecordState]>;
	addCounters(delta: Partial<CheckpointCounters>): void;
	counters(): CheckpointCounters;
	/** Makes deferred updates and counters durable. */
	flush(): void | Promise<void>;
	/**
	 * Rewrites the state compactly where the store has a journal; nothing to do elsewhere.
	 * `ifWorthIt`: only when the journal has grown enough to pay for it (a run's close).
	 */
	compact(options?: CompactOptions): void | Promise<void>;
	/**
	 * Calls `listener` once when the store can take no more writes, as soon as it knows, before a
	 * write finds out (the Postgres lock's connection ended while the run waits out a long hold).
	 */
	onFailed?(listener: (error: CheckpointError) => void): void;
	/** How the run ended, for `state list`; stores that keep no such thing ignore it. */
	noteOutcome?(outcome: string): void;
	/** Makes everything durable and releases the store's lock. Later calls do nothing. */
	close(): Promise<void>;
}

export interface CompactOptions {
	readonly ifWorthIt?: boolean;
}

/** What `openState` and undo get back from a store's opener. */
export interface OpenedStore {
	readonly store: StateStore;
	/** An existing state was loaded (false: a new one was made from `create()`). */
	readonly resumed: boolean;
	/** The state was damaged and a backup was loaded instead: the backup's name. */
	readonly recoveredFrom?: string | undefined;
	/** `fresh`: where the state that was there is kept now (a file's path, a database import's name). */
	readonly setAside?: string | undefined;
}

/**
 * Opens the import's state for a run: loads it, or makes a new one with `create()`'s header.
 * `fresh` sets an existing state aside first. Rejects with `CheckpointError`.
 */
export type StateOpener = (options: {
	readonly create: () => CheckpointHeader;
	readonly fresh?: boolean | undefined;
	/** The counters a state made now starts with, written with its header in one statement. */
	readonly createCounters?: Readonly<Record<string, number>> | undefined;
}) => Promise<OpenedStore>;
