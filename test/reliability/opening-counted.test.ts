/**
 * Adversarial finding L1: a run whose opening `GET /me` was refused 429 (a resume right after a
 * run that spent the window) reported "rate limited 0" and fewer requests than the server saw.
 * The opening's requests, 429s and retries are the run's: on its summary line and in the
 * state's counters over every run.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import {
	CASE_BOUND_MS,
	created,
	expectKept,
	hostileServersPerTest,
	importAgainst,
	meBody,
	rowsOf,
	send,
} from "./hostile-support.js";

const serve = hostileServersPerTest();

describe("the opening GET /me, counted", { timeout: 2 * CASE_BOUND_MS + 10_000 }, () => {
	it("a 429 on it is on the summary line and in the state, requests as many as the server saw", async () => {
		let asked = 0;
		const server = await serve(
			(seen, res) => send(res, 201, created(seen)),
			(_seen: unknown, res: Parameters<typeof send>[0]) => {
				asked += 1;
				// The window still full of the run before: refused once, a second to wait.
				if (asked === 1)
					return send(
						res,
						429,
						{ error: { type: "rate_limit_error", code: "rate_limited", message: "slow down" } },
						{ "retry-after": "1", "x-ratelimit-limit": "60", "x-ratelimit-remaining": "0" },
					);
				return send(res, 200, meBody());
			},
		);
		const run = await importAgainst(server, rowsOf(2));
		expectKept(run, 0);
		expect(asked).toBe(2);
		// GET /me twice, the list, two creates.
		expect(server.requests).toHaveLength(5);
		expect(run.stdout).toMatch(/requests 5, rate limited 1, retries 1,/);
		const state = await readCheckpoint(join(run.dir, "customers.csv.checkpoint.json"));
		expect(state?.counters.requests).toBe(5);
		expect(state?.counters.rateLimited).toBe(1);
		expect(state?.counters.retries).toBe(1);

		// The next run: its own requests on the line, every run's beside them.
		const again = await importAgainst(server, rowsOf(2), {
			after: { run, args: ["import", run.customers, "--verbose"] },
		});
		expectKept(again, 0);
		const second = server.requests.length - 5;
		expect(again.stdout).toContain(
			`requests ${second} (${5 + second} over every run of the import), rate limited 0`,
		);
	});
});
