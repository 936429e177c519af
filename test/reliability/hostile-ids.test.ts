/**
 * A server that answers several creates with one id (adversarial finding U14: a server bug, or a
 * gateway replaying one cached 201 for different POSTs). Only the first row is recorded as that
 * record; the others fail `duplicate_id` naming it, stay in doubt, and a later run that is given
 * the id again (the record in the state now) refuses it again, never overwriting the first.
 */
import { writeFileSync } from "node:fs";
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

	it("W13: a create answered with another customer (its own external id) is not recorded as this row, so no undo deletes it", async () => {
		const stranger = {
			object: "customer",
			id: "cust_77",
			display_id: 77,
			name: "Stranger",
			slug: "stranger",
			status: "active",
			labels: [],
			metadata: { external_id: "zz77" },
		};
		const server = await serve((seen, res) => {
			if (seen.method === "POST") return send(res, 201, stranger);
			send(res, 404, { error: { type: "invalid_request_error", code: "not_found", message: "no" } });
		});
		const run = await importAgainst(server, [["g1", "G One", "g-one"]], {
			extraArgs: ["--headless", "--yes"],
		});
		expectKept(run, 1);
		expect(run.stdout).toMatch(
			/✗ customers g1 .*not_this_record: .*cust_77, which reads as metadata\.external_id "zz77"/,
		);
		const state = await readCheckpoint(join(run.dir, "customers.csv.checkpoint.json"));
		expect(state?.records.customers.get("g1")?.s).toBe("sent");
		const undo = await importAgainst(server, [], {
			after: { run, args: ["undo", run.customers, "--headless", "--yes"] },
		});
		expect(server.requests.some((seen) => seen.method === "DELETE")).toBe(false);
		expect(undo.stdout).not.toContain("cust_77 deleted");
	});

	it("U14: an undo's re-creation answered with another record's id is not recorded as it; it stays deleted", async () => {
		let posts = 0;
		const made = new Map<string, Record<string, unknown>>();
		const server = await serve((seen, res) => {
			if (seen.method === "POST") {
				posts += 1;
				// The undo's re-creation of h2 (the third create) is answered with h1's id.
				const record = { ...sameId(seen), id: posts === 3 ? "cus_1" : `cus_${posts}` };
				if (posts < 3) made.set(record.id, record);
				return send(res, 201, record);
			}
			const id = seen.url.split("/").pop() ?? "";
			if (seen.method === "GET" && made.has(id)) return send(res, 200, made.get(id));
			if (seen.method === "DELETE")
				return send(res, 200, {
					object: "deleted",
					id: seen.url.split("/").pop(),
					display_id: 7,
					deleted: true,
				});
			send(res, 404, { error: { type: "invalid_request_error", code: "not_found", message: "no" } });
		});
		const first = await importAgainst(
			server,
			[
				["h1", "H One", "h-one"],
				["h2", "H Two", "h-two"],
			],
			{ extraArgs: ["--headless", "--yes", "--concurrency", "1"] },
		);
		expectKept(first, 0);
		const customers = join(first.dir, "customers.csv");
		writeFileSync(customers, "external_id,name,slug\nh1,H One,h-one\n");
		const sync = await importAgainst(server, [], {
			after: {
				run: first,
				args: ["import", customers, "--headless", "--yes", "--delete-missing", "--max-deletes", "1"],
			},
		});
		expectKept(sync, 0);
		const undo = await importAgainst(server, [], {
			after: { run: first, args: ["undo", customers, "--headless", "--yes", "--verbose"] },
		});
		expectKept(undo, 1);
		expect(posts).toBe(3);
		expect(undo.stdout).toMatch(
			/✗ customers h2: 201 duplicate_id: .*id cus_1, which customers h1 of this import holds.*It stays deleted in the state/,
		);
		const state = await readCheckpoint(join(first.dir, "customers.csv.checkpoint.json"));
		const h1 = state?.records.customers.get("h1");
		expect(h1?.s === "done" && h1.id).toBe("cus_1");
		expect(state?.records.customers.get("h2")?.s).toBe("removed");
	});
});
