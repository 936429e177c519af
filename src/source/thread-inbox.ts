/**
 * A worker thread's messages, taken one at a time in the order they came: the CSV reader's
 * thread (source/csv-thread.ts) and the state load's (core/checkpoint/load-thread.ts) both post
 * batches the caller takes as it is ready for them.
 */

import type { Worker } from "node:worker_threads";

export interface InboxOptions {
	/** Called before the caller waits for a message, and after (the reader keeps the process alive only while it waits). */
	readonly onWait?: (() => void) | undefined;
	readonly onWoken?: (() => void) | undefined;
}

/**
 * `next()` resolves the thread's next message; `undefined` once the thread exited and every
 * message was taken; it rejects with the thread's error when it failed.
 */
export function threadInbox<T>(worker: Worker, options: InboxOptions = {}): () => Promise<T | undefined> {
	const queue: T[] = [];
	let fault: unknown;
	let hasExited = false;
	let wake: (() => void) | undefined;
	const signal = (): void => {
		const woken = wake;
		wake = undefined;
		woken?.();
	};
	worker.on("message", (message: T) => {
		queue.push(message);
		signal();
	});
	worker.on("error", (error) => {
		fault ??= error;
		signal();
	});
	worker.on("exit", () => {
		hasExited = true;
		signal();
	});
	return async () => {
		for (;;) {
			if (queue.length > 0) return queue.shift();
			if (fault !== undefined) throw fault;
			if (hasExited) return undefined;
			options.onWait?.();
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
			options.onWoken?.();
		}
	};
}
