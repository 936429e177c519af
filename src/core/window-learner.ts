import type { RateLimit } from "../api/types.js";
import { type ClockBounds, type ClockPin, WholeSecondWindow } from "./whole-second-window.js";

/** One answer, as the governor saw it. */
export interface Answer {
	/** When the permit was handed out: no later than the request left. */
	readonly sentAt: number;
	/** When the answer arrived: no earlier than the server counted the request. */
	readonly answeredAt: number;
	readonly rateLimit: RateLimit;
	/**
	 * The server surely counted this request in its window: a 2xx. Errors may or may not count
	 * (the API does not say which), so they are left out of the reckoning, never guessed at.
	 */
	readonly isSure: boolean;
	/** No other request of ours was on the wire while this one was: its window held only answered ones. */
	readonly isAlone: boolean;
}

/** The bound is sharp enough once it is this close to the estimate below it (or 2 % of it). */
const SETTLED_WITHIN_MS = 150;

/**
 * Windows that hold more requests than this are learnt while fewer are in them; past it, each
 * answer's look back would cost more than it tells.
 */
const MAX_LOOKBACK = 4096;

/**
 * Learns how long the server's sliding window is from its `X-RateLimit-*` headers against our
 * own send log, as an upper bound: pacing on a window at least as long as the server's cannot
 * send before the server frees a slot.
 *
 * Every answer i gives two bounds whatever else uses the key. Let k = Limit − Remaining (the
 * requests in the server's window when i arrived: the k newest arrivals of anyone's) and Sure =
 * our requests the server surely counted and answered before i was sent, plus i if it is one.
 * Each of those arrived between its send and its answer, and before i did.
 * - Reset: the window's oldest arrival is no older than the k-th newest of Sure, and it expires
 *   at Reset, so window ≤ Reset − (k-th newest send in Sure).
 * - Count: k + 1 of Sure arrived since the (k+1)-th newest was sent, yet only k are in the
 *   window, so one has expired: window ≤ (answer of i) − ((k+1)-th newest send in Sure).
 * Others' requests only raise k, which loosens both; a late clock only raises Reset. Not fed
 * 429s: where refused requests count too, the window can hold more than Limit and Remaining
 * stops at 0, so k would be short. The Count bound is the sharp one (no whole seconds in it):
 * it speaks once one of ours has left the server's window while our picture still counts it.
 *
 * Where the answers carry Reset's second as sent and the window is whole seconds (see
 * `WholeSecondWindow`), both bounds round down to whole seconds, which makes the first burst's
 * answers tell the window to the second, and to the window itself once the server's clock is
 * pinned.
 *
 * Below the bound it keeps an estimate, for the governor's probes only (it is not safe to pace
 * on): an answer that was alone on the wire says its window still held the k-th newest of
 * Sure, so the window is longer than the time since that one's answer, if no one else used
 * the key meanwhile.
 */
export class WindowLearner {
	// Our surely counted requests, in the order their answers arrived: #sent[j] went out at or
	// before the server counted it, #answered[j] came back at or after. Entries before #head are dropped.
	#sent: number[] = [];
	#answered: number[] = [];
	#head = 0;
	#upperMs: number | undefined;
	#lowerMs: number | undefined;
	readonly #whole = new WholeSecondWindow();
	readonly #clock: ClockBounds | undefined;
	#isWhole = false;
	#isWholeDistrusted = false;

	/** `clock`: the server's clock as the `Date` headers pin it, shared with the client. */
	constructor(clock?: ClockBounds) {
		this.#clock = clock;
	}

