/**
 * The line for a request made for no one record (`GET /me`, a list page, a look-up) that is asked
 * again: without it a server that fails the opening leaves the terminal silent for minutes.
 */

import type { ImportEvent } from "./events.js";

type Retrying = Extract<ImportEvent, { type: "retrying" }>;

export function retryingMessage(e: Retrying): string {
	const seconds = Math.max(0, Math.round((e.untilMs - e.at) / 100) / 10);
	// A 429 is not a failure: it does not count towards the attempts a request gets.
	const count = e.reason === "backoff" ? ` (attempt ${e.attempt + 1} of ${e.maxAttempts})` : "";
	return `${e.what}: ${e.cause}; asking again in ${seconds} s${count}`;
}
