/**
 * One key's trailing window log: request timestamps in ascending order. A plain array with a
 * moving head behaves as a deque; the dead prefix is compacted only when it dominates, so
 * push/evict are O(1) amortised however many requests go through.
 */
export class WindowLog {
	#items: number[] = [];
	#head = 0;

	constructor(initial: readonly number[] = []) {
		this.#items = [...initial];
	}

	/** Drops requests that left the window: a request at t counts while now < t + windowMs. */
	evict(now: number, windowMs: number): void {
		const items = this.#items;
		while (this.#head < items.length && (items[this.#head] as number) + windowMs <= now) this.#head += 1;
		if (this.#head > 1024 && this.#head * 2 > items.length) {
			this.#items = items.slice(this.#head);
			this.#head = 0;
		}
	}

	push(t: number): void {
		this.#items.push(t);
	}

	get size(): number {
		return this.#items.length - this.#head;
	}

	/** Oldest in-window timestamp, if any. */
	get oldest(): number | undefined {
		return this.#items[this.#head];
	}

	toArray(): number[] {
		return this.#items.slice(this.#head);
	}
}

export interface RateDecision {
	readonly allowed: boolean;
	readonly limit: number;
	readonly remaining: number;
	/** `X-RateLimit-Reset`: absolute Unix seconds, ceil of when the oldest in-window request expires. */
	readonly resetSec: number;
	/** `Retry-After` seconds; set on refusals only. */
	readonly retryAfterSec: number | undefined;
}

/** Per-key sliding-window log limiter (§3, §12.1–5). Buckets are keyed by the API key itself, so live and test keys never share. */
export class RateLimiter {
	readonly #logs = new Map<string, WindowLog>();
	windowMs: number;
	countRejected: boolean;

	constructor(windowMs: number, countRejected: boolean) {
		this.windowMs = windowMs;
		this.countRejected = countRejected;
	}

	take(bucket: string, limit: number, now: number): RateDecision {
		let log = this.#logs.get(bucket);
		if (log === undefined) {
			log = new WindowLog();
			this.#logs.set(bucket, log);
		}
		log.evict(now, this.windowMs);
		const allowed = log.size < limit;
		if (allowed || this.countRejected) log.push(now);
		const oldest = log.oldest ?? now;
		const expiresAt = oldest + this.windowMs;
		const resetSec = Math.ceil(expiresAt / 1000);
		const remaining = Math.max(0, limit - log.size);
		// Measured from the rounded Reset so that waiting Retry-After seconds always frees the slot.
		const retryAfterSec = allowed ? undefined : Math.max(1, Math.ceil((resetSec * 1000 - now) / 1000));
		return { allowed, limit, remaining, resetSec, retryAfterSec };
	}

	export(): Array<[string, number[]]> {
		return [...this.#logs].map(([bucket, log]) => [bucket, log.toArray()]);
	}

	import(entries: ReadonlyArray<readonly [string, readonly number[]]>): void {
		this.#logs.clear();
		for (const [bucket, times] of entries) this.#logs.set(bucket, new WindowLog(times));
	}

	clear(): void {
		this.#logs.clear();
	}
}
