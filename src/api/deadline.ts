/**
 * One request's deadline, joined with the caller's signal. Written out rather than with
 * `AbortSignal.any`: a run's stop signal lives for the whole run, and every request would leave
 * a dependent signal registered on it; here the listener and the timer go when the request ends.
 */
export interface Deadline {
	/** Aborts when the caller's signal does or when the time is up. */
	readonly signal: AbortSignal;
	/** The time ran out (not the caller's abort). */
	readonly isExpired: boolean;
	/** The request is over: drop the timer and the listener. */
	end(): void;
}

export function startDeadline(ms: number, outer: AbortSignal | undefined): Deadline {
	const controller = new AbortController();
	let isExpired = false;
	const onOuter = () => controller.abort(outer?.reason);
	const timer = setTimeout(() => {
		isExpired = true;
		controller.abort(new DOMException("The request's deadline passed.", "TimeoutError"));
	}, ms);
	// A long deadline must not keep a finished process alive.
	timer.unref?.();
	if (outer?.aborted) onOuter();
	else outer?.addEventListener("abort", onOuter, { once: true });
	return {
		signal: controller.signal,
		get isExpired() {
			return isExpired;
		},
		end() {
			clearTimeout(timer);
			outer?.removeEventListener("abort", onOuter);
		},
	};
}
