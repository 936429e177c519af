/**
 * A brake on 5xx and timeout storms. Each answer that shows the server failing (a 5xx, or no
 * answer at all) halves the concurrency; each sound answer gives one slot back, up to where it
 * was (AIMD, as TCP does). A streak of failures with no sound answer between stops the run
 * (resumable): in an outage, retrying harder only adds to the load. The streak is counted in
 * answers, not time, so the requests an outage costs are bounded: at most the records in flight
 * when it began plus the streak (a 500-forever server gets a few dozen requests, not thousands).
 * A streak that begins with no answer at all is allowed the requests out beside it too: a burst
 * whose connections a server or gateway resets together (it takes fewer than the burst opens)
 * lowers the concurrency rather than stopping a run it could finish.
 */

export interface BrakeSettings {
	/**
	 * Failures in a row, across all requests, before the run stops: more than a burst of
	 * scattered 5xx answers ever adds up to (at 5 % of 500s, 16 in a row is a 1-in-10^20 event).
	 * @default 16
	 */
	readonly failures: number;
	/**
	 * 429 answers in a row, with nothing else between, before the run stops: a server that
	 * refuses everything would otherwise be asked again every `Retry-After` for ever.
	 * @default 30
	 */
	readonly rateLimited: number;
}

export const DEFAULT_BRAKE: BrakeSettings = { failures: 16, rateLimited: 30 };

export interface BrakeVerdict {
	/** The concurrency to set, when it changes. */
	readonly concurrency?: number;
	/** Set when the run must stop: the streak's length and what it was made of. */
	readonly tripped?: { readonly count: number; readonly kind: "failing" | "rate-limited" };
}

/**
 * An answer's status that says the server is failing: a 5xx, an unexpected redirect (never
 * followed), or none (0: timeout, reset, refused).
 */
export function isServerFailing(status: number): boolean {
	return status === 0 || (status >= 300 && status < 400) || status >= 500;
}

export class StormBrake {
	readonly #settings: BrakeSettings;
	// Invariant: #streak failures in a row; #ceiling is the concurrency before the
	// storm while it is being given back, else undefined.
	#streak = 0;
	// Failures the current streak may reach before the run stops: the setting, plus the requests
	// that were already out when it began (a burst sent at once fails at once, before any halving).
	#allowed = 0;
	#limited = 0;
	#limitedAllowed = 0;
	#ceiling: number | undefined;

	constructor(settings: BrakeSettings = DEFAULT_BRAKE) {
		this.#settings = settings;
	}

	get streak(): number {
		return this.#streak;
	}

	/**
	 * One answer (`status` 0 for none), with the concurrency now in force and the other requests
	 * still out (sent before this answer could lower the concurrency: when none of them gets an
	 * answer either, that is the burst's connections failing together, not new evidence).
	 */
	observe(status: number, current: number, othersOut = 0): BrakeVerdict {
		if (status === 429) {
			// A burst refused together (58 answers at once) is one refusal of the burst, not 58 new ones.
			if (this.#limited === 0) this.#limitedAllowed = this.#settings.rateLimited + Math.max(0, othersOut);
			this.#limited += 1;
			return this.#limited >= this.#limitedAllowed
				? { tripped: { count: this.#limited, kind: "rate-limited" } }
				: {};
		}
		this.#limited = 0;
		if (isServerFailing(status)) {
			// A burst's connections reset together (a gateway taking fewer than it opens) answer nothing:
			// those lengthen the streak; a 5xx is the server's own word, and counts as ever.
			if (this.#streak === 0)
				this.#allowed = this.#settings.failures + (status === 0 ? Math.max(0, othersOut) : 0);
			this.#streak += 1;
			this.#ceiling ??= current;
			const halved = Math.max(1, Math.floor(current / 2));
			const tripped =
				this.#streak >= this.#allowed ? { count: this.#streak, kind: "failing" as const } : undefined;
			return {
				...(halved === current ? {} : { concurrency: halved }),
				...(tripped === undefined ? {} : { tripped }),
			};
		}
		this.#streak = 0;
		if (this.#ceiling === undefined) return {};
		const next = current + 1;
		if (next >= this.#ceiling) {
			const ceiling = this.#ceiling;
			this.#ceiling = undefined;
			return ceiling === current ? {} : { concurrency: ceiling };
		}
		return { concurrency: next };
	}

	/** The concurrency the storm took away, if any: a latency follower must not raise it meanwhile. */
	get isBraking(): boolean {
		return this.#ceiling !== undefined;
	}
}
