import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import {
	CASE_BOUND_MS,
	created,
	expectKept,
	HOSTILE_KEY,
	hostileServersPerTest,
	importAgainst,
	meBody,
	rowOf,
	rowsOf,
	send,
} from "./hostile-support.js";

const serve = hostileServersPerTest();

const ESC = "\u001b";
const BEL = "\u0007";

describe("a hostile server cannot crash, hang, leak the key or write to the terminal", {
	timeout: CASE_BOUND_MS * 2 + 10_000,
}, () => {
	it("item 10: a 201 with no id, an array, null or no JSON fails that record with a sentence; the rest go on (exit 1)", async () => {
		const server = await serve((seen, res) => {
			switch (rowOf(seen)) {
				case "r1":
					return send(res, 201, { object: "customer", name: "no id" });
				case "r2":
					return send(res, 201, []);
				case "r3":
					return send(res, 201, "null");
				case "r4":
					return send(res, 201, "<html>not json</html>");
				case "r6":
					return send(
						res,
						201,
						`{"object":"customer","id":"cus_deep","metadata":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
					);
				default:
					return send(res, 201, created(seen));
			}
		});
		const run = await importAgainst(server, rowsOf(6));
		expectKept(run, 1);
		expect(run.stdout).toMatch(/✗ customers r6 .*malformed_response: .*a body nested deeper than 64 levels/);
		expect(run.stdout).toMatch(/✗ customers r1 .*malformed_response: .*without a usable id/);
		expect(run.stdout).toMatch(
			/✗ customers r2 .*malformed_response: .*an array where an object was expected/,
		);
		expect(run.stdout).toMatch(/✗ customers r3 .*malformed_response: .*null where an object was expected/);
		expect(run.stdout).toMatch(/✗ customers r4 .*invalid_json: .*not JSON/);
		expect(run.stdout).toMatch(/✓ customers r5 → cus_/);
		// A 2xx says Pivotal made it: each stays in doubt (sent again under its idempotency key, or
		// looked up), never failed for good, which --retry-failed would make a second time.
		const state = await readCheckpoint(join(run.dir, "customers.csv.checkpoint.json"));
		for (const key of ["r1", "r2", "r3", "r4", "r6"])
			expect(state?.records.customers.get(key)?.s).toBe("sent");
	});

	it("a create answered 409 idempotency_key_in_use to the end stays in doubt: never sent again blind", async () => {
		const server = await serve((seen, res) =>
			rowOf(seen) === "r1"
				? send(res, 409, {
						error: { type: "conflict", code: "idempotency_key_in_use", message: "Retry shortly." },
					})
				: send(res, 201, created(seen)),
		);
		const run = await importAgainst(server, rowsOf(2));
		expectKept(run, 1);
		expect(run.stdout).toMatch(/✗ customers r1 .*idempotency_key_in_use/);
		const state = await readCheckpoint(join(run.dir, "customers.csv.checkpoint.json"));
		expect(state?.records.customers.get("r1")?.s).toBe("sent");
		expect(state?.records.customers.get("r2")?.s).toBe("done");
	});

	it("item 15: the key echoed in every envelope field, extra fields and a success is redacted everywhere", async () => {
		const bearer = `Bearer ${HOSTILE_KEY}`;
		const server = await serve((seen, res) => {
			if (rowOf(seen) === "r1") {
				return send(res, 201, { ...created(seen), name: bearer, metadata: { echoed: HOSTILE_KEY } });
			}
			return send(
				res,
				400,
				{
					error: {
						type: bearer,
						code: `bad_${HOSTILE_KEY}`,
						message: `Your header was ${bearer}.`,
						field: HOSTILE_KEY,
						[HOSTILE_KEY]: bearer,
						details: [{ header: bearer, deeper: { again: HOSTILE_KEY } }],
						// The secret part alone, without the prefix.
						bare: `token=${HOSTILE_KEY.slice("pivotal_".length)}`,
					},
					echo: bearer,
				},
				{ "x-echo": bearer },
			);
		});
		const run = await importAgainst(server, rowsOf(3));
		expectKept(run, 1);
		expect(run.stdout).toMatch(
			/✗ customers r2 .*400 bad_pivotal_…q9z8: Your header was Bearer pivotal_…q9z8\./,
		);
		expect(run.files.get("failures.csv")).toMatch(/bad_pivotal_…q9z8/);
		// NDJSON carries every event, the failures' codes and messages among them.
		const json = await importAgainst(server, rowsOf(3), { extraArgs: ["--json"] });
		expectKept(json, 1);
		expect(json.stdout).toMatch(/"code":"bad_pivotal_…q9z8"/);
	});

	it("the key echoed with zero-width spaces or soft hyphens between its letters (drawn as the key) is masked too", async () => {
		const spaced = Array.from(HOSTILE_KEY).join("\u200b");
		const hyphened = Array.from(HOSTILE_KEY).join("\u00ad");
		const server = await serve((seen, res) =>
			rowOf(seen) === "r1"
				? send(res, 201, { ...created(seen), metadata: { echoed: spaced } })
				: send(res, 400, {
						error: { type: "invalid_request_error", code: "bad", message: `Header ${hyphened}.` },
					}),
		);
		const run = await importAgainst(server, rowsOf(2));
		expectKept(run, 1);
		const invisible = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
		const secret = HOSTILE_KEY.slice("pivotal_live_".length);
		for (const [name, text] of [["stdout", run.stdout], ...run.files] as [string, string][])
			expect(
				text.replace(invisible, "").includes(secret),
				`the key behind invisible characters in ${name}`,
			).toBe(false);
		expect(run.stdout).toMatch(/✗ customers r2 .*400 bad: Header pivotal_…q9z8\./);
	});

	it("the key split once by an invisible character is masked whole: no secret character beside the mask (finding N5)", async () => {
		const cut = (at: number, mark: string) => `${HOSTILE_KEY.slice(0, at)}${mark}${HOSTILE_KEY.slice(at)}`;
		const server = await serve((seen, res) =>
			rowOf(seen) === "r1"
				? send(res, 201, { ...created(seen), metadata: { echoed: cut(20, "\u200b") } })
				: send(res, 400, {
						error: { type: "invalid_request_error", code: "bad", message: `Header ${cut(24, "\u200b")}.` },
					}),
		);
		const run = await importAgainst(server, rowsOf(2));
		expectKept(run, 1);
		const invisible = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
		const secret = HOSTILE_KEY.slice("pivotal_live_".length);
		for (const [name, text] of [["stdout", run.stdout], ...run.files] as [string, string][]) {
			const drawn = text.replace(invisible, "");
			// Any 4 of its characters but the last 4, which the mask shows.
			for (let i = 0; i + 4 < secret.length; i += 1)
				expect(drawn.includes(secret.slice(i, i + 4)), `${secret.slice(i, i + 4)} in ${name}`).toBe(false);
		}
		expect(run.stdout).toMatch(/✗ customers r2 .*400 bad: Header pivotal_…q9z8\./);
	});

	it("item 16: escape sequences in the error code and message and in the workspace name reach no terminal or file raw", async () => {
		const fake = `${ESC}[2J${ESC}[HImport done: every record is in Pivotal${BEL}`;
		const server = await serve(
			(seen, res) => {
				if (seen.method === "DELETE")
					return send(res, 200, { object: "deleted", id: "x", display_id: 1, deleted: true });
				if (rowOf(seen) === "r1") return send(res, 201, created(seen));
				return send(res, 422, {
					error: {
						type: "invalid_request_error",
						code: `bad${ESC}]0;PWNED${BEL}`,
						message: fake,
						field: `name${ESC}[31m`,
					},
				});
			},
			meBody(`Acme${ESC}]0;PWNED${BEL}${ESC}[2J`),
		);
		const run = await importAgainst(server, rowsOf(2));
		expectKept(run, 1);
		// Shown, escaped: the reader sees what the server sent without the terminal acting on it.
		expect(run.stdout).toContain(
			"✗ customers r2 (line 3): 422 bad\\x1b]0;PWNED\\x07: \\x1b[2J\\x1b[HImport done",
		);
		// The undo's plan names the workspace from GET /me.
		const undo = await importAgainst(server, [], { after: { run, args: ["undo", run.customers, "--yes"] } });
		expectKept(undo, 0);
		expect(undo.stdout).toContain("Acme\\x1b]0;PWNED\\x07\\x1b[2J");
	});

	it("item 11: 50 MB error bodies, a 200 KB message and a 20 MB success keep the state and the output small", async () => {
		const huge = Buffer.alloc(50 * 1024 * 1024, "x");
		const longMessage = "m".repeat(200 * 1024);
		const bigSuccess = JSON.stringify({
			object: "customer",
			id: "cus_big",
			padding: "p".repeat(20 * 1024 * 1024),
		});
		const server = await serve((seen, res) => {
			switch (rowOf(seen)) {
				case "r1":
					res.writeHead(400, { "content-type": "application/json", "content-length": huge.length + 40 });
					res.write('{"error":{"code":"huge","message":"');
					return res.end(huge);
				case "r2":
					return send(res, 400, {
						error: { type: "invalid_request_error", code: "long", message: longMessage, field: "name" },
					});
				case "r3":
					return send(res, 201, bigSuccess);
				default:
					return send(res, 201, created(seen));
			}
		});
		const run = await importAgainst(server, rowsOf(4));
		expectKept(run, 1);
		expect(run.stdout).toMatch(/✗ customers r1 .*400 http_400: .*an error body too large to read/);
		expect(run.stdout).toMatch(/✗ customers r2 .*400 long: m{300}… \(204800 characters\)/);
		expect(run.stdout).toMatch(/✗ customers r3 .*201 response_too_large: .*a body over 16 MB/);
		expect(run.stdout).toMatch(/✓ customers r4 → cus_/);
		for (const [name, text] of run.files) expect(text.length, name).toBeLessThan(64 * 1024);
		expect(run.stdout.length + run.stderr.length).toBeLessThan(64 * 1024);
	});

	it("item 12: a body trickled a byte a second times out at the request deadline and is retried (exit 0)", async () => {
		const server = await serve((seen, res) => {
			if (seen.attempt > 1) return send(res, 201, created(seen));
			res.writeHead(201, { "content-type": "application/json" });
			res.write("{");
			const timer = setInterval(() => res.write(" "), 1_000);
			server.timers.add(timer);
			res.on("close", () => clearInterval(timer));
		});
		const run = await importAgainst(server, rowsOf(2), { env: { PIVOTAL_TIMEOUT_SECONDS: "2" } });
		expectKept(run, 0);
		expect(run.stdout).toMatch(/✓ customers r1 → cus_1_2_/);
		expect(run.stdout).toMatch(/✓ customers r2 → cus_1_2_/);
		expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(4);
	});

	it("item 12: an absurd Retry-After (115 days) is clamped and said once; no timer overflows", async () => {
		const server = await serve((seen, res) => {
			if (seen.attempt === 1) {
				return send(
					res,
					429,
					{ error: { type: "rate_limit_error", code: "rate_limited", message: "later" } },
					{ "retry-after": "9999999" },
				);
			}
			return send(res, 201, created(seen));
		});
		const run = await importAgainst(server, rowsOf(2), { env: { PIVOTAL_MAX_WAIT_SECONDS: "1" } });
		expectKept(run, 0);
		const notices = run.stdout.split("\n").filter((line) => line.includes("asked to wait"));
		expect(notices).toEqual([
			"warn: The server asked to wait 116 days (Retry-After); waiting 1 s at most instead.",
		]);
	});

	it("item 12: a rate-limit reset a year ahead is clamped and said once; no timer overflows", async () => {
		const yearAhead = String(Math.floor(Date.now() / 1000) + 365 * 86_400);
		const server = await serve((seen, res) =>
			send(res, 201, created(seen), {
				"x-ratelimit-limit": "2",
				"x-ratelimit-remaining": "0",
				"x-ratelimit-reset": yearAhead,
			}),
		);
		// A one-second window: the clamped reset, not the window, is what the run waits on.
		const run = await importAgainst(server, rowsOf(3), {
			env: { PIVOTAL_MAX_WAIT_SECONDS: "1" },
			extraArgs: ["--window", "1"],
		});
		expectKept(run, 0);
		const notices = run.stdout.split("\n").filter((line) => line.includes("X-RateLimit-Reset"));
		expect(notices).toHaveLength(1);
		expect(notices[0]).toMatch(/reset 365 days ahead \(X-RateLimit-Reset\); waiting 1 s at most instead\./);
	});
});
