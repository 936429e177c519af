import { ApiError } from "./errors.js";
import type { RateLimit } from "./types.js";

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
	readonly host: string;
	readonly rateLimit: RateLimit | undefined;
	readonly retryAfterMs: number | undefined;
	/** Replaced by `redaction` wherever it appears in the server's message. */
	readonly secret: string;
	readonly redaction: string;
}

/**
 * An `ApiError` from a non-2xx answer. With the envelope `{error:{type, code, message, field?}}`
 * its fields are used as they are (missing ones filled in from the status); without it (a proxy's
 * HTML page, an empty body) `type` comes from the status, `code` is `http_<status>` and the
 * message is ours. `responseBody` is the parsed JSON, or the raw text when it was not JSON.
 */
export function toApiError(response: ErrorResponse): ApiError {
	const { status, text, host } = response;
	const parsed = text === "" ? undefined : parseJson(text);
	const envelope = envelopeOf(parsed);
	const type = (envelope && stringField(envelope, "type")) ?? typeForStatus(status);
	const code = (envelope && stringField(envelope, "code")) ?? `http_${status}`;
	const serverMessage = envelope && stringField(envelope, "message");
	// A very short "secret" (a simulator's test key) would match ordinary words: not worth masking.
	const redact = (text: string): string =>
		response.secret.length >= 8 ? text.split(response.secret).join(response.redaction) : text;
	const message =
		serverMessage !== undefined
			? redact(serverMessage)
			: `${host} answered HTTP ${status} without a Pivotal error body.`;
	return new ApiError({
		status,
		type,
		code,
		message,
		field: envelope && stringField(envelope, "field"),
		rateLimit: response.rateLimit,
		retryAfterMs: response.retryAfterMs,
		responseBody: parsed ?? (text === "" ? undefined : text),
	});
}
