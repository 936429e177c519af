import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../../src/api/errors.js";
import {
	type FailedSend,
	failureVerdict,
	IMPORT_STOPPED,
	UNDO_STOPPED,
} from "../../../src/core/execute/failure-mapping.js";

const api = (status: number, code: string, field?: string) =>
	new ApiError({
		status,
		type: "error",
		code,
		message: `said ${code}`,
		field,
		responseBody: { error: { code } },
	});

const failed = (error: unknown, verdict: FailedSend["verdict"], attempts = 3): FailedSend => ({
	ok: false,
	error,
	verdict,
	attempts,
});

describe("the one failure mapping, for every kind of run", () => {
	it.each([
		[
			"a 5xx retried until the attempts ran out",
			failed(api(503, "unavailable"), { kind: "fail", retryable: true }),
			{
				status: 503,
				code: "unavailable",
				message: "gave up after 3 attempts: said unavailable",
				retryable: true,
			},
		],
		[
			"a 4xx the request itself caused",
			failed(api(400, "validation_failed", "email"), { kind: "fail", retryable: false }),
			{
				status: 400,
				code: "validation_failed",
				message: "said validation_failed",
				field: "email",
				retryable: false,
			},
		],
		[
			"no answer: the reason is the code",
			failed(new NetworkError("reset", "socket hang up"), { kind: "fail", retryable: true }),
			{
				status: null,
				code: "network_reset",
				message: "gave up after 3 attempts: socket hang up",
				retryable: true,
			},
		],
		[
			"a timeout",
			failed(new NetworkError("timeout", "no headers in 30 s"), { kind: "fail", retryable: true }, 2),
			{
				status: null,
				code: "network_timeout",
				message: "gave up after 2 attempts: no headers in 30 s",
				retryable: true,
			},
		],
		[
			"anything else",
			failed(new Error("boom"), { kind: "fail", retryable: false }),
			{ status: null, code: "unexpected_error", message: "boom", retryable: true },
		],
	])("%s", (_, result, failure) => {
		const verdict = failureVerdict(result, IMPORT_STOPPED);
		expect(verdict.kind).toBe("failed");
		expect(verdict.kind === "failed" && verdict.failure).toMatchObject(failure);
	});

	it.each([
		[
			IMPORT_STOPPED,
			"The API key was refused (401 api_key_revoked); nothing more was sent. Check the key, then run the same command again to resume.",
		],
		[
			UNDO_STOPPED,
			"The API key was refused (401 api_key_revoked); the undo stopped. Check the key, then run the same command again to resume.",
		],
	])("a refused key stops the run: %s", (stopped, message) => {
		expect(failureVerdict(failed(api(401, "api_key_revoked"), { kind: "auth" }), stopped)).toEqual({
			kind: "auth",
			message,
		});
	});

	it("records nothing for a request the run stopped", () => {
		expect(failureVerdict(failed(new Error("aborted"), { kind: "aborted" }), IMPORT_STOPPED)).toEqual({
			kind: "aborted",
		});
	});
});
