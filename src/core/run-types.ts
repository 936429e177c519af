import type { Me, PivotalClient, RateLimit } from "../api/types.js";
import type { PassName, RecordState } from "../model/records.js";
import type { KnownFromCheck, SourceOptions } from "../source/index.js";
import type { CheckpointFileSystem } from "./checkpoint/index.js";
import type { ImportEvent, RunOutcome } from "./events.js";
import type { PassState } from "./plan/legacy-keys.js";
import type { SyncRules } from "./plan/sync-rules.js";
import type { StateOpener } from "./state/state-store.js";

export interface SourceFiles {
	readonly customers: string;
	readonly contacts?: string | undefined;
	readonly onboardings?: string | undefined;
}

/** What validation learnt of the sources: rows per pass and a hash of each file. */
export interface SourceCheckSummary {
	readonly counts: Readonly<Record<PassName, number>>;
	readonly fingerprints: Readonly<Record<PassName, string | undefined>>;
	/** SHA-256 of the map section each file was read through (none: read as it is). */
	readonly mapFingerprints?: Readonly<Record<PassName, string | undefined>>;
	/**
	 * Whole-file facts validation learnt (onboarding names, explicit slugs), so that the pass
	 * reading a file on the way to the wire reads it once; valid only while the hashes match.
	 */
	readonly known?: Readonly<Partial<Record<PassName, KnownFromCheck>>>;
}

/** What to import and where the checkpoint lives. */
export interface ImportPlan {
	readonly files: SourceFiles;
	/** @default `<customers file>.checkpoint.json` */
	readonly checkpointPath?: string;
	/** Fingerprint of the key (never the key itself), stored in the checkpoint: the first key's with several. */
	readonly keyFingerprint: string;
	/**
	 * Fingerprint of every key of the run, in the order given (the first is `keyFingerprint`).
	 * @default [keyFingerprint]
	 */
	readonly keyFingerprints?: readonly string[];
	readonly baseUrl: string;
	/** Requests in flight at most. @default chosen from the key's rate limit */
	readonly concurrency?: number;
	/** Set an existing checkpoint aside and start over. @default false */
	readonly fresh?: boolean;
	/**
	 * The saved plan this run applies (`planMarkOf` its digest), recorded in the state when the run
	 * starts, so that only this plan's apply resumes the run if it is interrupted. @default 0 (none)
	 */
	readonly planMark?: number;
	/**
	 * The state as a saved plan's check saw it (`stateFingerprint`): the run refuses, nothing sent,
	 * when the state it opens under its lock is another (a run wrote it in between). @default unchecked
	 */
	readonly expectState?: string;
	/**
	 * Send records that failed for good in an earlier run again too (by default a resume only
	 * retries transient failures), e.g. once the cause of a run of 400s is fixed.
	 * @default false
	 */
	readonly retryFailed?: boolean;
	/** Create records again that were deleted in Pivotal since the last sync. @default false */
	readonly recreate?: boolean;
	/**
	 * The sync rules: `--only create|update`, `--empty keep|clear`, `--keep-pivotal-edits`,
	 * `--delete-missing` with `--max-deletes`. @default none (create and update; emptied cells kept; nothing deleted)
	 */
	readonly rules?: SyncRules;
	/**
	 * Length of the server's rate-limit window. Pivotal's is 60 s; the simulator's can be shorter.
	 * @default 60000
	 */
	readonly windowMs?: number;
	/**
	 * The sources' validation, when the caller has already made it (it must have found no
	 * problem). Without it the engine validates first and sends nothing if a row is invalid.
	 */
	readonly check?: SourceCheckSummary;
	/** How the files are read: the map, `--encoding`, `--delimiter`. @default our headers, UTF-8, detected delimiter */
	readonly source?: SourceOptions;
}

/** One verified key of a run: its client and how to name it. The secret itself stays in the client. */
export interface KeyLane {
	readonly client: PivotalClient;
	/** `keyFingerprint(key)`: what the checkpoint may keep. */
	readonly fingerprint: string;
	/** The masked key (`pivotal_…a1b2`), for the screen and the logs. */
	readonly label: string;
	/** What `GET /me` answered, when the caller already asked (the keys' workspace was checked). */
	readonly me?: Me;
	/**
	 * When the caller's `GET /me` left and was answered (`Date.now()` times) and its rate-limit
	 * headers: that request is in the key's window, and its answer dates the window as the run's
	 * own `GET /me` would (see `Governor.recordAnswered`).
	 */
	readonly meAnswer?: MeAnswer;
}

/** A `GET /me` made before the run, as its key's governor takes it in. */
export interface MeAnswer {
	readonly sentAt: number;
	readonly answeredAt: number;
	readonly rateLimit: RateLimit;
}

export interface ImportDeps {
	/** The first key's client (`keys[0].client` when `keys` is given). */
	readonly client: PivotalClient;
	/**
	 * Every key of the run, all of one workspace, the first being `client`'s. Keys are verified and
	 * checked for one workspace before the run starts.
	 * @default one lane of `client`
	 */
	readonly keys?: readonly KeyLane[];
	/** @default Date.now */
	readonly now?: () => number;
	/** @default a timer that an AbortSignal cuts short */
	readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** @default Math.random */
	readonly random?: () => number;
	/**
	 * File-system functions of the checkpoint, for tests that simulate a full disk or a
	 * read-only mount (as root, a chmod cannot).
	 * @default node:fs
	 */
	readonly checkpointFs?: CheckpointFileSystem;
	/**
	 * Opens the import's state in another store than the checkpoint file (a Postgres database,
	 * connected and locked by the caller). @default the checkpoint file at `checkpointPath`
	 */
	readonly openState?: StateOpener | undefined;
}

