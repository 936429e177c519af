/** What `createClient` takes: the API root, the key, timeouts, limits and hooks. */

import type { Dispatcher } from "undici";
import type { ResponseInfo } from "./types.js";

/** Pivotal's own API. */
export const DEFAULT_BASE_URL = "https://my.pivotal.app/api/v1";

export interface TimeoutOptions {
	/**
	 * Longest wait for the TCP (and TLS) connection to be established. Applies to the client's own
	 * pool; a caller-supplied `dispatcher` keeps its own connect timeout.
	 * @default 10_000
	 */
	readonly connectMs?: number;
	/**
	 * Longest wait from sending the request to receiving the complete response headers.
	 * @default 30_000
	 */
	readonly headersMs?: number;
	/**
	 * Longest silence between two chunks of the response body.
	 * @default 30_000
	 */
	readonly bodyMs?: number;
	/**
	 * Longest a whole request may take, headers and body: a body trickled a byte a second never
	 * trips `bodyMs`, this does (as a `timeout` network failure, retried like any).
	 * @default 120_000 (env `PIVOTAL_TIMEOUT_SECONDS` through `clientLimitsFromEnv`)
	 */
	readonly requestMs?: number;
}

export interface ClientOptions {
	/**
	 * The API root including its path prefix, which every request keeps:
	 * `https://my.pivotal.app/api/v1` or `http://127.0.0.1:1234/api/v1`. A trailing slash is ignored.
	 */
	readonly baseUrl: string;
	/** The key sent as `Authorization: Bearer <key>`. It appears in no message or `ResponseInfo`. */
	readonly apiKey: string;
	/** Other keys masked in answers as this one is: the rest of a pool, which a server may echo too. */
	readonly alsoMasked?: readonly string[];
	/**
	 * An undici dispatcher (Pool, Agent, MockAgent…) to send through instead of the client's own
	 * pool. The caller owns it: `close()` leaves it open.
	 * @default a keep-alive `Pool` for the base URL's origin, closed by `close()`
	 */
	readonly dispatcher?: Dispatcher;
	/**
	 * Most connections the client's own pool opens to the origin (ignored with `dispatcher`).
	 * @default DEFAULT_CONNECTIONS (64)
	 */
	readonly connections?: number;
	/** Connect, headers, body and whole-request timeouts. */
	readonly timeouts?: TimeoutOptions;
	/**
	 * Longest `Retry-After` or `X-RateLimit-Reset` obeyed; a longer one is clamped to it and the
	 * answer says so (`retryAfterClampedFromMs`, `rateLimit.clampedFromMs`).
	 * @default 3_600_000 (env `PIVOTAL_MAX_WAIT_SECONDS` through `clientLimitsFromEnv`)
	 */
	readonly maxWaitMs?: number;
	/**
	 * The wall clock in ms since epoch, used for `startedAtMs` and for moving
	 * `X-RateLimit-Reset` onto this machine's clock (skew against the `Date` header).
	 * Durations are measured with `performance.now()` whatever this is.
	 * @default Date.now
	 */
	readonly now?: () => number;
	/**
	 * Called once per request when it ends: for every HTTP answer (any status) and for every
	 * network failure or abort (`status` 0, `failure` set). Runs synchronously before the call
	 * settles; it must not throw.
	 * @default undefined
	 */
	readonly onResponse?: (info: ResponseInfo) => void;
	/**
	 * The `User-Agent` header.
	 * @default `pivotal-tui/<package version>`
	 */
	readonly userAgent?: string;
}
