import { DEFAULT_CONNECTIONS } from "../../api/connections.js";
import { estimateDurationMs } from "../../core/estimate.js";
import { PASSES, type PassName } from "../../model/records.js";

export interface PlanEstimate {
	readonly requests: number;
	/** Rate-limit windows the requests need at the key's limit. */
	readonly windows: number;
	readonly estimatedMs: number;
}

/**
 * The time as the engine's pacing spends the windows. Requests: the sync plan's count when
 * there is one (unchanged records cost nothing), else one POST per row.
 */
export function estimatePlan(
	counts: Readonly<Record<PassName, number>> | number,
	limit: number,
	windowMs = 60_000,
	concurrency = 4,
): PlanEstimate {
	const requests = typeof counts === "number" ? counts : PASSES.reduce((sum, pass) => sum + counts[pass], 0);
	const windows = limit > 0 ? Math.ceil(requests / limit) : 0;
	return { requests, windows, estimatedMs: estimateDurationMs({ requests, limit, windowMs, concurrency }) };
}

/**
 * Concurrency the user may pick: 1 to the keys' connections (64 a key), which hold a live key's
 * whole window at once; more would only wait in the pools. A pool's keys each bring theirs, as
 * on the command line.
 */
export function clampConcurrency(n: number, keys = 1): number {
	return Math.min(DEFAULT_CONNECTIONS * Math.max(1, keys), Math.max(1, Math.round(n)));
}
