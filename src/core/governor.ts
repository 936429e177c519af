import type { RateLimit } from "../api/types.js";

export interface GovernorOptions {
	/** Requests allowed per window; learnt from `X-RateLimit-Limit` when not given. */
	readonly limit?: number | undefined;
	/** @default 60000 */
	readonly windowMs?: number;
	/** @default Date.now */
	readonly now?: () => number;
}

/** A permit to send one request; hand it back with `release`. */
export interface Permit {
	readonly id: number;
}

/**
 * Paces dispatch to a sliding-window rate limit without tripping it.
 *
 * It keeps its own log of the window: each request holds a slot from the moment it is sent
 * until `windowMs` after its answer arrived. The server counted it on arrival, which was
 * before we saw the answer, so our expiry is never earlier than the server's: pacing on
 * this log alone cannot cause a 429. The first window may be spent at once, as the server
 * allows. Every response's `X-RateLimit-*` headers correct the log for requests we did not
 * make (another process on the same key, or the previous run of a resumed import).
 */
export class Governor {
	#limit: number | undefined;
	readonly #windowMs: number;
	readonly #now: () => number;
	// Expiry times of answered requests still in the window, ascending (answers arrive in time order).
	#expiries: number[] = [];
	#expiryHead = 0;
	// Invariant: #inFlight = permits handed out and not yet released.
	#inFlight = 0;
	#nextId = 1;
	// Slots used by others as of the last response, by when each frees, ascending. The server
	// tells only when the oldest frees (Reset); the others are assumed to free evenly from then
	// until a window from now, as they would after a run that kept the window full.
	#foreign: number[] = [];
	#blockedUntil = 0;
	#waiters: (() => void)[] = [];
	#timer: NodeJS.Timeout | undefined;
	#timerAt = 0;

	constructor(options: GovernorOptions = {}) {
		this.#limit = options.limit;
		this.#windowMs = options.windowMs ?? 60_000;
		this.#now = options.now ?? Date.now;
	}

	get limit(): number | undefined {
		return this.#limit;
	}

	get windowMs(): number {
		return this.#windowMs;
	}

	get blockedUntil(): number {
		return this.#blockedUntil;
	}

	/** Slots used now, by our view of the window. */
	used(now = this.#now()): number {
		this.#expire(now);
		return this.#inFlight + (this.#expiries.length - this.#expiryHead) + this.#foreign.length;
	}

	/** A slot now if one is free, else undefined (then `acquire` waits for one). */
	tryAcquire(): Permit | undefined {
		if (this.#nextOpening(this.#now()) !== undefined) return undefined;
		this.#inFlight += 1;
		return { id: this.#nextId++ };
	}

	/** Wait for a slot in the window (and for any 429 hold to end). Resolves undefined if aborted. */
	async acquire(signal?: AbortSignal): Promise<Permit | undefined> {
		for (;;) {
			if (signal?.aborted) return undefined;
			const now = this.#now();
			const wakeAt = this.#nextOpening(now);
			if (wakeAt === undefined) {
				this.#inFlight += 1;
				return { id: this.#nextId++ };
			}
			await this.#wait(wakeAt, signal);
		}
	}

	/**
	 * Hand a permit back when its answer (or failure) arrived. A 429 did not take a slot on the
	 * server; a network failure may have, so it is kept like an answer.
	 */
	release(
		_permit: Permit,
		outcome: { readonly rateLimited: boolean; readonly rateLimit?: RateLimit | undefined },
	): void {
		const now = this.#now();
		this.#inFlight = Math.max(0, this.#inFlight - 1);
		if (!outcome.rateLimited) this.#pushExpiry(now + this.#windowMs);
		if (outcome.rateLimit) this.observe(outcome.rateLimit, now);
		this.#wakeAll();
	}

	/** Count a request made outside `acquire` (e.g. a lookup page) that has been answered. */
	record(rateLimit: RateLimit | undefined, rateLimited = false): void {
		const now = this.#now();
		if (!rateLimited) this.#pushExpiry(now + this.#windowMs);
		if (rateLimit) this.observe(rateLimit, now);
	}

	/** Reconcile with the server's view from one response's headers. */
	observe(rateLimit: RateLimit, now = this.#now()): void {
		this.#limit = rateLimit.limit;
		this.#expire(now);
		const serverUsed = rateLimit.limit - rateLimit.remaining;
		// Only our answered requests are surely in the server's count. One of ours still in flight
		// that the server has already counted shows up as "foreign" here too: an over-estimate,
		// corrected by its own answer. Counting in-flight requests as ours instead would
		// under-estimate others' use whenever ours had not arrived yet, and overspend the window.
		const ours = this.#expiries.length - this.#expiryHead;
		const foreign = Math.max(0, serverUsed - ours);
		const first = Math.max(rateLimit.resetAtMs, now + 1);
		const last = Math.max(first, now + this.#windowMs);
		this.#foreign = Array.from({ length: foreign }, (_, i) =>
			foreign === 1 ? first : first + ((last - first) * i) / (foreign - 1),
		);
	}

	/** A 429: hold all dispatch until `untilMs`. */
	block(untilMs: number): void {
		if (untilMs > this.#blockedUntil) this.#blockedUntil = untilMs;
		this.#wakeAll();
	}

	/** When the next slot opens, or undefined when one is free now. */
	#nextOpening(now: number): number | undefined {
		if (now < this.#blockedUntil) return this.#blockedUntil;
		const limit = this.#limit;
		if (limit === undefined) return this.#inFlight === 0 ? undefined : Number.POSITIVE_INFINITY;
		if (this.used(now) < limit) return undefined;
		const candidates = [this.#expiries[this.#expiryHead], this.#foreign[0]].filter(
			(t): t is number => t !== undefined,
		);
		// Nothing will expire on its own: wait for an in-flight answer.
		return candidates.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...candidates);
	}

	#pushExpiry(at: number): void {
		// Keep ascending order even if the clock steps back a little.
		const last = this.#expiries[this.#expiries.length - 1];
		this.#expiries.push(last !== undefined && last > at ? last : at);
	}

	#expire(now: number): void {
		while (this.#expiryHead < this.#expiries.length && (this.#expiries[this.#expiryHead] ?? 0) <= now) {
			this.#expiryHead += 1;
		}
		if (this.#expiryHead > 1024 && this.#expiryHead * 2 > this.#expiries.length) {
			this.#expiries = this.#expiries.slice(this.#expiryHead);
			this.#expiryHead = 0;
		}
		let freed = 0;
		while (freed < this.#foreign.length && (this.#foreign[freed] ?? 0) <= now) freed += 1;
		if (freed > 0) this.#foreign = this.#foreign.slice(freed);
	}

	#wait(untilMs: number, signal?: AbortSignal): Promise<void> {
		return new Promise((resolve) => {
			const wake = () => {
				signal?.removeEventListener("abort", wake);
				resolve();
			};
			signal?.addEventListener("abort", wake, { once: true });
			this.#waiters.push(wake);
			if (Number.isFinite(untilMs)) this.#arm(untilMs);
		});
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
			Math.max(0, at - this.#now()),
		);
	}

	#wakeAll(): void {
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const wake of waiters) wake();
	}
}
