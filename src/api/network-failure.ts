import { NetworkError, type NetworkFailure } from "./errors.js";

const TIMEOUT_CODES = new Set([
	"UND_ERR_CONNECT_TIMEOUT",
	"UND_ERR_HEADERS_TIMEOUT",
	"UND_ERR_BODY_TIMEOUT",
	"ETIMEDOUT",
]);
const RESET_CODES = new Set(["ECONNRESET", "UND_ERR_SOCKET", "EPIPE", "ECONNABORTED"]);
const REFUSED_CODES = new Set(["ECONNREFUSED"]);
const ABORT_CODES = new Set(["UND_ERR_ABORTED", "UND_ERR_ABORT", "ABORT_ERR"]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN"]);

/** The error, its `cause` chain and the members of an `AggregateError` (happy-eyeballs connects). */
function* related(error: unknown, depth = 0): Generator<unknown> {
	if (depth > 5 || error === null || error === undefined) return;
	yield error;
	if (error instanceof AggregateError) {
		for (const inner of error.errors) yield* related(inner, depth + 1);
	}
	if (error instanceof Error && error.cause !== undefined) yield* related(error.cause, depth + 1);
}

function codeOf(error: unknown): string | undefined {
	if (typeof error !== "object" || error === null) return undefined;
	const code = (error as { code?: unknown }).code;
	return typeof code === "string" ? code : undefined;
}

/** Which `NetworkFailure` an error thrown by undici (or the socket below it) is. */
export function classifyFailure(error: unknown, signal?: AbortSignal): NetworkFailure {
	if (signal?.aborted === true) return "aborted";
	for (const each of related(error)) {
		const code = codeOf(each);
		const name = each instanceof Error ? each.name : undefined;
		if (code !== undefined && TIMEOUT_CODES.has(code)) return "timeout";
		if (code !== undefined && REFUSED_CODES.has(code)) return "refused";
		if (code !== undefined && RESET_CODES.has(code)) return "reset";
		if ((code !== undefined && ABORT_CODES.has(code)) || name === "AbortError") return "aborted";
		if (name === "TimeoutError") return "timeout";
		if (each instanceof Error && /other side closed|socket hang up/i.test(each.message)) return "reset";
	}
	return "other";
}

const WHAT: Record<NetworkFailure, string> = {
	timeout: "timed out",
	reset: "lost its connection before the answer was complete",
	refused: "was refused: nothing is listening there, so the request was not applied",
	aborted: "was cancelled",
	other: "failed before an answer arrived",
};

function timeoutDetail(error: unknown): string {
	for (const each of related(error)) {
		switch (codeOf(each)) {
			case "UND_ERR_CONNECT_TIMEOUT":
				return "timed out while connecting";
			case "UND_ERR_HEADERS_TIMEOUT":
				return "timed out waiting for the response headers";
			case "UND_ERR_BODY_TIMEOUT":
				return "timed out while reading the response body";
		}
	}
	return WHAT.timeout;
}

/**
 * undici drops the connection (as a socket error) on an answer it cannot pair with the request:
 * an HTTP 100 Continue nobody asked for, or an answer with no request before it. A proxy is the
 * usual sender; "lost its connection" would point at the network instead.
 */
function resetDetail(error: unknown): string {
	for (const each of related(error)) {
		if (
			codeOf(each) === "UND_ERR_SOCKET" &&
			each instanceof Error &&
			/^bad (response|upgrade)$/.test(each.message)
		)
			return "got an answer it cannot read (an HTTP 100 Continue it did not ask for, or an answer to no request): check what stands before the API, such as a proxy";
	}
	return WHAT.reset;
}

function otherDetail(error: unknown): string {
	for (const each of related(error)) {
		const code = codeOf(each);
		if (code !== undefined && DNS_CODES.has(code)) return "failed: the host name could not be resolved";
		// llhttp's parse errors: what came back is not an HTTP/1.1 answer at all.
		if (code?.startsWith("HPE_") || (each instanceof Error && each.name === "HTTPParserError"))
			return "got an answer that is not HTTP: check --base-url and what stands before the API";
	}
	return WHAT.other;
}

/**
 * A `NetworkError` for a request to `host` that got no usable answer. The message is one sentence
 * built from our own words and the host: never the request's headers, so never the key.
 */
export function toNetworkError(error: unknown, host: string, signal?: AbortSignal): NetworkError {
	if (error instanceof NetworkError) return error;
	const reason = classifyFailure(error, signal);
	const what =
		reason === "timeout"
			? timeoutDetail(error)
			: reason === "other"
				? otherDetail(error)
				: reason === "reset"
					? resetDetail(error)
					: WHAT[reason];
	const cause = reason === "aborted" && signal?.aborted === true ? signal.reason : error;
	return new NetworkError(reason, `The request to ${host} ${what}.`, { cause });
}

/** True for the error a call throws when its `AbortSignal` fired. */
export function isAbortError(error: unknown): error is NetworkError {
	return error instanceof NetworkError && error.reason === "aborted";
}
