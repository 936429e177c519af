import type { WindowLearner } from "./window-learner.js";

/**
 * Below this the first bound's slack (Reset is in whole seconds) costs more than a share of
 * the pace, so part of the first window is held back to watch the window's first expiry.
 */
const PROBE_BELOW_MS = 30_000;
/** Width of the slack the probes cover: Reset's rounding plus the clock skew's. */
const PROBE_SPAN_MS = 2_000;
const MAX_PROBES = 40;
/**
 * Without any bound (others' requests in the window from the start), probes go this long after
 * our oldest answer, then half as long again each time, and the window assumed stays twice the
 * last probe's distance: always ahead of any window the probes have not yet ruled out.
 */
const FIRST_PROBE_MS = 1_000;
const PROBE_GROWTH = 1.5;

/**
 * When the governor sends its probes: requests held back from the first window and sent one by
 * one where the window's first expiry may fall, so that the first answer finding a slot freed
 * tells the window to the spacing of the probes. A third of the limit at most, and 40.
 */
export class ProbePlan {
	readonly #learner: WindowLearner;
	// Probes left (undefined until the limit is known), their spacing, and when the last went.
	#left: number | undefined;
	#stepMs = 0;
	#lastAt = Number.NEGATIVE_INFINITY;
	// Unbounded: the distance of the next probe from our oldest answer, and of the last one.
	#distanceMs = FIRST_PROBE_MS;
	#probedMs = 0;

	constructor(learner: WindowLearner) {
		this.#learner = learner;
	}

	/** A new limit: a fresh budget of probes. */
	plan(limit: number): void {
		this.#left = Math.min(MAX_PROBES, Math.floor(limit / 3));
		this.#stepMs = this.#left > 0 ? PROBE_SPAN_MS / this.#left : 0;
	}

	/** Slots held back for probes now: none once the window is learnt or the budget spent. */
	get held(): number {
		const upper = this.#learner.upperMs;
		const left = this.#left ?? 0;
		return !this.#learner.isSettled && left > 0 && (upper === undefined || upper <= PROBE_BELOW_MS)
			? left
			: 0;
	}

	/** The window to assume while no bound is proven: ahead of every distance probed so far. */
	assumedWindowMs(firstGuessMs: number): number {
		return Math.max(firstGuessMs, 2 * this.#probedMs);
	}

	/**
	 * When the next probe may go, given our oldest answer still in the window: evenly across
	 * the last two seconds before it frees by our picture (less where the estimate below the
	 * bound has narrowed them), or at growing distances from it while nothing is proven.
	 */
	nextAt(oldestAnswer: number | undefined): number {
		const next = this.#lastAt + this.#stepMs;
		if (oldestAnswer === undefined) return next;
		const upper = this.#learner.upperMs;
		if (upper === undefined) return Math.max(oldestAnswer + this.#distanceMs, next);
		const lower = this.#learner.lowerMs ?? 0;
		const span = Math.min(PROBE_SPAN_MS, upper, Math.max(this.#stepMs, upper - lower));
		return Math.max(oldestAnswer + upper - span, next);
	}

	/** A probe went at `now`. */
	sent(now: number): void {
		this.#left = (this.#left ?? 1) - 1;
		this.#lastAt = now;
		if (this.#learner.upperMs === undefined) {
			this.#probedMs = this.#distanceMs;
			this.#distanceMs *= PROBE_GROWTH;
		}
	}
}
