/** What the `Date` headers prove of how far our clock is ahead of the server's (see `ServerClock`). */
export interface ClockBounds {
	/** Ahead by at most this (ms); undefined before any `Date`. */
	readonly aheadAtMostMs: number | undefined;
	/** Ahead by more than this (ms); undefined while unknown. */
	readonly aheadMoreThanMs: number | undefined;
}

/** When to ask the server's clock (`GET /health`, which no key pays for): from `startAt` until `until`. */
export interface ClockPin {
	readonly startAt: number;
	readonly until: number;
}

/** One Reset second heard, with the latest send known to be no later than the window's oldest arrival. */
interface ResetSeen {
	readonly resetSec: number;
	/** Our clock: the server's oldest in-window request arrived at or after this, less our lead θ. */
	since: number;
	/** The lead θ's upper bound this answer's own `Date` gave (resetAtMs − Reset). */
	aheadAtMostMs: number;
	/** When the first answer naming this Reset arrived. */
	readonly heardAt: number;
}

const KEEP = 8;
/** Ask the server's clock for at most this long after the window's Reset was first heard. */
const PIN_HORIZON_MS = 3_000;

/**
 * The window's upper bound when the window is a whole number of seconds, as on every rate
 * limiter we know of. The server's `Reset` is ceil(oldest arrival + window) in whole seconds,
 * so with a window of w whole seconds
 *
 *   window = 1000 × (Reset − ceil(oldest arrival / 1000))
 *
 * exactly: only the second of the oldest arrival is unknown. The oldest arrival is no earlier
 * than `since` − θ (θ: our clock's lead, at most `aheadAtMostMs`), so the window is at most
 * 1000 × (Reset − ceil((since − θmax) / 1000)), a whole number of seconds. While θ is known
 * only to the second (one second of `Date` headers) that bound may be a second long; an answer
 * written just after the server's second ticks (a `GET /health` at the right instant) narrows θ
 * and, unless the first request arrived within a round trip after a tick, brings the bound down
 * to the window itself. A Count bound (see `WindowLearner`) rounds down to whole seconds too.
 *
 * If the window were not whole seconds these bounds could be early: the learner drops them at
 * the first 429 (`WindowLearner.distrustWholeSeconds`).
 */
export class WholeSecondWindow {
	readonly #seen: ResetSeen[] = [];
	#countMs: number | undefined;

	/** An answer's Reset, the send no later than the oldest arrival in its window, and its θ bound. */
	observeReset(resetSec: number, since: number, aheadAtMostMs: number, answeredAt: number): void {
		const was = this.#seen.find((s) => s.resetSec === resetSec);
		if (was) {
			was.since = Math.max(was.since, since);
			was.aheadAtMostMs = Math.min(was.aheadAtMostMs, aheadAtMostMs);
			return;
		}
		this.#seen.push({ resetSec, since, aheadAtMostMs, heardAt: answeredAt });
		if (this.#seen.length > KEEP) this.#seen.shift();
	}

	/** A Count bound (continuous, sure): the window is at most it, so at most its whole seconds. */
	observeCount(boundMs: number): void {
		const whole = Math.floor(boundMs / 1000) * 1000;
		if (whole >= 1000 && (this.#countMs === undefined || whole < this.#countMs)) this.#countMs = whole;
	}

	/** The tightest whole-second bound, undefined before any. */
	upperMs(clock: ClockBounds | undefined): number | undefined {
		let best = this.#countMs;
		for (const seen of this.#seen) {
			const bound = boundOf(seen, clock);
			if (bound !== undefined && (best === undefined || bound < best)) best = bound;
		}
		return best;
	}

	/**
	 * When an answer of the server's clock could bring the bound down a second before the window
	 * it bounds frees its first slot (`pacedMs`: the window paced to now), undefined when none can.
	 * The bound falls once θ is proven below `since` − 1000 × c (c the second it now assumes); that
	 * happens at the server's tick of a second, which lies before `since` − 1000 × c + 1000 × m on
	 * our clock exactly then. So ask from a little before such an instant until it.
	 */
	pinAt(now: number, clock: ClockBounds | undefined, leadMs: number, pacedMs: number): ClockPin | undefined {
		const open = this.#open(clock);
		if (open === undefined) return undefined;
		const { binding, target } = open;
		// The next instant, on our clock, at which a tick would prove θ below the target.
		const phase = (((target - now) % 1000) + 1000) % 1000;
		// Until that instant passes, an ask may still be answered before it.
		const until = now + (phase === 0 ? 1000 : phase);
		const horizon = Math.min(binding.heardAt + PIN_HORIZON_MS, binding.heardAt + pacedMs);
		return until <= horizon ? { startAt: until - leadMs, until } : undefined;
	}

	/** The Reset whose bound binds, if a better θ could still bring it a second down. */
	#open(clock: ClockBounds | undefined): { binding: ResetSeen; bound: number; target: number } | undefined {
		let binding: ResetSeen | undefined;
		let bound = Number.POSITIVE_INFINITY;
		for (const seen of this.#seen) {
			const b = boundOf(seen, clock);
			if (b !== undefined && b < bound) {
				binding = seen;
				bound = b;
			}
		}
		if (binding === undefined || (this.#countMs !== undefined && this.#countMs <= bound)) return undefined;
		const second = Math.ceil((binding.since - aheadOf(binding, clock)) / 1000);
		// θ below the target puts the oldest arrival a second later, the window a second shorter.
		const target = binding.since - second * 1000;
		// θ is proven at or above the target: the second assumed is the right one.
		const floor = clock?.aheadMoreThanMs;
		if (floor !== undefined && floor >= target) return undefined;
		return { binding, bound, target };
	}
}

function aheadOf(seen: ResetSeen, clock: ClockBounds | undefined): number {
	const fromClock = clock?.aheadAtMostMs;
	return fromClock === undefined ? seen.aheadAtMostMs : Math.min(fromClock, seen.aheadAtMostMs);
}

function boundOf(seen: ResetSeen, clock: ClockBounds | undefined): number | undefined {
	const bound = 1000 * (seen.resetSec - Math.ceil((seen.since - aheadOf(seen, clock)) / 1000));
	// Under a second cannot be a whole-second window: the premise failed, say nothing.
	return bound >= 1000 ? bound : undefined;
}
