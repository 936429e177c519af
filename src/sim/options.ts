import type { FaultConfig } from "./fault-config.js";
import { DEFAULT_KEY_PATTERN, type SimKeySpec } from "./key-spec.js";
import type { SimResource } from "./resource-routes.js";
import type { ScriptedFault } from "./scripted-faults.js";
import type { SimSnapshot } from "./snapshot.js";

/** One accepted key in an explicit allow-list. */
export interface SimulatorOptions {
	/** Interface to bind. @default "127.0.0.1" */
	readonly host?: string;
	/** Port to bind; 0 picks a free one. @default 0 */
	readonly port?: number;
	/** Requests per window for a live key (§3). @default 60 */
	readonly rateLimit?: number;
	/** Requests per window for a `pivotal_test_` key, on its own bucket. @default 30 */
	readonly testRateLimit?: number;
	/** Requests per window for a paid key (see `paidKeyPattern`). @default 600 */
	readonly paidRateLimit?: number;
	/** Live keys matching this pattern are on the paid tier. @default /_paid_/ */
	readonly paidKeyPattern?: RegExp;
	/** Length of the trailing rate-limit window, ms; compress it in tests. @default 60000 */
	readonly windowMs?: number;
	/** How long an idempotency record lives, ms (§5). @default 86400000 (24 h) */
	readonly idempotencyTtlMs?: number;
	/** Whether a refused (429) request takes a slot in the window (§12.1 says no). @default false */
	readonly countRateLimitedRequests?: boolean;
	/**
	 * Accepted keys. Omitted: any key matching `/^pivotal_(test_)?[A-Za-z0-9_]{6,}$/` is accepted
	 * and registered on first use; anything else is `invalid_api_key`.
	 * @default undefined
	 */
	readonly keys?: ReadonlyArray<string | SimKeySpec>;
	/** The workspace every key belongs to. @default { id: generated, slug: "sim-workspace", name: "Simulator Workspace" } */
	readonly organization?: { readonly id?: string; readonly slug?: string; readonly name?: string };
	/** Clock in ms since the epoch, for timestamps, windows, TTLs and the `Date` header. @default Date.now */
	readonly now?: () => number;
	/** Seed of the PRNG behind ids and faults. @default 1 */
	readonly seed?: number;
	/** Random faults (see FaultConfig), as an object or a `--faults` spec string. @default no faults */
	readonly faults?: Partial<FaultConfig> | string;
	/** Uniform latency added to every /api/v1 request; shorthand for the latency fields of `faults`. @default none */
	readonly latency?: { readonly minMs: number; readonly maxMs: number };
	/** Scripted faults armed from the start. @default [] */
	readonly scriptedFaults?: readonly ScriptedFault[];
	/** A snapshot from `exportState()` of a previous simulator: start with its data (restart). @default empty */
	readonly state?: SimSnapshot;
	/**
	 * Record resources answered besides customers, contacts and onboardings: each its routes and
	 * their handler (a test's fourth resource). @default []
	 */
	readonly resources?: readonly SimResource[];
	/** Largest accepted request body, bytes. @default 1048576 */
	readonly maxBodyBytes?: number;
}

export { DEFAULT_KEY_PATTERN, type SimKeySpec };
