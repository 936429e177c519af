import { describe, expect, it } from "vitest";
import {
	CASE_BOUND_MS,
	expectKept,
	hostileServersPerTest,
	importAgainst,
	rowsOf,
	send,
} from "./hostile-support.js";

const serve = hostileServersPerTest();

describe("a server that fails for ever: the run stops on its own, with one sentence", {
	timeout: CASE_BOUND_MS * 2 + 10_000,
}, () => {
	it("item 13: 500 rows against a server answering 500 to everything: a few dozen requests, then exit 3 with one sentence", async () => {
		const server = await serve(
			(_seen, res) =>
				send(res, 500, { error: { type: "internal_error", code: "internal_error", message: "Down." } }),
			undefined,
			true,
		);
		const run = await importAgainst(server, rowsOf(500), { extraArgs: ["--concurrency", "16"] });
		expectKept(run, 3);
		const sentence =
			"The server is failing: 16 requests in a row got a 5xx or no answer; stopped so as not to add to its load. The checkpoint is saved: run the same command again to resume once the server answers.";
		expect(run.stderr.trim()).toBe(sentence);
		// The brake halved the concurrency on the way (AIMD), rather than raising it.
		// (The look-up's retries, each said on a line of its own, come between.)
		const concurrency = run.stdout.split("\n").filter((line) => line.startsWith("Concurrency "));
		expect(concurrency).toEqual(["Concurrency 8", "Concurrency 4", "Concurrency 2", "Concurrency 1"]);
		expect(run.stdout).toMatch(
			/^a page of GET \/customers: 500; asking again in [\d.]+ s \(attempt 2 of 8\)$/m,
		);
		expect(run.stdout).not.toMatch(/^Concurrency (1[7-9]|[2-9]\d)/m);
		// Bound: the records in flight (16) plus the streak (16), plus the opening GET /me; measured
		// 17 (the opening lookup's 8 attempts, then 8 creates), in ~45 s: the lookup's backoffs.
		expect(server.requests.length).toBeLessThanOrEqual(33);
	});

	it("item 12: 429 for ever with Retry-After: 0 waits at least a second each time, then stops (exit 3), not a busy loop", async () => {
		const server = await serve((_seen, res) =>
			send(
				res,
				429,
				{ error: { type: "rate_limit_error", code: "rate_limited", message: "No." } },
				{ "retry-after": "0" },
			),
		);
		const run = await importAgainst(server, rowsOf(3));
		expectKept(run, 3);
		expect(run.stderr.trim()).toBe(
			"The server refused 30 requests in a row with 429 and let none through; stopped rather than asking for ever. The checkpoint is saved: run the same command again to resume later.",
		);
		// 30 refusals a second apart at most, plus the opening GET /me and the lookup; measured 32.
		expect(server.requests.length).toBeLessThanOrEqual(40);
	});
});
