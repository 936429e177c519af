import type { BrakeSettings } from "./execute/storm-brake.js";

export interface StartOptions {
	/** Aborting it is a graceful stop, like `run.stop()`. */
	readonly signal?: AbortSignal;
	/**
	 * Permanent failures of one kind in a row (same pass, status, code and field) that stop the
	 * run, or pause it for the user, before it fails every remaining record the same way.
	 * @default { threshold: 25, action: "stop" }
	 */
	readonly circuitBreaker?: { readonly threshold: number; readonly action: "stop" | "pause" };
	/**
	 * Attempts for a record whose failures are transient (5xx, resets, timeouts) before it is
	 * recorded as failed (retryable on the next run).
	 * @default 8
	 */
	readonly maxAttempts?: number;
	/** Backoff after the first transient failure, doubled each time, with jitter. @default 500 */
	readonly backoffBaseMs?: number;
	/** @default 30000 */
	readonly backoffCapMs?: number;
	/**
	 * When a storm of 5xx answers and timeouts stops the run (resumable, exit 3).
	 * @default { failures: 16, rateLimited: 30 }
	 */
	readonly brake?: BrakeSettings;
}
