/**
 * A server that answers several creates with one id (adversarial finding U14: a server bug, or a
 * gateway replaying one cached 201 for different POSTs). Only the first row is recorded as that
 * record; the others fail `duplicate_id` naming it, stay in doubt, and a later run that is given
 * the id again (the record in the state now) refuses it again, never overwriting the first.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import {
	CASE_BOUND_MS,
	expectKept,
	hostileServersPerTest,
	importAgainst,
	rowOf,
	send,
} from "./hostile-support.js";

const serve = hostileServersPerTest();

/** Every POST answered 201 with the body sent and one id; every PATCH likewise. */
function sameId(seen: { method: string; body: string }) {
	const body = JSON.parse(seen.body || "{}") as Record<string, unknown>;
	return { object: "customer", id: "cus_same", display_id: 7, status: "active", labels: [], ...body };
}

describe("a create answered with an id another record holds", { timeout: CASE_BOUND_MS * 2 + 10_000 }, () => {
	it("U14: is not recorded as that record: the row fails duplicate_id naming it, in this run and the next", async () => {
		const server = await serve((seen, res) => {
			if (seen.method === "POST" || seen.method === "PATCH") return send(res, 201, sameId(seen));
			send(res, 404, { error: { type: "invalid_request_error", code: "not_found", message: "no" } });
		});
		const rows = [
			["h1", "H One", "h-one"],
			["h2", "H Two", "h-two"],
			["h3", "H Three", "h-three"],
		] as const;
		const first = await importAgainst(server, rows, {
			extraArgs: ["--headless", "--yes", "--concurrency", "1"],
		});
		expectKept(first, 1);
		const holder = rowOf(server.requests.find((seen) => seen.method === "POST") ?? ({ body: "" } as never));
		const others = ["h1", "h2", "h3"].filter((key) => key !== holder);
		for (const key of others)
			expect(first.stdout).toMatch(
				new RegExp(
					`✗ customers ${key} .*duplicate_id: .*id cus_same, which customers ${holder} of this import holds`,
				),
			);
		const state = await readCheckpoint(join(first.dir, "customers.csv.checkpoint.json"));
		const held = ["h1", "h2", "h3"].filter((key) => {
			const record = state?.records.customers.get(key);
			return record?.s === "done" && record.id === "cus_same";
		});
		expect(held).toEqual([holder]);
		for (const key of others) expect(state?.records.customers.get(key)?.s).toBe("sent");

		// The next run sends them again and is answered the same: the id is the state's now, refused again.
		const posts = server.requests.filter((seen) => seen.method === "POST").length;
		const again = await importAgainst(server, [], {
			after: { run: first, args: ["import", first.customers, "--verbose", "--headless", "--yes"] },
		});
		expectKept(again, 1);
		expect(server.requests.filter((seen) => seen.method === "POST").length).toBe(posts + 2);
		expect(server.requests.some((seen) => seen.method === "PATCH")).toBe(false);
		const after = await readCheckpoint(join(first.dir, "customers.csv.checkpoint.json"));
		for (const key of others) {
			expect(again.stdout).toMatch(new RegExp(`✗ customers ${key} .*duplicate_id`));
			expect(after?.records.customers.get(key)?.s).toBe("sent");
		}
	});
});
