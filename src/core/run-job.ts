/**
 * What a kind of run (an import or sync, an undo) hands the run driver: how to open the run,
 * and the passes of each round as operation streams with the function that applies one
 * operation. The driver owns everything else (the loop, pause and stop, the concurrency,
 * events, the ledger and the summary).
 */

import type { Me } from "../api/types.js";
import type { PassName } from "../model/records.js";
import type { ImportEvent, RunOutcome } from "./events.js";
import type { Ledger } from "./execute/ledger.js";
import type { Requester } from "./execute/requester.js";
import type { ImportDeps, ImportPlan } from "./run-types.js";
import type { StateStore } from "./state/state-store.js";

export type RunSettings = Pick<ImportPlan, "concurrency" | "windowMs" | "keyFingerprint">;

/** What the driver lends a job: its requester and the run's voice. The job keeps no run state of the driver's. */
export interface RunScope {
	readonly deps: ImportDeps;
	readonly requester: Requester;
	/** Aborts when the run stops: for a request the job sends itself. */
	readonly signal: AbortSignal;
	now(): number;
	emit(event: ImportEvent): void;
	/** May records settled unchanged be told counted (`records-unchanged`)? No listener needs each. */
	isUnchangedCounted(): boolean;
	notice(level: "info" | "warn" | "error", message: string): void;
	/** Stop the run with this outcome; the first trip wins. */
	trip(outcome: RunOutcome, message: string): void;
	/** Stopped by the user, or tripped. */
	isOver(): boolean;
	pause(): void;
	/** The opening `GET /me`: proves the key and learns the limit. Undefined when the run cannot go on (it is tripped). */
	whoAmI(): Promise<Me | undefined>;
	/** Can this key see what the state's key created? (One customer done settles it.) */
	isSameWorkspace(store: StateStore): Promise<boolean>;
	/** The workspace the key belongs to, for the reports. */
	setWorkspace(workspace: { readonly id: string; readonly name: string }): void;
	/** What the run has to do per pass, and of it the deletes `--delete-missing` planned (not rows of the files). */
	setTotals(totals: Readonly<Record<PassName, number>>, deletes?: Readonly<Record<PassName, number>>): void;
}

/** The state a job opened, for the driver to keep its books in. */
export interface OpenedRun {
	readonly store: StateStore;
	/** The run's number among the import's runs. */
	readonly run: number;
	/** An interrupted run goes on. */
	readonly resumed: boolean;
	/** False: a new sync of a state that exists. */
	readonly continuesRun?: boolean | undefined;
}

/** What the round's passes work with once the state is open. */
export interface RunBooks {
	readonly ledger: Ledger;
	readonly run: number;
	/**
	 * The first round of a new run (not an interrupted one going on, not a retry): no record of
	 * the state was written by it yet, so what the state says of one is from an earlier run.
	 */
	readonly isFresh?: boolean | undefined;
}

/** A round after the run ended: every failed record again, or those named. */
export interface RetryRequest {
	readonly which?: readonly { readonly pass: PassName; readonly key: string }[] | undefined;
}

/**
 * One pass of a round: the operations that need a request, streamed, and how to apply one.
 * Operations settled without a request are the stream's own business (it writes them to the
 * ledger as it goes) and never reach the driver.
 */
export interface RunPass<T> {
	readonly pass: PassName;
	/**
	 * `fresh`: announced (`pass-started`, `pass-finished`) with its tally started afresh;
	 * `continued`: announced, the tally kept (a second round of one pass); `silent`: neither.
	 */
	readonly announce: "fresh" | "continued" | "silent";
	readonly operations: Iterable<T> | AsyncIterable<T>;
	/** Sends one operation and records its outcome; never rejects for a record's trouble. */
	apply(operation: T): Promise<void>;
}

export interface RunJob {
	readonly settings: RunSettings;
	/** Where the state is kept, for the summary. */
	readonly checkpointPath: string;
	/** Prove the key and open the state. Undefined when the run cannot go on (the job tripped it). */
	open(scope: RunScope): Promise<OpenedRun | undefined>;
	/**
	 * The passes of a round, in order: the first round (`retry` undefined), or a retry of failed
	 * records. The driver takes the next pass only when the one before is over, so a job may
	 * decide a pass from what the one before did.
	 */
	round(
		scope: RunScope,
		books: RunBooks,
		retry: RetryRequest | undefined,
	): Promise<Iterable<RunPass<unknown>>>;
}
