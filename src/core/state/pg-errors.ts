/**
 * The driver's failures as one sentence each, with the URL masked and no password: a refused
 * connection, a refused password, a missing database, a lost connection.
 */

import { CheckpointError, type CheckpointErrorCode } from "../checkpoint/checkpoint-error.js";
import { isQueryTimeout, queryTimeoutMs } from "./pg-timeouts.js";
import { maskUrl, redact } from "./pg-url.js";

/** What the driver says, redacted, on one line and not too long. */
export function driverSays(error: unknown, url: string): string {
	const raw = error instanceof Error ? error.message : String(error);
	// The server's words reach a terminal: no escape sequence gets through, shown escaped instead.
	const text = redact(raw, url)
		.replace(/[\t\r\n]+/g, " ")
		.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
		.replace(/\s+/g, " ")
		.trim();
	return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function codeOf(error: unknown): string | undefined {
	return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
		? error.code
		: undefined;
}

/** Connecting failed: why, and what to check. */
export function connectFailed(url: string, error: unknown): CheckpointError {
	const shown = maskUrl(url);
	const code = codeOf(error);
	let message: string;
	if (code === "28P01" || code === "28000")
		message = `The state database ${shown} refused the login (${driverSays(error, url)}); check the user and the password in the URL, PGPASSWORD or ~/.pgpass.`;
	else if (/client password must be/.test(error instanceof Error ? error.message : ""))
		message = `The state database ${shown} asked for a password and none was given; put it in the URL, PGPASSWORD or ~/.pgpass.`;
	else if (code === "3D000")
		message = `The state database ${shown} does not exist (${driverSays(error, url)}); create it, or give --state the URL of one that does.`;
	else if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ETIMEDOUT")
		message = `Cannot reach the state database ${shown} (${code}); check the host and port in --state and that the server is running.`;
	else
		message = `Cannot open the state database ${shown} (${driverSays(error, url)}); check --state and the server.`;
	return new CheckpointError({ code: "read-failed", path: shown, message });
}

/** A query failed while the state was open. */
export function queryFailed(
	url: string,
	error: unknown,
	code: CheckpointErrorCode = "write-failed",
): CheckpointError {
	const shown = maskUrl(url);
	const verb = code === "write-failed" ? "write to" : "read from";
	// Not an input to fix: the same command resumes once the server answers (exit 3, not 2).
	if (isQueryTimeout(error))
		return new CheckpointError({
			code: "unavailable",
			path: shown,
			message: `The state database ${shown} did not answer within ${Math.round(queryTimeoutMs() / 1000)} s; check the server, then run the same command again to resume.`,
		});
	// The server's idle_session_timeout (PostgreSQL 14+) ends the state's connection while a run
	// waits out a rate-limit window: every run would stop so (adversarial finding P5).
	if (isIdleSessionEnd(error))
		return new CheckpointError({
			code,
			path: shown,
			message: `The state database ${shown} ended the connection after it sat idle (the server's idle_session_timeout, as a run waits for its rate limit); lift it for this user (ALTER ROLE … SET idle_session_timeout = 0) or use a URL without it, then run the same import again to resume.`,
		});
	// A role without the rights: running again fails the same way, and a dry run has nothing to resume.
	if ((error as { code?: unknown } | undefined)?.code === "42501")
		return new CheckpointError({
			code: "invalid-header",
			path: shown,
			message: `The user of ${shown} may not use the state's tables (${driverSays(error, url)}); grant it USAGE on the schema pivotal_tui and SELECT, INSERT, UPDATE and DELETE on its tables, then run again.`,
		});
	return new CheckpointError({
		code,
		path: shown,
		message: `Cannot ${verb} the state database ${shown} (${driverSays(error, url)}); check the server, then run the same import again to resume.`,
	});
}

/** The connection was ended by the server's `idle_session_timeout` (SQLSTATE 57P05). */
function isIdleSessionEnd(error: unknown): boolean {
	const code = (error as { code?: unknown } | undefined)?.code;
	const message = error instanceof Error ? error.message : "";
	return code === "57P05" || /idle-session timeout/i.test(message);
}
