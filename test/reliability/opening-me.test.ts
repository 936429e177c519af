/**
 * The opening `GET /me` against a server that fails it: every retry is said on the terminal and
 * counted, and a redirect (the wrong --base-url, not a passing fault) ends the run at once,
 * naming where it pointed, without following it.
 */
import { describe, expect, it } from "vitest";
import {
	CASE_BOUND_MS,
	created,
	expectKept,
	HOSTILE_KEY,
	hostileServersPerTest,
	importAgainst,
	meBody,
	rowsOf,
	send,
} from "./hostile-support.js";

const serve = hostileServersPerTest();

describe("the opening GET /me", { timeout: CASE_BOUND_MS + 10_000 }, () => {
	it("answered 503 twice: each retry is a line, then the run goes on (exit 0)", async () => {
		let asked = 0;
		const server = await serve(
			(seen, res) => send(res, 201, created(seen)),
			(_seen: unknown, res: Parameters<typeof send>[0]) => {
				asked += 1;
				if (asked <= 2)
					return send(res, 503, { error: { type: "internal_error", code: "unavailable", message: "busy" } });
				return send(res, 200, meBody());
			},
		);
		const run = await importAgainst(server, rowsOf(2));
		expectKept(run, 0);
		expect(asked).toBe(3);
		expect(run.stdout).toMatch(/GET \/me: 503; asking again in [\d.]+ s \(attempt 2 of 8\)/);
		expect(run.stdout).toMatch(/GET \/me: 503; asking again in [\d.]+ s \(attempt 3 of 8\)/);
		// Every request the run sent, its opening's three asks among them (adversarial finding L1).
		expect(run.stdout).toMatch(/requests 6, rate limited 0, retries 2,/);
	});

	it("a Location cut at its length limit inside the key shows no part of the key", async () => {
		const server = await serve(
			(seen, res) => send(res, 201, created(seen)),
			(_seen: unknown, res: Parameters<typeof send>[0]) => {
				res.writeHead(302, {
					location: `https://e.example/${"a".repeat(157)}/${HOSTILE_KEY}`,
					"content-length": 0,
				});
				res.end();
			},
		);
		const run = await importAgainst(server, rowsOf(1));
		expectKept(run, 3);
		const secret = HOSTILE_KEY.slice("pivotal_live_".length);
		for (let n = 6; n <= secret.length; n++)
			expect(run.stdout + run.stderr, `${n} characters of the key`).not.toContain(secret.slice(0, n));
	});

	it("answered 307: one GET /me, the run ends (exit 3) naming the redirect and where it pointed", async () => {
		const server = await serve(
			(seen, res) => send(res, 201, created(seen)),
			(_seen: unknown, res: Parameters<typeof send>[0]) => {
				// A Location that echoes the key: named, masked.
				res.writeHead(307, {
					location: `http://127.0.0.1:1/elsewhere?k=${HOSTILE_KEY}`,
					"content-length": 0,
				});
				res.end();
			},
		);
		const run = await importAgainst(server, rowsOf(2));
		expectKept(run, 3);
		expect(server.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual(["GET /api/v1/me"]);
		const said = run.stdout + run.stderr;
		expect(said).toContain('GET /me was redirected (HTTP 307) to "http://127.0.0.1:1/elsewhere?k=');
		expect(said).toContain("Check --base-url (https, and the path ending in /api/v1)");
		expect(said).toContain("No record was sent");
		expect(said).not.toMatch(/to resume/);
		expect(run.stdout).toMatch(/requests 1, rate limited 0, retries 0,/);
	});
});
