/** The rate-limit facts of one response; a leaf module, so errors and types need not import each other. */

export interface RateLimit {
	/** `X-RateLimit-Limit`: requests allowed in the window. */
	readonly limit: number;
	/** `X-RateLimit-Remaining`. */
	readonly remaining: number;
	/** `X-RateLimit-Reset` converted to this machine's clock (ms since epoch), corrected for skew with the `Date` header. */
	readonly resetAtMs: number;
	/**
	 * `X-RateLimit-Reset` as sent: whole seconds on the server's clock. With the server's
	 * `Date` headers it tells the window to the second (see `WindowLearner`). Absent where a
	 * reset time was made up rather than read (tests, screens).
	 */
	readonly resetSec?: number | undefined;
	/** The reset was further ahead than the longest wait obeyed: how far (ms) the server put it. */
	readonly clampedFromMs?: number;
}
