/**
 * A state database that does not answer in time while the state is read is a passing fault:
 * the run ends as interrupted (exit 3, the same command resumes), not as bad input (exit 2,
 * which tells a scheduler not to retry). A refused login stays bad input.
 */
import { describe, expect, it } from "vitest";
import { exitForStateError } from "../../src/cli/state-location.js";
import { CheckpointError } from "../../src/core/checkpoint/index.js";
import { InputError, refusedState } from "../../src/core/open-state.js";
import { connectFailed, queryFailed } from "../../src/core/state/pg-errors.js";

const URL = "postgres://pivotal:secret@127.0.0.1:5432/state";

describe("a state database's failures, by what a scheduler should do", () => {
	it("a read that timed out: resumable (exit 3), the password never shown", () => {
		const error = queryFailed(URL, new Error("Query read timeout"), "read-failed");
		expect(error.code).toBe("unavailable");
		expect(error.message).not.toContain("secret");
		expect(error.message).toMatch(
			/did not answer within \d+ s; check the server, then run the same command again to resume\.$/,
		);
		const refused = refusedState(error);
		expect(refused).toBeInstanceOf(CheckpointError);
		expect(refused).not.toBeInstanceOf(InputError);
		expect(exitForStateError(error)).toBe(3);
	});

	it("a connection the server's idle_session_timeout ended: named, with the setting to lift, the password never shown", () => {
		const ended = Object.assign(new Error("terminating connection due to idle-session timeout"), {
			code: "57P05",
		});
		const error = queryFailed(URL, ended);
		expect(error.message).toContain("the server's idle_session_timeout");
		expect(error.message).toContain("ALTER ROLE … SET idle_session_timeout = 0");
		expect(error.message).toMatch(/run the same import again to resume\.$/);
		expect(error.message).not.toContain("secret");
	});

	it("a refused login: bad input (exit 2)", () => {
		const error = connectFailed(
			URL,
			Object.assign(new Error("password authentication failed"), { code: "28P01" }),
		);
		expect(refusedState(error)).toBeInstanceOf(InputError);
		expect(exitForStateError(error)).toBe(2);
	});
});
