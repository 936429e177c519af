import type { PivotalClient } from "../api/types.js";
import type { PassName, RecordState } from "../model/records.js";
import type { SourceOptions } from "../source/index.js";
import type { CheckpointFileSystem } from "./checkpoint/index.js";
import type { ImportEvent, RunOutcome } from "./events.js";

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
}

/** What to import and where the checkpoint lives. */
export interface ImportPlan {
	readonly files: SourceFiles;
	/** @default `<customers file>.checkpoint.json` */
	readonly checkpointPath?: string;
	/** Fingerprint of the key (never the key itself), stored in the checkpoint. */
	readonly keyFingerprint: string;
	readonly baseUrl: string;
	/** Requests in flight at most. @default chosen from the key's rate limit */
	readonly concurrency?: number;
	/** Set an existing checkpoint aside and start over. @default false */
	readonly fresh?: boolean;
	/**
	 * Send records that failed for good in an earlier run again too (by default a resume only
	 * retries transient failures), e.g. once the cause of a run of 400s is fixed.
	 * @default false
	 */
	readonly retryFailed?: boolean;
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

export interface ImportDeps {
	readonly client: PivotalClient;
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
}

export interface PassSummary {
	readonly total: number;
	readonly created: number;
	readonly existed: number;
	readonly failed: number;
	readonly blocked: number;
	/** Records not in a final state (an interrupted run). */
	readonly pending: number;
	/** Records with a final `done` state in the checkpoint. */
	readonly checkpointDone: number;
}

export interface ImportSummary {
	readonly outcome: RunOutcome;
	readonly message?: string | undefined;
	readonly runId: string;
	readonly checkpointPath: string;
	readonly passes: Readonly<Record<PassName, PassSummary>>;
	readonly failuresByCode: Readonly<Record<string, number>>;
	readonly requests: number;
	readonly rateLimited: number;
	readonly retries: number;
	readonly elapsedMs: number;
}

/** A running import. The UI and the headless reporters only read events and call these. */
export interface ImportRun {
	/** Resolves when the run ends, whatever the outcome (never rejects for record-level trouble). */
	readonly done: Promise<ImportSummary>;
	/** Events from now on; returns an unsubscribe function. */
	subscribe(listener: (event: ImportEvent) => void): () => void;
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
	/**
	 * Send failed records again (all, or those named) after the run has ended. Events flow to the
	 * same subscribers; resolves with the new summary.
	 */
	retryFailed(which?: readonly { readonly pass: PassName; readonly key: string }[]): Promise<ImportSummary>;
	/** Close the checkpoint file once the run (and any retry) is over. */
	close(): Promise<void>;
}
