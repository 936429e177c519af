/**
 * A server whose lists never end (adversarial findings U8, U9): pages that say `has_more` for
 * ever, empty with a new cursor each time, repeating one cursor, or giving rows without end. The
 * walk stops on its own, the records that needed it fail `lookup_failed` (retryable: the next run
 * walks again) with one sentence naming the list, and nothing is created on a walk cut short.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WALK_PAGES_MAX } from "../../src/api/list-walk.js";
import {
	CASE_BOUND_MS,
	created,
	expectKept,
	hostileServersPerTest,
	importAgainst,
	type Seen,
	send,
} from "./hostile-support.js";

const serve = hostileServersPerTest();

/** Headers that let the run go as fast as the loopback: the walk's bound, not the pace, ends it. */
const ROOMY = { "x-ratelimit-limit": "100000", "x-ratelimit-remaining": "99999", "x-ratelimit-reset": "1" };

const pathOf = (seen: Seen) => seen.url.split("?")[0] ?? "";
const cursorOf = (seen: Seen) => new URL(seen.url, "http://x").searchParams.get("cursor");
const listPages = (server: { requests: Seen[] }, path: string) =>
	server.requests.filter((seen) => seen.method === "GET" && pathOf(seen) === path);
const creates = (server: { requests: Seen[] }) => server.requests.filter((seen) => seen.method === "POST");

function list(data: unknown[], cursor: string | null, hasMore = true) {
	return { object: "list", data, has_more: hasMore, next_cursor: cursor };
}

const EMPTY = list([], null, false);

/** A server whose customer list answers `page(seen)` each page; a create answered as made; anything else empty. */
function customersListed(page: (seen: Seen) => unknown) {
	return serve(
		(seen, res) => {
			if (pathOf(seen) === "/api/v1/customers" && seen.method === "GET")
				return send(res, 200, page(seen), ROOMY);
			if (seen.method === "POST") return send(res, 201, created(seen), ROOMY);
			send(res, 200, EMPTY, ROOMY);
		},
		undefined,
		true,
	);
}

/** One customer row imported headless against `server`. */
const importOne = (server: Parameters<typeof importAgainst>[0]) =>
	importAgainst(server, [["h1", "H One", "h-one"]], { extraArgs: ["--headless", "--yes"] });

/** A customer other than the row's, on page `n` of a list. */
const someone = (n: number | string, cursor: string) => ({
	object: "customer",
	id: `cus_${cursor}`,
	display_id: typeof n === "number" ? n : 1,
	name: "Someone",
	slug: typeof n === "number" ? `s${n}` : cursor,
});

describe("a list that never ends is walked to a bound, not for ever", {
	timeout: CASE_BOUND_MS + 10_000,
}, () => {
	it("U8: empty pages that say more follow, each with a new cursor: one page, lookup_failed, nothing created", async () => {
		let page = 0;
		const server = await customersListed(() => list([], `c${++page}`));
		const run = await importOne(server);
		expectKept(run, 1);
		expect(listPages(server, "/api/v1/customers")).toHaveLength(1);
		expect(creates(server)).toHaveLength(0);
		expect(run.stdout).toContain(
			"The list GET /customers is broken: page 1 held no rows yet said more follow; the walk was stopped there.",
		);
		expect(run.stdout).toContain("lookup_failed");
		expect(run.files.get("failures.csv")).toContain("the list GET /customers is broken");
	});

	it("U9: a cursor repeated while has_more is true is a broken list, not a whole one: nothing created", async () => {
		const server = await customersListed(() => list([], "c1"));
		const run = await importOne(server);
		expectKept(run, 1);
		expect(creates(server)).toHaveLength(0);
		expect(run.stdout).toContain("lookup_failed");
	});

	it("U9: pages of rows whose cursors go round (c1, c2, c1): stopped at the repeat, nothing created", async () => {
		const server = await customersListed((seen) => {
			const next = cursorOf(seen) === "c1" ? "c2" : "c1";
			return list([someone(next, next)], next);
		});
		const run = await importOne(server);
		expectKept(run, 1);
		expect(listPages(server, "/api/v1/customers")).toHaveLength(3);
		expect(creates(server)).toHaveLength(0);
		expect(run.stdout).toContain("page 3 gave a cursor an earlier page gave");
	});

	it(`U8: rows without end, a new cursor each page: stopped after ${WALK_PAGES_MAX} pages, nothing created`, async () => {
		let page = 0;
		const server = await customersListed(() => {
			page += 1;
			return list([someone(page, String(page))], `c${page}`);
		});
		const run = await importOne(server);
		expectKept(run, 1);
		expect(listPages(server, "/api/v1/customers")).toHaveLength(WALK_PAGES_MAX);
		expect(creates(server)).toHaveLength(0);
		expect(run.stdout).toContain(
			`it still said more rows follow after ${WALK_PAGES_MAX.toLocaleString("en-US")} pages`,
		);
		// The walk said how far it was as it went, not only once it was stopped.
		expect(run.stdout).toContain("Still walking GET /customers: 1,000 pages and 1,000 rows so far");
		expect(run.stdout).toContain("Still walking GET /customers: 19,000 pages");
	});

	it("U8: a customer's contacts that never end: its contacts fail lookup_failed, its customer is kept", async () => {
		let page = 0;
		const acme = {
			object: "customer",
			id: "cus_acme",
			display_id: 1,
			name: "H One",
			slug: "h-one",
			metadata: { external_id: "h1" },
		};
		const server = await serve(
			(seen, res) => {
				const path = pathOf(seen);
				if (seen.method === "GET" && path === "/api/v1/customers")
					return send(res, 200, list([acme], null, false), ROOMY);
				if (seen.method === "GET" && path === "/api/v1/customers/cus_acme/contacts")
					return send(res, 200, list([], `c${++page}`), ROOMY);
				if (seen.method === "POST") return send(res, 201, created(seen), ROOMY);
				send(res, 200, EMPTY, ROOMY);
			},
			undefined,
			true,
		);
		const first = await importOne(server);
		const contacts = join(first.dir, "contacts.csv");
		writeFileSync(
			contacts,
			"customer_external_id,name,email\nh1,Ann,ann@example.com\nh1,Bob,bob@example.com\n",
		);
		const run = await importAgainst(server, [], {
			after: {
				run: first,
				args: ["import", first.customers, "--contacts", contacts, "--headless", "--yes"],
			},
		});
		expectKept(run, 1);
		expect(creates(server)).toHaveLength(0);
		// One walk of the broken list, not one per contact.
		expect(listPages(server, "/api/v1/customers/cus_acme/contacts")).toHaveLength(1);
		expect(run.stdout).toContain("The list GET /customers/cus_acme/contacts is broken");
		expect(run.stdout).toMatch(/lookup_failed ×2/);
	});
});
