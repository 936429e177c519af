/**
 * One request and its whole answer as text, through undici's `dispatch` with a handler of our
 * own rather than `request()`: no response stream, no async resource, no abort signal object per
 * request — a record's request costs a few KB of garbage less and its answer is read as it lands.
 * The deadline covers the whole exchange, body included, so a trickled body cannot hold it; the
 * caller's signal aborts it too. A body past its cap is cut there (the connection is dropped).
 */

import type { Dispatcher } from "undici";
import type { RawHeaders } from "./rate-limit.js";
import type { BodyText } from "./read-body.js";
import { parseHeaders } from "./undici-parts.js";

export interface ExchangeOptions {
	readonly dispatch: Dispatcher.DispatchOptions;
	/** Whole exchange, in ms. */
	readonly deadlineMs: number;
	readonly signal?: AbortSignal | undefined;
	/** Most bytes of the body kept, by status: a success's cap and an error's. */
	readonly maxBytes: (status: number) => number;
}

export interface Exchange {
	readonly status: number;
	readonly headers: RawHeaders;
	readonly body: BodyText;
	/** When the answer's headers arrived, as `now` reads time. */
	readonly answeredAt: number;
}

// The reasons this module's deadlines gave: a caller's own signal may abort with a TimeoutError too.
const deadlineReasons = new WeakSet<object>();

function deadlineReason(): DOMException {
	const reason = new DOMException("The request's deadline passed.", "TimeoutError");
	deadlineReasons.add(reason);
	return reason;
}

/** The exchange ended because its deadline passed (not the caller's abort, not undici's own timeouts). */
export function isDeadlinePassed(error: unknown): boolean {
	return typeof error === "object" && error !== null && deadlineReasons.has(error);
}

/**
 * Sends `options.dispatch` on `dispatcher`. Rejects with undici's error, the caller's
 * `signal.reason`, or the deadline's `TimeoutError` (`isDeadlinePassed`).
 */
export function exchange(
	dispatcher: Dispatcher,
	options: ExchangeOptions,
	now: () => number,
): Promise<Exchange> {
	return new Promise((resolve, reject) => {
		const handler = new TextHandler(options, now, resolve, reject);
		try {
			dispatcher.dispatch(options.dispatch, handler);
		} catch (error) {
			handler.onError(error as Error);
		}
	});
}

/** undici's handler protocol (the callbacks `request()` implements too), collecting the body. */
class TextHandler implements Dispatcher.DispatchHandler {
	readonly #options: ExchangeOptions;
	readonly #now: () => number;
	readonly #resolve: (answer: Exchange) => void;
	readonly #reject: (error: unknown) => void;
	readonly #timer: NodeJS.Timeout;
	#abort: ((reason: Error) => void) | undefined;
	// Set when the deadline or the caller ended it before undici gave us its abort.
	#reason: unknown;
	#isSettled = false;
	#status = 0;
	#headers: RawHeaders = {};
	#answeredAt = 0;
	#max = 0;
	#chunks: Buffer[] = [];
	#size = 0;

	constructor(
		options: ExchangeOptions,
		now: () => number,
		resolve: (answer: Exchange) => void,
		reject: (error: unknown) => void,
	) {
		this.#options = options;
		this.#now = now;
		this.#resolve = resolve;
		this.#reject = reject;
		this.#timer = setTimeout(() => this.#stop(deadlineReason()), options.deadlineMs);
		// A long deadline must not keep a finished process alive.
		this.#timer.unref?.();
		const signal = options.signal;
		if (signal?.aborted) this.#reason = signal.reason;
		else if (signal) {
			// Made only for a request that has a signal: most of a run's have none.
			this.#onOuterAbort = () => this.#stop(signal.reason);
			signal.addEventListener("abort", this.#onOuterAbort, { once: true });
		}
	}

	#onOuterAbort: (() => void) | undefined;

	#stop(reason: unknown): void {
		if (this.#isSettled) return;
		this.#reason = reason;
		// undici calls onError with this reason; before it connects, onConnect aborts.
		if (this.#abort) this.#abort(reason as Error);
	}

	onConnect(abort: (reason?: Error) => void): void {
		if (this.#reason !== undefined) abort(this.#reason as Error);
		else this.#abort = abort;
	}

	onHeaders(status: number, rawHeaders: Buffer[]): boolean {
		// 1xx answers are informational: the real one follows.
		if (status < 200) return true;
		this.#status = status;
		this.#headers = parseHeaders(rawHeaders) as RawHeaders;
		this.#answeredAt = this.#now();
		this.#max = this.#options.maxBytes(status);
		return true;
	}

	onData(chunk: Buffer): boolean {
		if (this.#size + chunk.length > this.#max) {
			this.#chunks.push(chunk.subarray(0, this.#max - this.#size));
			this.#size = this.#max;
			this.#settle(true);
			this.#abort?.(new Error("The answer went past its cap."));
			return false;
		}
		this.#chunks.push(chunk);
		this.#size += chunk.length;
		return true;
	}

	onComplete(): void {
		this.#settle(false);
	}

	onError(error: Error): void {
		if (this.#isSettled) return;
		this.#isSettled = true;
		this.#end();
		this.#reject(this.#reason ?? error);
	}

	#settle(isCut: boolean): void {
		if (this.#isSettled) return;
		this.#isSettled = true;
		this.#end();
		this.#resolve({
			status: this.#status,
			headers: this.#headers,
			body: { text: decoded(this.#chunks, this.#size), isCut },
			answeredAt: this.#answeredAt,
		});
	}

	#end(): void {
		clearTimeout(this.#timer);
		if (this.#onOuterAbort) this.#options.signal?.removeEventListener("abort", this.#onOuterAbort);
	}
}

/** The body's UTF-8 text, a leading byte-order mark skipped (as undici's `body.text()` does). */
function decoded(chunks: readonly Buffer[], size: number): string {
	if (size === 0) return "";
	const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
	const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
	return buffer.toString("utf8", start);
}
