import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../src/api/errors.js";
import { clientsPerTest, type Handler, json } from "./loopback.js";

const connect = clientsPerTest();

function setup(handler: Handler) {
	return connect(handler);
}

/** A list endpoint over `total` rows, newest first, paging by `cursor` = last row's created_at. */
function paged(total: number): Handler {
	const rows = Array.from({ length: total }, (_, i) => ({
		object: "customer",
		id: `c_${total - i}`,
		created_at: new Date(Date.UTC(2026, 0, 1) + (total - i) * 1000).toISOString(),
	}));
	return (req, res) => {
		const url = new URL(req.url, "http://x");
		const limit = Number(url.searchParams.get("limit") ?? 20);
		const cursor = url.searchParams.get("cursor");
		const start = cursor === null ? 0 : rows.findIndex((r) => r.created_at < cursor);
		const data = start < 0 ? [] : rows.slice(start, start + limit);
		const end = start + data.length;
		const hasMore = end < rows.length;
		json(res, 200, {
			object: "list",
			data,
			has_more: hasMore,
			next_cursor: hasMore ? (data.at(-1)?.created_at ?? null) : null,
		});
	};
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of iterable) out.push(item);
	return out;
}

describe("walk", () => {
	it("follows next_cursor with limit 100 until has_more is false", async () => {
		const { server, client } = await setup(paged(250));
		const rows = await collect(client.walkCustomers());
		expect(rows).toHaveLength(250);
		expect(new Set(rows.map((r) => r.id)).size).toBe(250);
		expect(server.requests.map((r) => r.url)).toEqual([
			"/api/v1/customers?limit=100",
			`/api/v1/customers?limit=100&cursor=${encodeURIComponent(rows[99]?.created_at as string)}`,
			`/api/v1/customers?limit=100&cursor=${encodeURIComponent(rows[199]?.created_at as string)}`,
		]);
	});

	it("stops on a last page of exactly limit rows when has_more is false", async () => {
		const { server, client } = await setup(paged(200));
		const rows = await collect(client.walkCustomers());
		expect(rows).toHaveLength(200);
		expect(server.requests).toHaveLength(2);
	});

	it("makes one request for an empty list", async () => {
		const { server, client } = await setup(paged(0));
		expect(await collect(client.walkContacts("c_1"))).toEqual([]);
		expect(server.requests.map((r) => r.url)).toEqual(["/api/v1/customers/c_1/contacts?limit=100"]);
	});

	it("walks a customer's onboardings under an encoded id", async () => {
		const { server, client } = await setup(paged(3));
		expect(await collect(client.walkCustomerOnboardings("a b"))).toHaveLength(3);
		expect(server.requests[0]?.url).toBe("/api/v1/customers/a%20b/onboardings?limit=100");
	});

	it("fails instead of looping when has_more is true without a new cursor", async () => {
		const { server, client } = await setup((_req, res) =>
			json(res, 200, { object: "list", data: [{ id: "x" }], has_more: true, next_cursor: "same" }),
		);
		const seen: unknown[] = [];
		const error = await (async () => {
			for await (const row of client.walkCustomers()) seen.push(row);
		})().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect((error as ApiError).code).toBe("invalid_pagination");
		expect(server.requests).toHaveLength(2);
		expect(seen).toHaveLength(2);
	});

	it("fails on a cursor an earlier page gave (a loop over several pages), never walking it for ever", async () => {
		let calls = 0;
		const { server, client } = await setup((_req, res) => {
			calls += 1;
			// A walker that does not stop is let go after 10 pages, so the test fails rather than hangs.
			const next = calls > 10 ? null : calls % 2 === 1 ? "a" : "b";
			json(res, 200, {
				object: "list",
				data: [{ id: `x${calls}` }],
				has_more: next !== null,
				next_cursor: next,
			});
		});
		const error = await collect(client.walkCustomers()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect((error as ApiError).code).toBe("invalid_pagination");
		expect((error as ApiError).message).toContain("page 3 gave a cursor an earlier page gave");
		expect(server.requests).toHaveLength(3);
	});

	it("fails on pages that give the same rows under new cursors (finding W5), never walking them to the bound", async () => {
		let calls = 0;
		const { server, client } = await setup((_req, res) => {
			calls += 1;
			json(res, 200, {
				object: "list",
				data: [{ id: "same_1" }, { id: "same_2" }],
				has_more: calls < 10,
				next_cursor: `c${calls}`,
			});
		});
		const error = await collect(client.walkCustomers()).catch((e: unknown) => e);
		expect((error as ApiError).code).toBe("invalid_pagination");
		expect((error as ApiError).message).toContain("page 2 began with a row an earlier page began with");
		expect(server.requests).toHaveLength(2);
	});

	it("fails on an empty page that says more rows follow", async () => {
		let calls = 0;
		const { server, client } = await setup((_req, res) => {
			calls += 1;
			json(res, 200, { object: "list", data: [], has_more: calls < 10, next_cursor: `c${calls}` });
		});
		const error = await collect(client.walkContacts("cus_1")).catch((e: unknown) => e);
		expect((error as ApiError).code).toBe("invalid_pagination");
		expect((error as ApiError).message).toMatch(
			/^The list GET \/customers\/cus_1\/contacts of 127\.0\.0\.1:\d+ is broken: page 1 held no rows/,
		);
		expect(server.requests).toHaveLength(1);
	});

	it("stops between pages when the signal fires", async () => {
		const controller = new AbortController();
		const { server, client } = await setup(paged(300));
		const rows: unknown[] = [];
		const error = await (async () => {
			for await (const row of client.walkCustomers({ signal: controller.signal })) {
				rows.push(row);
				if (rows.length === 100) controller.abort();
			}
		})().catch((e: unknown) => e);
		expect(rows).toHaveLength(100);
		expect(server.requests).toHaveLength(1);
		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).reason).toBe("aborted");
	});
});
