/**
 * Group commit: the in-doubt marks of the requests that leave in one turn of the event loop go
 * out in one write, and each of those requests waits on that write's promise.
 */

import type { CheckpointError } from "./checkpoint-error.js";

/** A promise with its settlers: what the requests of one turn wait on. */
export interface GroupWrite {
	readonly written: Promise<true>;
	readonly resolve: () => void;
	readonly reject: (error: CheckpointError) => void;
}

export function groupWrite(): GroupWrite {
	let resolve = () => {};
	let reject: (error: CheckpointError) => void = () => {};
	const written = new Promise<true>((ok, fail) => {
		resolve = () => ok(true);
		reject = fail;
	});
	// Nobody may be waiting when the write fails: the error is thrown by the next set() too.
	written.catch(() => {});
	return { written, resolve, reject };
}
