import type { RateLimit } from "../api/types.js";
import type { PassName } from "../model/records.js";

/** Why a request is not on the wire right now. */
export type WaitReason =
	/**
	 * No slot free in the window: `untilMs` is when the governor expects the next one (the event's
	 * own time when only an answer in flight can free one); `cause` "429" while a 429's hold lasts.
	 */
	| "slot"
	/** A 429 paused all dispatch until the server's `Retry-After`. */
	| "retry-after"
	/** 5xx, reset or timeout: exponential backoff with jitter. */
	| "backoff"
	/** 409 idempotency key still in flight on the server: a short wait. */
	| "key-in-use";

/** Where the governor's window length comes from. */
export type WindowSource = "given" | "learnt" | "assumed";

export type RunOutcome =
	/** Every record reached a final state (done, failed or blocked). */
	| "completed"
	/** Stopped by the user or a signal; resumable from the checkpoint. */
	| "interrupted"
	/** The key was refused (401): nothing more can be sent with it. */
	| "auth-failed"
	/** Many records failed the same way in a row: stopped before failing them all. */
	| "circuit-open"
	/** The checkpoint could not be written: stopped so no progress goes unrecorded. */
	| "checkpoint-failed";

/**
 * Everything the engine reports. One union, a kebab-case `type` on each member; every
 * `switch` over it ends in `unreachable`. `at` is the engine clock in ms.
 */
export type ImportEvent =
	| {
			readonly type: "run-started";
			readonly at: number;
			readonly runId: string;
			readonly resumed: boolean;
			/** An interrupted run goes on (true), or a new sync of an existing state starts (false). */
			readonly continuesRun?: boolean;
			readonly checkpointPath: string;
			readonly concurrency: number;
			/** Rows per pass in the source files (0 for a pass without a file). */
			readonly totals: Readonly<Record<PassName, number>>;
	  }
	| {
			readonly type: "pass-started";
			readonly at: number;
			readonly pass: PassName;
			readonly total: number;
			/** Final states already in the checkpoint when the pass starts. */
			readonly already: Readonly<PassTally>;
	  }
	| {
			/** A lookup the engine makes before sending (slug index, in-doubt records after a resume). */
			readonly type: "lookup";
			readonly at: number;
			readonly pass: PassName;
			readonly what: string;
			readonly phase: "started" | "finished";
			readonly found?: number;
	  }
	| {
			readonly type: "request-started";
			readonly at: number;
			readonly pass: PassName;
			readonly key: string;
			/** Source line of the record, for the screen. */
			readonly line: number;
			readonly attempt: number;
			/** The masked key it went out with. */
			readonly keyLabel?: string;
	  }
	| {
			readonly type: "request-waiting";
			readonly at: number;
			readonly pass: PassName;
			readonly key: string;
			/** Source line of the record, for a record that has not been on the screen yet. */
			readonly line?: number;
			readonly attempt: number;
			readonly reason: WaitReason;
			readonly untilMs: number;
			/** What the previous attempt got: HTTP status, or a network failure name. */
			readonly cause: string;
	  }
	| {
			/**
			 * A request made for no one record (`GET /me`, a list page, a look-up) is asked again:
			 * what it is, the attempt that failed and why, and when the next one leaves.
			 */
			readonly type: "retrying";
			readonly at: number;
			readonly what: string;
			readonly attempt: number;
			/** Attempts a transient failure gets before the request is given up. */
			readonly maxAttempts: number;
			readonly reason: WaitReason;
			readonly untilMs: number;
			/** What the attempt got: HTTP status, or a network failure name. */
			readonly cause: string;
	  }
	| {
			/** Any HTTP answer or network failure (also lookups): feeds headroom and pace. */
			readonly type: "response";
			readonly at: number;
			readonly status: number;
			readonly durationMs: number;
			readonly rateLimit: RateLimit | undefined;
			/** The window the governor paces to after this answer. */
			readonly windowMs?: number;
			/** Whether that window was given (`--window`), learnt from the headers, or still assumed. */
			readonly windowSource?: WindowSource;
			/** Which key sent it, when a run has several: a label fit for the screen, never the key. */
			readonly keyLabel?: string;
	  }
	| {
			readonly type: "rate-limited";
			readonly at: number;
			readonly untilMs: number;
			readonly keyLabel?: string;
	  }
	| {
			readonly type: "record-done";
			readonly at: number;
			readonly pass: PassName;
			readonly key: string;
			readonly outcome: RecordOutcome;
			readonly id: string;
			readonly attempts: number;
	  }
	| {
			/**
			 * Records of a new run that the plan settled as unchanged, counted rather than told one by
			 * one: sent only to a run whose every listener said it does not need them one by one
			 * (`subscribe(listener, { unchangedCounted: true })`). The others get a `record-done` each.
			 */
			readonly type: "records-unchanged";
			readonly at: number;
			readonly pass: PassName;
			readonly count: number;
	  }
	| {
			readonly type: "record-failed";
			readonly at: number;
			readonly pass: PassName;
			readonly key: string;
			readonly line: number;
			readonly status: number | null;
			readonly code: string;
			readonly message: string;
			readonly attempts: number;
	  }
	| {
			readonly type: "record-blocked";
			readonly at: number;
			readonly pass: PassName;
			readonly key: string;
			readonly parentKey: string;
	  }
	| { readonly type: "pass-finished"; readonly at: number; readonly pass: PassName }
	| { readonly type: "pause-requested"; readonly at: number }
	/** Pause took effect: nothing is in flight any more. */
	| { readonly type: "paused"; readonly at: number }
	| { readonly type: "resumed"; readonly at: number }
	| { readonly type: "stop-requested"; readonly at: number }
	| { readonly type: "concurrency-changed"; readonly at: number; readonly concurrency: number }
	| {
			/** A notable line for the log: circuit breaker, checkpoint trouble, resume lookups. */
			readonly type: "notice";
			readonly at: number;
			readonly level: "info" | "warn" | "error";
			readonly message: string;
	  }
	| {
			readonly type: "run-finished";
			readonly at: number;
			readonly outcome: RunOutcome;
			/** One sentence when the outcome is not `completed`. */
			readonly message?: string;
	  };

export type ImportEventType = ImportEvent["type"];

/**
 * What a run did with a record: created it, found it in Pivotal (adopted), changed fields of it,
 * left it as it was, or (undo) deleted it or put fields back.
 */
export type RecordOutcome =
	| "created"
	| "existed"
	| "updated"
	| "unchanged"
	| "deleted"
	| "restored"
	/** Left out by `--only` (a row not in Pivotal under `update`, a change under `create`): nothing sent. */
	| "skipped";

export interface PassTally {
	readonly created: number;
	readonly existed: number;
	readonly updated: number;
	readonly unchanged: number;
	readonly deleted: number;
	readonly restored: number;
	readonly failed: number;
	readonly blocked: number;
	readonly skipped: number;
}

export function emptyPassTally(): Record<keyof PassTally, number> {
	return {
		created: 0,
		existed: 0,
		updated: 0,
		unchanged: 0,
		deleted: 0,
		restored: 0,
		failed: 0,
		blocked: 0,
		skipped: 0,
	};
}

/** Ends an exhaustive `switch`: a new union member is a compile error where it is not handled. */
export function unreachable(value: never): never {
	throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