	/** The tightest upper bound on the window so far, undefined before any answer spoke of it. */
	get upperMs(): number | undefined {
		if (!this.isWholeSeconds) return this.#upperMs;
		return minOf(this.#upperMs, this.#whole.upperMs(this.#clock));
	}

	/** The bound rests on the window being whole seconds: answers carry Reset's second, and no 429 came. */
	get isWholeSeconds(): boolean {
		return this.#isWhole && !this.#isWholeDistrusted;
	}

	/** A 429 came: the window may not be whole seconds after all; from now on only the continuous bounds. */
	distrustWholeSeconds(): void {
		this.#isWholeDistrusted = true;
	}

	/** When to ask the server's clock so the bound can fall before the window frees (see `WholeSecondWindow`). */
	clockPinAt(now: number, leadMs: number): ClockPin | undefined {
		const paced = this.upperMs;
		if (!this.isWholeSeconds || paced === undefined) return undefined;
		return this.#whole.pinAt(now, this.#clock, leadMs, paced);
	}

	/** The estimate below the bound (not a bound: others' use can fool it), undefined until one. */
	get lowerMs(): number | undefined {
		return this.#lowerMs;
	}

	/** The bound is within a little of the estimate below it: nothing more to learn by probing. */
	get isSettled(): boolean {
		const upper = this.upperMs;
		const lower = this.#lowerMs;
		return (
			upper !== undefined && lower !== undefined && upper - lower <= Math.max(SETTLED_WITHIN_MS, upper * 0.02)
		);
	}

	/** Learn from one answer other than a 429 that carried the headers. */
	observe(answer: Answer): void {
		const { sentAt, answeredAt, rateLimit, isSure } = answer;
		const inWindow = rateLimit.limit - rateLimit.remaining;
		if (inWindow > 0 && inWindow <= MAX_LOOKBACK) {
			// Sure = the answers that arrived before i was sent, plus i itself when it counts.
			const before = this.#answeredBefore(sentAt);
			const [kth, next] = this.#newestSends(before, inWindow, isSure ? sentAt : undefined);
			const fromReset = bound(rateLimit.resetAtMs, kth);
			const fromCount = bound(answeredAt, next);
			this.#upperMs = minOf(this.#upperMs, fromReset, fromCount);
			const { resetSec } = rateLimit;
			if (resetSec !== undefined && kth !== undefined) {
				// resetAtMs = Reset + the lead θ's bound from the Date headers so far.
				this.#isWhole = true;
				this.#whole.observeReset(resetSec, kth, rateLimit.resetAtMs - resetSec * 1000, answeredAt);
				if (fromCount !== undefined) this.#whole.observeCount(fromCount);
			}
			if (answer.isAlone && isSure) this.#estimateBelow(before, inWindow, sentAt);
		}
		if (isSure) this.#push(sentAt, answeredAt, rateLimit.limit);
	}

	#estimateBelow(before: number, inWindow: number, sentAt: number): void {
		// Alone, every one of ours that had arrived is in Sure; with no one else on the key the
		// window is the k newest of them, so it still held the one with the k-th newest answer.
		if (inWindow < 2) return;
		const oldestAnswer = this.#answered[before - (inWindow - 1)];
		if (before - (inWindow - 1) < this.#head || oldestAnswer === undefined) return;
		const estimate = sentAt - oldestAnswer;
		// Above the proven bound it is the assumption that failed (someone else on the key).
		const upper = this.upperMs;
		if (upper !== undefined && estimate > upper) return;
		if (this.#lowerMs === undefined || estimate > this.#lowerMs) this.#lowerMs = estimate;
	}

	/** Index just past the last answer that arrived before `at` (answers are in time order). */
	#answeredBefore(at: number): number {
		let lo = this.#head;
		let hi = this.#answered.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if ((this.#answered[mid] ?? 0) < at) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/**
	 * Times no later than the n-th and (n+1)-th newest sends among the answers before `end` (and
	 * `extra`): the earliest send of the last n answers, and of the last n + 1. Sends and answers
	 * are nearly in the same order, so these are close, and never later, which keeps both bounds sure.
	 */
	#newestSends(end: number, n: number, extra: number | undefined): [number | undefined, number | undefined] {
		const fromLog = extra === undefined ? n : n - 1;
		const available = end - this.#head;
		if (available < fromLog) return [undefined, undefined];
		let oldest = extra ?? Number.POSITIVE_INFINITY;
		for (let j = end - fromLog; j < end; j++) oldest = Math.min(oldest, this.#sent[j] ?? oldest);
		const before = available > fromLog ? this.#sent[end - fromLog - 1] : undefined;
		return [oldest, before === undefined ? undefined : Math.min(oldest, before)];
	}

	#push(sentAt: number, answeredAt: number, limit: number): void {
		const last = this.#answered[this.#answered.length - 1];
		this.#sent.push(sentAt);
		// Keep the answers ascending even if the clock steps back a little.
		this.#answered.push(last !== undefined && last > answeredAt ? last : answeredAt);
		// The bounds look back at most limit + 1 answers, plus those that overtook one another.
		const keep = Math.min(limit, MAX_LOOKBACK) + 256;
		if (this.#answered.length - this.#head > keep) this.#head = this.#answered.length - keep;
		if (this.#head > 1024 && this.#head * 2 > this.#answered.length) {
			this.#sent = this.#sent.slice(this.#head);
			this.#answered = this.#answered.slice(this.#head);
			this.#head = 0;
		}
	}
}

function bound(until: number, since: number | undefined): number | undefined {
	return since === undefined ? undefined : until - since;
}

function minOf(...values: (number | undefined)[]): number | undefined {
	let min: number | undefined;
	for (const value of values) if (value !== undefined && (min === undefined || value < min)) min = value;
	return min;
}
