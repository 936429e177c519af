import { PASSES, type PassName } from "../../core/records.js";

export interface PlanEstimate {
	readonly requests: number;
	/** Rate-limit windows the requests need at the key's limit. */
	readonly windows: number;
	readonly estimatedMs: number;
}

/**
 * Requests ≈ one POST per row; the time is the number of full rate-limit windows those requests
 * need at `limit` per window (the limit, not latency, bounds a bulk import).
 */
export function estimatePlan(
	counts: Readonly<Record<PassName, number>>,
	limit: number,
	windowMs = 60_000,
): PlanEstimate {
	const requests = PASSES.reduce((sum, pass) => sum + counts[pass], 0);
	const windows = limit > 0 ? Math.ceil(requests / limit) : 0;
	// Within one window the whole quota can go at once: the last window is only as long as it takes.
	const estimatedMs =
		windows <= 1 ? Math.min(windowMs, (requests / Math.max(1, limit)) * windowMs) : windows * windowMs;
	return { requests, windows, estimatedMs };
}

/** Concurrency the user may pick: 1–32. */
export function clampConcurrency(n: number): number {
	return Math.min(32, Math.max(1, Math.round(n)));
}
