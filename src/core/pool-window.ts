/** One key's own learnt bound on the window (its learner's), undefined before any. */
export interface WindowMember {
	readonly ownWindowMs: number | undefined;
}

/**
 * What the keys of one pool learnt of the window, shared: each key paces to the tightest bound
 * any of them proved. The keys of a run are one workspace's keys on one server, and a rate
 * limiter has one window for all its keys (their limits may differ: Pivotal's 30, 60 and 600
 * requests are all per minute). A key whose first request went out in the middle of the
 * others' burst was counted long after it left, so a tick of the server's clock is likely to
 * fall between; its own bound then stays a second long for its whole first window (see
 * `WholeSecondWindow`), where the key whose opening `GET /me` went out alone knows the window to
 * the second: one late key holds back its share of every later window.
 *
 * Like the whole-second premise, this one is dropped at the first 429 on any of the keys: from
 * then on each key paces on its own bound only.
 */
export class PoolWindow {
	readonly #members: WindowMember[] = [];
	#isDistrusted = false;

	join(member: WindowMember): void {
		this.#members.push(member);
	}

	/** The tightest bound any key of the pool proved; undefined before any, or once a 429 came. */
	get sharedMs(): number | undefined {
		if (this.#isDistrusted) return undefined;
		let best: number | undefined;
		for (const member of this.#members) {
			const own = member.ownWindowMs;
			if (own !== undefined && (best === undefined || own < best)) best = own;
		}
		return best;
	}

	get isDistrusted(): boolean {
		return this.#isDistrusted;
	}

	/** A 429 on one of the keys: the keys may not share one window after all. */
	distrust(): void {
		this.#isDistrusted = true;
	}
}
