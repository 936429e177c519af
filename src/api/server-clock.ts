/**
 * How far this machine's clock is ahead of the server's (θ = local − server), as an interval
 * proven by the `Date` headers: each answer was written at some instant g of the server's
 * clock inside the second its `Date` names, and that instant, on our clock, lay between the
 * request's send and the answer's arrival. So for every answer
 *
 *   sentAt − (date + 1 s) < θ ≤ answeredAt − date
 *
 * and the interval is the intersection over recent answers. One second of answers leaves it
 * about a second wide; an answer written just after the server's second ticked narrows the
 * top, one written just before narrows the bottom, to a round trip.
 *
 * Recent: the answers of the last 30 to 60 s (two buckets of 30 s), so that a clock that drifts
 * or steps (NTP, sleep) is followed within a minute; when the newest answer contradicts the
 * interval, the interval starts again from it.
 */
export class ServerClock {
	static readonly BUCKET_MS = 30_000;
	// [older, newer]: each the tightest bounds of the answers that arrived in its 30 s.
	#buckets: { readonly startAt: number; top: number; bottom: number }[] = [];
	#version = 0;

	/** One answer: our clock at its send and its arrival, and its `Date` in ms (a whole second). */
	observe(sentAt: number, answeredAt: number, dateMs: number): void {
		const bottom = sentAt - dateMs - 1000;
		const top = answeredAt - dateMs;
		this.#version += 1;
		const wasTop = this.aheadAtMostMs;
		const wasBottom = this.#rawBottom();
		if (wasTop !== undefined && wasBottom !== undefined && (bottom >= wasTop || top <= wasBottom)) {
			// The clock stepped: what was proven before no longer holds.
			this.#buckets = [{ startAt: answeredAt, top, bottom }];
			return;
		}
		const newest = this.#buckets[this.#buckets.length - 1];
		if (newest && answeredAt - newest.startAt < ServerClock.BUCKET_MS && answeredAt >= newest.startAt) {
			newest.top = Math.min(newest.top, top);
			newest.bottom = Math.max(newest.bottom, bottom);
			return;
		}
		this.#buckets = [...this.#buckets.slice(-1), { startAt: answeredAt, top, bottom }];
	}

	/** θ is at most this (ms): undefined before any `Date`. */
	get aheadAtMostMs(): number | undefined {
		let top: number | undefined;
		for (const bucket of this.#buckets) if (top === undefined || bucket.top < top) top = bucket.top;
		return top;
	}

	/** θ is more than this (ms); undefined before any `Date`. */
	get aheadMoreThanMs(): number | undefined {
		const bottom = this.#rawBottom();
		const top = this.aheadAtMostMs;
		return bottom !== undefined && top !== undefined && bottom < top ? bottom : undefined;
	}

	/** Bumped by every answer, so that readers can tell the interval may have moved. */
	get version(): number {
		return this.#version;
	}

	#rawBottom(): number | undefined {
		let bottom: number | undefined;
		for (const bucket of this.#buckets)
			if (bottom === undefined || bucket.bottom > bottom) bottom = bucket.bottom;
		return bottom;
	}
}
