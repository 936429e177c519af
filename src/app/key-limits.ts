/**
 * A key's requests per window before the server has said (pivotal-api.md: 60 a minute for a live
 * key, 30 for a `pivotal_test_` key on its own bucket). Estimates and the key step use these;
 * the governor paces on what the server answers.
 */

import { isTestKey } from "../api/key.js";

/** Requests per window of a live key when the server has not said. */
export const LIVE_KEY_LIMIT = 60;
/** Requests per window of a `pivotal_test_` key when the server has not said. */
export const TEST_KEY_LIMIT = 30;

export function defaultKeyLimit(secret: string): number {
	return isTestKey(secret) ? TEST_KEY_LIMIT : LIVE_KEY_LIMIT;
}

/** The pool's requests per window: the sum of its keys', or a live key's when none is set yet. */
export function defaultPoolLimit(secrets: readonly string[]): number {
	if (secrets.length === 0) return LIVE_KEY_LIMIT;
	return secrets.reduce((sum, secret) => sum + defaultKeyLimit(secret), 0);
}
