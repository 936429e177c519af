import type { RateLimit } from "./rate-limit-info.js";

/** A non-2xx answer, with the error envelope `{error:{type, code, message, field?}}` parsed. */
export class ApiError extends Error {
	override readonly name = "ApiError";
	readonly status: number;
	readonly type: string;
	readonly code: string;
	readonly field: string | undefined;
	readonly rateLimit: RateLimit | undefined;
	/** `Retry-After` in ms (429). */
	readonly retryAfterMs: number | undefined;
	/** `Retry-After` asked for longer than the longest wait obeyed: what it asked (ms). */
	readonly retryAfterClampedFromMs: number | undefined;
	/** The parsed response body (the envelope, or whatever came back). */
	readonly responseBody: unknown;
	/** A redirect's `Location`, cleaned and masked (never followed). */
	readonly location: string | undefined;

	constructor(init: {
		status: number;
		type: string;
		code: string;
		message: string;
		field?: string | undefined;
		rateLimit?: RateLimit | undefined;
		retryAfterMs?: number | undefined;
		retryAfterClampedFromMs?: number | undefined;
		responseBody?: unknown;
		location?: string | undefined;
	}) {
		super(init.message);
		this.status = init.status;
		this.type = init.type;
		this.code = init.code;
		this.field = init.field;
		this.rateLimit = init.rateLimit;
		this.retryAfterMs = init.retryAfterMs;
		this.retryAfterClampedFromMs = init.retryAfterClampedFromMs;
		this.responseBody = init.responseBody;
		this.location = init.location;
	}
}

export type NetworkFailure = "timeout" | "reset" | "refused" | "aborted" | "other";

/** No usable HTTP answer: the request may or may not have been applied (except `refused`). */
export class NetworkError extends Error {
	override readonly name = "NetworkError";
	readonly reason: NetworkFailure;

	constructor(reason: NetworkFailure, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.reason = reason;
	}
}
