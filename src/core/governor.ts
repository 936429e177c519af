import type { RateLimit } from "../api/types.js";
import type { WindowSource } from "./events.js";
import type { PoolWindow } from "./pool-window.js";
import { ProbePlan } from "./probe-plan.js";
import { timerDelay } from "./sleep.js";
import type { ClockBounds, ClockPin } from "./whole-second-window.js";
import { WindowLearner } from "./window-learner.js";

export interface GovernorOptions {
	/** Requests allowed per window; learnt from `X-RateLimit-Limit` when not given. */
	readonly limit?: number | undefined;
	/**
	 * The server's window, when the user knows better than the headers: used as is. Without it
	 * the window is learnt from the headers (see `WindowLearner`), 60 s until the first answer.
	 * @default learnt
	 */
	readonly windowMs?: number | undefined;
	/** @default Date.now */
	readonly now?: () => number;
	/**
	 * The server's clock as its `Date` headers pin it (the client's `serverClock`): lets the
	 * window be learnt to the millisecond within the first window. @default each answer's own
	 */
	readonly clock?: ClockBounds | undefined;
	/**
	 * The other keys of the run: each paces to the tightest bound any of them learnt, until a 429
	 * on one of them (see `PoolWindow`). @default this key's own bound only
	 */
	readonly pool?: PoolWindow | undefined;
}

/** A permit to send one request; hand it back with `release`. */
export interface Permit {
	readonly id: number;
	/** When it was handed out: the request leaves no earlier. */
	readonly sentAt: number;
	/** Other permits were out when it was handed out. */
	readonly hadCompany: boolean;
}

export interface ReleaseOutcome {
	/** A 429: it took no slot on the server. */
	readonly rateLimited: boolean;
	readonly rateLimit?: RateLimit | undefined;
	/** A 2xx, which the server surely counted: only these teach the window's length. @default false */
	readonly isCounted?: boolean | undefined;
}

/** The window assumed before any answer has spoken of it (Pivotal's). */
const FIRST_GUESS_MS = 60_000;

/**
 * Paces dispatch to a sliding-window rate limit without tripping it.
 *
 * It keeps its own log of the window: each request holds a slot from the moment it is sent
 * until one window after its answer arrived. The server counted it on arrival, which was
 * before we saw the answer, and our window is never shorter than the server's (it is the
 * user's word or an upper bound proven from the headers: by the headers and our clocks alone, or
 * with the window taken to be whole seconds, below), so our expiry is never earlier than the server's:
 * pacing on this log alone cannot cause a 429. The first window may be spent at once, as the
 * server allows. Every response's `X-RateLimit-*` headers correct the log for requests we did
 * not make (another process on the same key, or the previous run of a resumed import).
 *
 * Where the server sends Reset's second as is, the window is taken to be whole seconds (see
 * `WholeSecondWindow`): the first burst's answers then bound it to within a second, and an
 * answer of the server's clock at the right instant (`clockPinAt`, `GET /health`, which costs no
 * slot) to the window itself, before its first slot frees. No slot is held back for that. A 429
 * drops the premise, and the bound goes back to the continuous one.
 *
 * Otherwise, while a short window is still known only to the second, a few slots of the first
 * window go out one by one across the time its first slot may free (probes): the first answer that finds
 * a slot freed tells the window to the spacing of the probes, instead of a second too late.
 * When the first answers share the window with others' requests (a run started just after the
 * wizard checked the key, or inside a window a previous run spent), no bound can be proven
 * yet, and the probes go at growing distances from our oldest answer until one finds it gone.
 */
export class Governor {
	#limit: number | undefined;
	readonly #override: number | undefined;
	readonly #learner: WindowLearner;
	readonly #pool: PoolWindow | undefined;
	readonly #now: () => number;
	// The last counted answer's round trip: how early to start asking the server's clock.
	#roundTripMs = 0;

	// Answer times of our requests, ascending (answers arrive in time order); those before
	// #answeredHead have left the window. Each holds its slot until answer + windowMs.
	#answered: number[] = [];
	#answeredHead = 0;
	// Invariant: #inFlight = permits handed out and not yet released.
	#inFlight = 0;
	#nextId = 1;
	// Slots used by others as of the last response, by when each frees, ascending. The server
	// tells only when the oldest frees (Reset); the others are assumed to free evenly from then
	// until a window from now, as they would after a run that kept the window full.
	#foreign: number[] = [];
	#blockedUntil = 0;
	readonly #probes: ProbePlan;
	#waiters: Waiter[] = [];
	#timer: NodeJS.Timeout | undefined;
	#timerAt = 0;