/** One failed record, as the failures screen and the failures CSV show it. */
export interface FailureDetail {
	readonly pass: PassName;
	readonly key: string;
	readonly line: number;
	readonly status: number | null;
	readonly code: string;
	readonly message: string;
	readonly field?: string | undefined;
	readonly attempts: number;
	/** The exact JSON text that was sent, when the record got as far as a request. */
	readonly requestBody?: string | undefined;
	/** The parsed error envelope of the last answer, when there was one. */
	readonly response?: unknown;
	/** The original CSV cells. */
	readonly columns: Readonly<Record<string, string>>;
	/** Not a failure of the record: something the run notes of it (`not_in_pivotal`, `edited_in_pivotal`). */
	readonly isNote?: true;
}

export interface PassSummary {
	/** Records the run has to do: the files' rows, and the deletes `--delete-missing` planned. */
	readonly total: number;
	/** Of `total`, the deletes `--delete-missing` planned (not rows of the files). */
	readonly deletes?: number;
	readonly created: number;
	/** Found in Pivotal and adopted, nothing to change. */
	readonly existed: number;
	readonly updated: number;
	readonly unchanged: number;
	/** Undo: deleted, or fields put back. */
	readonly deleted: number;
	readonly restored: number;
	readonly failed: number;
	readonly blocked: number;
	/** Left out by `--only` (not in Pivotal under `update`, a change under `create`): nothing sent. */
	readonly skipped?: number;
	/** Deleted in Pivotal since the last sync (reported among the failures, not re-created). */
	readonly gone: number;
	/** Records not in a final state (an interrupted run). */
	readonly pending: number;
	/** Of `pending`, those sent without an answer (in doubt: the next run checks them); the rest were never sent. */
	readonly inDoubt?: number;
	/**
	 * Records the state holds as in Pivotal: a final `done` state, or a failed update (its record
	 * is there; the state keeps its copy).
	 */
	readonly checkpointDone: number;
	/** Records the state holds that the file no longer has (reported, never deleted by import). */
	readonly notInFiles: number;
	/**
	 * Creates sent with no answer whose rows are gone from the file (a completed run): they may be
	 * in Pivotal; a run with their rows back looks them up. Not among `notInFiles`. @default 0
	 */
	readonly unansweredNotInFiles?: number;
}

export interface ImportSummary {
	readonly outcome: RunOutcome;
	readonly message?: string | undefined;
	readonly runId: string;
	/** The run's number among the import's runs (1 for the first import; each sync adds one). */
	readonly run: number;
	readonly checkpointPath: string;
	readonly passes: Readonly<Record<PassName, PassSummary>>;
	readonly failuresByCode: Readonly<Record<string, number>>;
	readonly requests: number;
	readonly rateLimited: number;
	readonly retries: number;
	readonly elapsedMs: number;
}

/** How a listener hears a run. */
export interface SubscribeOptions {
	/**
	 * The records of a new run that the plan settled as unchanged may come counted, a
	 * `records-unchanged` event per block of them, instead of a `record-done` each: a refresh of
	 * a million rows then tells a progress count in a thousand events, not a million. They come
	 * counted only when every listener of the run says so.
	 * @default false
	 */
	readonly unchangedCounted?: boolean;
}

/** A running import. The UI and the headless reporters only read events and call these. */
export interface ImportRun {
	/** Resolves when the run ends, whatever the outcome (never rejects for record-level trouble). */
	readonly done: Promise<ImportSummary>;
	/** The workspace the key belongs to, once the run's `GET /me` answered (for reports). */
	readonly workspace?: { readonly id: string; readonly name: string } | undefined;
	/** Events from now on; returns an unsubscribe function. */
	subscribe(listener: (event: ImportEvent) => void, options?: SubscribeOptions): () => void;
	/** Stop starting requests; those in flight finish ("paused" follows once drained). */
	pause(): void;
	resume(): void;
	readonly isPaused: boolean;
	setConcurrency(concurrency: number): void;
	readonly concurrency: number;
	/** Graceful stop: drain in-flight requests, save the checkpoint, outcome `interrupted`. */
	stop(): void;
	/** Every failed record so far, with request and response. */
	failures(): readonly FailureDetail[];
	/** Outcome of one record as the checkpoint holds it. */
	state(pass: PassName, key: string): RecordState | undefined;
	/** Was the row left out by `--only` while its record is in Pivotal (its changes not sent)? */
	isSkipped(pass: PassName, key: string): boolean;
	/** What the checkpoint holds of one pass, to key a file's rows as the run keyed them (`knownRecords`). */
	passState(pass: PassName): PassState | undefined;
	/**
	 * Send failed records again (all, or those named) after the run has ended. Events flow to the
	 * same subscribers; resolves with the new summary.
	 */
	retryFailed(which?: readonly { readonly pass: PassName; readonly key: string }[]): Promise<ImportSummary>;
	/** Close the checkpoint file once the run (and any retry) is over. */
	close(): Promise<void>;
}
