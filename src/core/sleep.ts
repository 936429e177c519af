import { TIMER_MAX_MS } from "../api/client-limits.js";

/**
 * A delay setTimeout takes as given: past 2^31−1 ms Node fires at once (TimeoutOverflowWarning),
 * which turns a long wait into a busy loop. Waits are clamped where they enter; this is the floor.
 */
export function timerDelay(ms: number): number {
	return Math.max(0, Math.min(TIMER_MAX_MS, ms));
}

/** Wait `ms`, or less if the signal aborts first. Never rejects: callers check the signal. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0 || signal?.aborted) return Promise.resolve();
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener("abort", done);
			resolve();
		};
		const timer = setTimeout(done, timerDelay(ms));
		signal?.addEventListener("abort", done, { once: true });
	});
}
