/**
 * A hostile server, case by case, against the binary (DESIGN.md "Trust"). Each case runs
 * `pivotal-tui import` on a few rows against a loopback server scripted to misbehave one way,
 * and checks the run ends on its own (bound: CASE_BOUND_MS, 90 s, for a loaded 2-core machine;
 * most cases take 1–5 s), with one clear sentence and the documented exit code, and that no key
 * and no raw control character reached stdout, stderr, the state or a CSV (`expectKept`).
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
	created,
	expectKept,
	HOSTILE_KEY,
	type Hostile,
	hostileServer,
	importAgainst,
	meBody,
	rowOf,
	rowsOf,
	type Seen,
	send,
} from "./hostile-support.js";

const servers: Hostile[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(
	answer: (seen: Seen, res: ServerResponse) => void,
	me?: unknown,
	listsToo = false,
): Promise<Hostile> {
	const server = await hostileServer(answer, me, listsToo);
	servers.push(server);
	return server;
}

const ESC = "\u001b";
const BEL = "\u0007";

describe("a hostile server cannot crash, hang, leak the key or write to the terminal", () => {
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
				default:
					return send(res, 201, created(seen));
			}
		});
		const run = await importAgainst(server, rowsOf(5));
		expectKept(run, 1);
		expect(run.stdout).toMatch(/✗ customers r1 .*malformed_response: .*without a usable id/);
		expect(run.stdout).toMatch(
			/✗ customers r2 .*malformed_response: .*an array where an object was expected/,
		);
		expect(run.stdout).toMatch(/✗ customers r3 .*malformed_response: .*null where an object was expected/);
		expect(run.stdout).toMatch(/✗ customers r4 .*invalid_json: .*not JSON/);
		expect(run.stdout).toMatch(/✓ customers r5 → cus_/);
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
});
