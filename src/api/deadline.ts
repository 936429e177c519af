/**
 * One request's deadline, joined with the caller's signal. Written out rather than with
 * `AbortSignal.any`: a run's stop signal lives for the whole run, and every request would leave
 * a dependent signal registered on it; here the listener and the timer go when the request ends.
 */

import { EventEmitter } from "node:events";

/**
 * What undici is given to abort a request by: an EventEmitter with `aborted` and `reason`, which
 * undici takes as well as an `AbortSignal` (its `signal` option) and which costs a fraction of an
 * `AbortController` — one is made for every request.
 */
export class DeadlineSignal extends EventEmitter {
	aborted = false;
	reason: unknown = undefined;

	abort(reason: unknown): void {
		if (this.aborted) return;
		this.aborted = true;
		this.reason = reason;
		this.emit("abort");
	}
}

export interface Deadline {
	/** Aborts when the caller's signal does or when the time is up. */
	readonly signal: DeadlineSignal;
	/** The time ran out (not the caller's abort). */
	readonly isExpired: boolean;
	/** The request is over: drop the timer and the listener. */
	end(): void;
}

export function startDeadline(ms: number, outer: AbortSignal | undefined): Deadline {
	const signal = new DeadlineSignal();
	let isExpired = false;
	const onOuter = () => signal.abort(outer?.reason);
	const timer = setTimeout(() => {
		isExpired = true;
		signal.abort(new DOMException("The request's deadline passed.", "TimeoutError"));
	}, ms);
	// A long deadline must not keep a finished process alive.
	timer.unref?.();
	if (outer?.aborted) onOuter();
	else outer?.addEventListener("abort", onOuter, { once: true });
	return {
		signal,
		get isExpired() {
			return isExpired;
		},
		end() {
			clearTimeout(timer);
			outer?.removeEventListener("abort", onOuter);
		},
	};
}
