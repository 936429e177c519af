/**
 * Whether a run walks the workspace's customer list while its state opens, rather than when the
 * first record asks. A first sync walks it before its first create (each row is matched against
 * what Pivotal holds); walked beside the state's opening, the list page is answered by the time
 * the first record is planned. Only where the run is sure to walk it: a wrong guess would send a
 * request the run did not need, and a key's window pays for every request.
 */

export interface EarlyWalkFacts {
	/** `--fresh`: the state starts empty, so this is a first sync. */
	readonly isFresh: boolean;
	/**
	 * Whether the state's file is there already (undefined: the state is not a plain file the run
	 * can look at, a database or a caller's file system, so it cannot tell).
	 */
	readonly stateExists: boolean | undefined;
	/** Customer rows the files hold (validation's count). */
	readonly customerRows: number;
}

/**
 * A first sync with customers to match: a new state and at least one customer row. Not under
 * `--fresh` on a state that is there: another run may hold it, and this one, refused, would have
 * sent its list pages for nothing (and waited for them before it said so).
 */
export function walksEarly(facts: EarlyWalkFacts): boolean {
	if (facts.customerRows === 0) return false;
	return facts.stateExists === false;
}