	constructor(options: GovernorOptions = {}) {
		this.#limit = options.limit;
		this.#override = options.windowMs;
		this.#now = options.now ?? Date.now;
		this.#learner = new WindowLearner(options.clock);
		this.#probes = new ProbePlan(this.#learner);
		this.#pool = this.#override === undefined ? options.pool : undefined;
		this.#pool?.join(this);
	}

	get limit(): number | undefined {
		return this.#limit;
	}

	/** The window paced to: the override, else the learnt upper bound (the pool's), else the first guess. */
	get windowMs(): number {
		return this.#override ?? this.#learntMs() ?? this.#probes.assumedWindowMs(FIRST_GUESS_MS);
	}

	/** Where `windowMs` comes from. */
	get windowSource(): WindowSource {
		if (this.#override !== undefined) return "given";
		return this.#learntMs() === undefined ? "assumed" : "learnt";
	}

	/** The bound this key's own answers proved (what it offers the pool), undefined before any or when given. */
	get ownWindowMs(): number | undefined {
		return this.#override === undefined ? this.#learner.upperMs : undefined;
	}

	get blockedUntil(): number {
		return this.#blockedUntil;
	}

	/** Slots used now, by our view of the window. */
	used(now = this.#now()): number {
		this.#expire(now);
		return this.#inFlight + (this.#answered.length - this.#answeredHead) + this.#foreign.length;
	}

	/** When the next slot opens: undefined if one is free now, infinite while only an answer can free one. */
	nextOpeningAt(now = this.#now()): number | undefined {
		return this.#nextOpening(now);
	}

	/** A slot now if one is free, else undefined (then `acquire` waits for one). */
	tryAcquire(): Permit | undefined {
		const now = this.#now();
		return this.#nextOpening(now) === undefined ? this.#grant(now) : undefined;
	}

	/**
	 * Wait for a slot in the window (and for any 429 hold to end). Resolves undefined if aborted.
	 * `onWait` hears when the slot is expected each time that changes (infinite: at an answer).
	 */
	async acquire(signal?: AbortSignal, onWait?: (untilMs: number) => void): Promise<Permit | undefined> {
		let told: number | undefined;
		// One waiter and one abort listener for the whole wait, however often it is woken.
		let waiter: Waiter | undefined;
		let stop: (() => void) | undefined;
		try {
			for (;;) {
				if (signal?.aborted) {
					// Woken by an answer just before the stop, this waiter leaves without waiting again: a
					// timer armed for waiters that are all gone must not keep the process alive for a
					// window after the run ended (finding L3: a storm-stopped run lingered 60 s).
					this.#disarmIfIdle();
					return undefined;
				}
				const now = this.#now();
				const wakeAt = this.#nextOpening(now);
				if (wakeAt === undefined) return this.#grant(now);
				if (onWait && wakeAt !== told) {
					told = wakeAt;
					onWait(wakeAt);
				}
				if (waiter === undefined) {
					const own: Waiter = { untilMs: wakeAt, resolve: undefined };
					waiter = own;
					if (signal) {
						// Woken by the stop: no longer waiting, and a timer armed for waiters that are all
						// gone (a 429 hold of an hour) must not keep the process alive after the run ends.
						stop = () => {
							this.#waiters = this.#waiters.filter((w) => w !== own);
							this.#disarmIfIdle();
							wake(own);
						};
						signal.addEventListener("abort", stop, { once: true });
					}
				}
				await this.#wait(waiter, wakeAt);
			}
		} finally {
			if (stop) signal?.removeEventListener("abort", stop);
		}
	}

	/**
	 * Hand a permit back when its answer (or failure) arrived. A 429 did not take a slot on the
	 * server; a network failure may have, so it is kept like an answer.
	 */
	release(permit: Permit, outcome: ReleaseOutcome): void {
		const now = this.#now();
		this.#inFlight = Math.max(0, this.#inFlight - 1);
		const { rateLimit } = outcome;
		if (rateLimit && !outcome.rateLimited && this.#override === undefined) {
			if (outcome.isCounted) this.#roundTripMs = now - permit.sentAt;
			this.#learner.observe({
				sentAt: permit.sentAt,
				answeredAt: now,
				rateLimit,
				isSure: outcome.isCounted ?? false,
				isAlone: !permit.hadCompany && this.#nextId === permit.id + 1,
			});
		}
		if (!outcome.rateLimited) this.#pushAnswered(now);
		if (rateLimit) this.observe(rateLimit, now, permit.sentAt);
		this.#wakeMoved(now);
	}

	/**
	 * A request of this key made before the run, outside `acquire`, whose send and answer times
	 * are known (the pool's `GET /me`, verified before anything was planned): it is in the
	 * server's window, and the window is learnt from it as from an answer of the run's own. A
	 * pool's key that went without it burst into a window it did not know held that request:
	 * none of its first answers could bound the window, and a third of its first window was held
	 * back for probes (adversarial finding AA4).
	 */
	recordAnswered(sentAt: number, answeredAt: number, rateLimit: RateLimit): void {
		if (this.#override === undefined)
			this.#learner.observe({ sentAt, answeredAt, rateLimit, isSure: true, isAlone: true });
		this.#pushAnswered(answeredAt);
		this.observe(rateLimit, answeredAt, sentAt);
	}

	/** Count a request made outside `acquire` (e.g. a lookup page) that has been answered. */
	record(rateLimit: RateLimit | undefined, rateLimited = false): void {
		const now = this.#now();
		if (!rateLimited) this.#pushAnswered(now);
		if (rateLimit) this.observe(rateLimit, now);
	}

	/**
	 * Reconcile with the server's view from one response's headers. `sentAt`: when the request
	 * they answer left, the earliest the server could have counted it (@default now).
	 */
	observe(rateLimit: RateLimit, now = this.#now(), sentAt = now): void {
		if (this.#limit !== rateLimit.limit) this.#probes.plan(rateLimit.limit);
		this.#limit = rateLimit.limit;
		this.#expire(now);
		const serverUsed = rateLimit.limit - rateLimit.remaining;
		// Only our answered requests are surely in the server's count. One of ours still in flight
		// that the server has already counted shows up as "foreign" here too: an over-estimate,
		// corrected by its own answer. Counting in-flight requests as ours instead would
		// under-estimate others' use whenever ours had not arrived yet, and overspend the window.
		// The headers tell the window as it was when the server counted the request, as early as its
		// send: ours that left our window since (an answer read late on a busy machine) were still
		// in the server's count, and counted as others' they would hold a slot until Reset's second.
		const ours = this.#answered.length - this.#answeredHead + this.#leftSince(sentAt);
		const foreign = Math.max(0, serverUsed - ours);
		const first = Math.max(rateLimit.resetAtMs, now + 1);
		const last = Math.max(first, now + this.windowMs);
		this.#foreign = Array.from({ length: foreign }, (_, i) =>
			foreign === 1 ? first : first + ((last - first) * i) / (foreign - 1),
		);
	}

	/** A 429: hold all dispatch until `untilMs`. */
	block(untilMs: number): void {
		if (untilMs > this.#blockedUntil) this.#blockedUntil = untilMs;
		// Paced on a whole-second bound and refused anyway: the window may not be whole seconds,
		// nor the same for every key of the pool.
		this.#learner.distrustWholeSeconds();
		this.#pool?.distrust();
		this.#wakeAll();
	}

	/**
	 * When to ask the server's clock (`GET /health`) so that the learnt window can come down to
	 * the second before its first slot frees: only while the window is full, so that a run that
	 * fits in one window asks nothing. Undefined when there is nothing to gain.
	 */
	clockPinAt(now = this.#now()): ClockPin | undefined {
		if (this.#override !== undefined || this.#limit === undefined || this.used(now) < this.#limit)
			return undefined;
		// Another key of the pool proved a shorter window already: nothing this key's asks could add.
		const own = this.#learner.upperMs;
		const shared = this.#pool?.sharedMs;
		if (own !== undefined && shared !== undefined && shared < own) return undefined;
		// Early enough for a late timer on a busy machine and a slow answer.
		return this.#learner.clockPinAt(now, 2 * this.#roundTripMs + 50);
	}

	/** The server's clock was asked: the window may have come down, so waiters look again. */
	clockChanged(): void {
		this.#wakeAll();
	}

	/** This key's bound, or a shorter one another key of the pool proved. */
	#learntMs(): number | undefined {
		return this.#pool?.sharedMs ?? this.#learner.upperMs;
	}

	#grant(now: number): Permit {
		const held = this.#held();
		if (held > 0 && (this.#limit ?? 0) - this.used(now) <= held) this.#probes.sent(now);
		const hadCompany = this.#inFlight > 0;
		this.#inFlight += 1;
		return { id: this.#nextId++, sentAt: now, hadCompany };
	}

	/** When the next slot opens, or undefined when one is free now. */
	#nextOpening(now: number): number | undefined {
		if (now < this.#blockedUntil) return this.#blockedUntil;
		const limit = this.#limit;
		if (limit === undefined) return this.#inFlight === 0 ? undefined : Number.POSITIVE_INFINITY;
		const free = limit - this.used(now);
		const held = this.#held();
		if (free > held) return undefined;
		const expiry = this.#earliestExpiry();
		if (free <= 0) return expiry;
		const probeAt = this.#probes.nextAt(this.#answered[this.#answeredHead]);
		return probeAt <= now ? undefined : Math.min(probeAt, expiry);
	}

	/** Nothing will expire on its own: wait for an in-flight answer (infinite). */
	#earliestExpiry(): number {
		const ours = this.#answered[this.#answeredHead];
		return Math.min(
			ours === undefined ? Number.POSITIVE_INFINITY : ours + this.windowMs,
			this.#foreign[0] ?? Number.POSITIVE_INFINITY,
		);
	}

	/**
	 * Slots held back for probes: only while the window is learnt, not when it was given, and not
	 * once a whole-second bound stands (the server's clock tells the rest, at no slot's cost).
	 */
	#held(): number {
		if (this.#override !== undefined) return 0;
		if (this.#learner.isWholeSeconds && this.#learner.upperMs !== undefined) return 0;
		return this.#probes.held;
	}

	/** Our answers that have left the window since `at` (they were in it then). */
	#leftSince(at: number): number {
		const windowMs = this.windowMs;
		let count = 0;
		for (let i = this.#answeredHead - 1; i >= 0 && (this.#answered[i] ?? 0) + windowMs > at; i--) count += 1;
		return count;
	}

	#pushAnswered(at: number): void {
		// Keep ascending order even if the clock steps back a little.
		const last = this.#answered[this.#answered.length - 1];
		this.#answered.push(last !== undefined && last > at ? last : at);
	}

	#expire(now: number): void {
		const windowMs = this.windowMs;
		while (
			this.#answeredHead < this.#answered.length &&
			(this.#answered[this.#answeredHead] ?? 0) + windowMs <= now
		) {
			this.#answeredHead += 1;
		}
		if (this.#answeredHead > 1024 && this.#answeredHead * 2 > this.#answered.length) {
			this.#answered = this.#answered.slice(this.#answeredHead);
			this.#answeredHead = 0;
		}
		let freed = 0;
		while (freed < this.#foreign.length && (this.#foreign[freed] ?? 0) <= now) freed += 1;
		if (freed > 0) this.#foreign = this.#foreign.slice(freed);
	}

	#wait(waiter: Waiter, untilMs: number): Promise<void> {
		return new Promise((resolve) => {
			waiter.untilMs = untilMs;
			waiter.resolve = resolve;
			this.#waiters.push(waiter);
			if (Number.isFinite(untilMs)) this.#arm(untilMs);
		});
	}

	/** No one waits: the timer goes. */
	#disarmIfIdle(): void {
		if (this.#waiters.length > 0 || this.#timer === undefined) return;
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	#arm(at: number): void {
		if (this.#timer && this.#timerAt <= at) return;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timerAt = at;
		this.#timer = setTimeout(
			() => {
				this.#timer = undefined;
				this.#wakeAll();
			},
			timerDelay(at - this.#now()),
		);
	}

	#wakeAll(): void {
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const waiter of waiters) wake(waiter);
	}

	/**
	 * After an answer: wake the waiters that would see another next opening than the one they sleep
	 * on (a free slot wakes all). The rest would only look, find the same time and sleep again: in a
	 * window's first burst each answer woke every record queued behind it, a few thousand wakes
	 * per burst on the main thread while the burst's answers waited to be read.
	 */
	#wakeMoved(now: number): void {
		const next = this.#nextOpening(now);
		if (next === undefined) {
			this.#wakeAll();
			return;
		}
		const waiters = this.#waiters;
		if (waiters.every((w) => w.untilMs === next)) return;
		this.#waiters = waiters.filter((w) => w.untilMs === next);
		for (const waiter of waiters) if (waiter.untilMs !== next) wake(waiter);
	}
}

/** A record waiting in `acquire`: the opening it sleeps until, and how to wake it. */
interface Waiter {
	untilMs: number;
	resolve: (() => void) | undefined;
}

function wake(waiter: Waiter): void {
	const resolve = waiter.resolve;
	waiter.resolve = undefined;
	resolve?.();
}
