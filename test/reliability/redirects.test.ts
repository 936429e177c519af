/**
 * A server (or a proxy before it) that answers 307 to every POST: redirects are never followed,
 * so the key does not go where they point. That is a misconfigured server, like a 5xx storm:
 * the run stops resumably, and once the server is fixed the same command sends every record.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
	created,
	expectKept,
	type Hostile,
	hostileServer,
	importAgainst,
	rowOf,
	rowsOf,
	send,
} from "./hostile-support.js";

const servers: Hostile[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("307 to every POST", () => {
	it("stops resumably (exit 3); the same command then creates every record, none twice", async () => {
		let isRedirecting = true;
		let n = 0;
		const server = await hostileServer((seen, res) => {
			if (seen.method !== "POST")
				return send(res, 404, { error: { type: "x", code: "not_found", message: "no" } });
			if (isRedirecting) {
				res.writeHead(307, { location: "http://127.0.0.1:9/elsewhere", "content-length": 0 });
				return res.end();
			}
			n += 1;
			return send(res, 201, created(seen, n));
		});
		servers.push(server);
		const first = await importAgainst(server, rowsOf(30));
		expectKept(first, 3);
		// Bounded by the brake, not one attempt per row per retry.
		expect(server.requests.filter((r) => r.method === "POST").length).toBeLessThan(120);
		isRedirecting = false;
		const again = await importAgainst(server, [], {
			after: { run: first, args: ["import", first.customers, "--yes"] },
		});
		expectKept(again, 0);
		const made = server.requests.filter((r) => r.method === "POST" && r.attempt >= 1);
		const rows = new Set(made.slice(-n).map(rowOf));
		expect(n).toBe(30);
		expect(rows.size).toBe(30);
	}, 240_000);
});
