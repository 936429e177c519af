import { ApiError } from "./errors.js";
import type { Redactor } from "./redact.js";
import type { RateLimit } from "./types.js";
import { cleanJson, cleanServerText } from "./untrusted-json.js";

/** The `type` the API pairs with each status (its `type` always matches the status). */
export function typeForStatus(status: number): string {
	switch (status) {
		case 400:
			return "invalid_request_error";
		case 401:
			return "authentication_error";
		case 403:
			return "permission_error";
		case 404:
			return "not_found";
		case 409:
			return "conflict";
		case 429:
			return "rate_limit_error";
	}
	return status >= 500 ? "internal_error" : "invalid_request_error";
}

function stringField(object: Record<string, unknown>, name: string): string | undefined {
	const value = object[name];
	return typeof value === "string" && value !== "" ? value : undefined;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function envelopeOf(body: unknown): Record<string, unknown> | undefined {
	if (typeof body !== "object" || body === null) return undefined;
	const error = (body as { error?: unknown }).error;
	return typeof error === "object" && error !== null && !Array.isArray(error)
		? (error as Record<string, unknown>)
		: undefined;
}

export interface ErrorResponse {
	readonly status: number;
	readonly text: string;
	/** The body went on past what was read: `text` is its start. */
	readonly isCut?: boolean;
	readonly host: string;
	readonly rateLimit: RateLimit | undefined;
	readonly retryAfterMs: number | undefined;
	readonly retryAfterClampedFromMs?: number | undefined;
	/** The one redactor: applied to every string of the answer before anything keeps it. */
	readonly redact: Redactor;
	/** A redirect's `Location`, named in its message (never followed). */
	readonly location?: string | undefined;
}

/** Longest part of a redirect's `Location` a message quotes. */
const LOCATION_MAX = 200;

/**
 * An `ApiError` from a non-2xx answer. With the envelope `{error:{type, code, message, field?}}`
 * its fields are used (missing ones filled in from the status); without it (a proxy's HTML page,
 * an empty body, a body too large to read whole) `type` comes from the status, `code` is
 * `http_<status>` and the message is ours. Every string the server sent is redacted, capped and
 * has its control characters escaped here, where it enters: nothing downstream sees it raw.
 * `responseBody` is the parsed JSON so cleaned, or the start of the raw text when it was not JSON.
 */
export function toApiError(response: ErrorResponse): ApiError {
	const { status, text, host, redact } = response;
	const parsed = text === "" || response.isCut ? undefined : parseJson(text);
	const envelope = envelopeOf(parsed);
	const clean = (value: string | undefined) =>
		value === undefined ? undefined : cleanServerText(value, redact);
	const type = clean(envelope && stringField(envelope, "type")) ?? typeForStatus(status);
	const code = clean(envelope && stringField(envelope, "code")) ?? `http_${status}`;
	const serverMessage = clean(envelope && stringField(envelope, "message"));
	// Masked whole, then cut: a cut first could leave a run of the key too short to be found.
	const location = clean(response.location?.trim() || undefined)?.slice(0, LOCATION_MAX);
	const message =
		serverMessage ??
		(location !== undefined
			? `${host} answered HTTP ${status}, a redirect to ${JSON.stringify(location)}, which is not followed (the key would go with it).`
			: response.isCut
				? `${host} answered HTTP ${status} with an error body too large to read.`
				: `${host} answered HTTP ${status} without a Pivotal error body.`);
	return new ApiError({
		status,
		type,
		code,
		message,
		field: clean(envelope && stringField(envelope, "field")),
		location,
		rateLimit: response.rateLimit,
		retryAfterMs: response.retryAfterMs,
		retryAfterClampedFromMs: response.retryAfterClampedFromMs,
		responseBody:
			parsed !== undefined
				? cleanJson(parsed, { redact, isShownOnly: true })
				: text === ""
					? undefined
					: cleanServerText(text, redact, 1_000),
	});
}
