import { describe, expect, it } from "vitest";
import { BrokenListError, WALK_PAGES_MAX } from "../../../src/api/list-walk.js";
import type { Contact, Customer, ListPage, ListQuery } from "../../../src/api/types.js";
import { CustomerDirectory } from "../../../src/core/execute/customer-directory.js";
import {
	ChildDirectory,
	carriesFields,
	type PageFetcher,
	walkPages,
} from "../../../src/core/execute/existing-records.js";

/** The id of what a look-up found (undefined for none, or for an ambiguous answer). */
function idOf(found: unknown): string | undefined {
	return (found as { id?: string } | undefined)?.id;
}

let nextDisplayId = 1;
function customer(id: string, fields: Record<string, unknown> = {}, externalId?: string): Customer {
	return {
		object: "customer",
		id,
		display_id: nextDisplayId++,
		name: id,
		slug: `slug-${id}`,
		metadata: externalId === undefined ? {} : { external_id: externalId },
		...fields,
	};
}

/** A list served in pages of `size`, cursors "p1", "p2", …; every query it was asked is kept. */
function pagedList<T>(rows: readonly T[], size = 2): PageFetcher<T> & { queries: ListQuery[] } {
	const queries: ListQuery[] = [];
	const fetch = async (query: ListQuery): Promise<ListPage<T>> => {
		queries.push(query);
		const page = query.cursor === undefined ? 0 : Number(query.cursor.slice(1));
		const data = rows.slice(page * size, (page + 1) * size);
		const hasMore = (page + 1) * size < rows.length;
		return { object: "list", data, has_more: hasMore, next_cursor: hasMore ? `p${page + 1}` : null };
	};
	return Object.assign(fetch, { queries });
}

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const row of rows) out.push(row);
	return out;
}

describe("walkPages", () => {
	it("follows next_cursor until has_more is false", async () => {
		const fetch = pagedList(["a", "b", "c", "d", "e"]);
		expect(await all(walkPages(fetch, "GET /customers"))).toEqual(["a", "b", "c", "d", "e"]);
		expect(fetch.queries).toEqual([
			{ limit: 100 },
			{ limit: 100, cursor: "p1" },
			{ limit: 100, cursor: "p2" },
		]);
	});

	it("fails on a page that repeats the cursor it was asked with: a broken list, not a whole one", async () => {
		const queries: ListQuery[] = [];
		const fetch: PageFetcher<string> = async (query) => {
			queries.push(query);
			// A walk that does not stop would never end the test: fail it instead.
			if (queries.length > 5) throw new Error("the walk did not stop");
			return { object: "list", data: [query.cursor ?? "first"], has_more: true, next_cursor: "same" };
		};
		const walked = all(walkPages(fetch, "GET /customers"));
		await expect(walked).rejects.toBeInstanceOf(BrokenListError);
		await expect(walked).rejects.toThrow(
			"the list GET /customers is broken: page 2 gave a cursor an earlier page gave",
		);
		expect(queries).toHaveLength(2);
	});

	it("fails on a cursor given two pages before (a loop of several pages)", async () => {
		const cursors = ["a", "b", "a", "b"];
		let calls = 0;
		const fetch: PageFetcher<string> = async () => {
			calls += 1;
			if (calls > 5) throw new Error("the walk did not stop");
			return { object: "list", data: ["x"], has_more: true, next_cursor: cursors[calls - 1] ?? null };
		};
		await expect(all(walkPages(fetch, "GET /customers"))).rejects.toThrow(
			"page 3 gave a cursor an earlier page gave",
		);
		expect(calls).toBe(3);
	});

	it("fails on an empty page that says more rows follow, though its cursor is new", async () => {
		let calls = 0;
		const fetch: PageFetcher<string> = async () => {
			calls += 1;
			if (calls > 5) throw new Error("the walk did not stop");
			return { object: "list", data: [], has_more: true, next_cursor: `c${calls}` };
		};
		await expect(all(walkPages(fetch, "GET /customers"))).rejects.toThrow(
			"page 1 held no rows yet said more follow",
		);
		expect(calls).toBe(1);
	});

	it(`ends a list of rows that never ends after ${WALK_PAGES_MAX} pages, failing`, async () => {
		let calls = 0;
		const fetch: PageFetcher<string> = async () => {
			calls += 1;
			if (calls > WALK_PAGES_MAX + 5) throw new Error("the walk did not stop");
			return { object: "list", data: [`r${calls}`], has_more: true, next_cursor: `c${calls}` };
		};
		await expect(all(walkPages(fetch, "GET /customers"))).rejects.toThrow(
			`it still said more rows follow after ${WALK_PAGES_MAX.toLocaleString("en-US")} pages`,
		);
		expect(calls).toBe(WALK_PAGES_MAX);
	});

	it("stops when has_more is false, whatever the cursor says", async () => {
		const queries: ListQuery[] = [];
		const fetch: PageFetcher<string> = async (query) => {
			queries.push(query);
			if (queries.length > 5) throw new Error("the walk did not stop");
			return { object: "list", data: ["x"], has_more: false, next_cursor: `c${queries.length}` };
		};
		expect(await all(walkPages(fetch, "GET /customers"))).toEqual(["x"]);
		expect(queries).toHaveLength(1);
	});

	it("fails when has_more comes without a cursor", async () => {
		let calls = 0;
		const fetch: PageFetcher<string> = async () => {
			calls += 1;
			return { object: "list", data: ["x"], has_more: true, next_cursor: null };
		};
		await expect(all(walkPages(fetch, "GET /customers"))).rejects.toThrow("gave no cursor");
		expect(calls).toBe(1);
	});

	it("passes a page's failure on", async () => {
		const fetch: PageFetcher<string> = async (query) => {
			if (query.cursor) throw new Error("page 2 failed");
			return { object: "list", data: ["x"], has_more: true, next_cursor: "c2" };
		};
		await expect(all(walkPages(fetch, "GET /customers"))).rejects.toThrow("page 2 failed");
	});
});

describe("CustomerDirectory", () => {
	const byExternalId = customer("cus_ext", { slug: "acme-ext" }, "crm-1");
	const bySlug = customer("cus_slug", { slug: "acme" });
	const byHubspot = customer("cus_hs", { hubspot_company_id: "hs-1" });
	const byStripe = customer("cus_st", { stripe_customer_id: "st-1" });
	const otherRows = customer("cus_other", { slug: "beta", hubspot_company_id: "hs-9" }, "crm-2");
	const rows = [byExternalId, bySlug, byHubspot, byStripe, otherRows];

	async function loaded(): Promise<CustomerDirectory> {
		const directory = new CustomerDirectory(pagedList(rows));
		await directory.load();
		return directory;
	}

	it("walks once for concurrent loads and any number of finds", async () => {
		const fetch = pagedList(rows);
		const directory = new CustomerDirectory(fetch);
		await Promise.all([directory.load(), directory.load(), directory.load()]);
		await directory.load();
		for (let i = 0; i < 10; i += 1) directory.find(`crm-${i}`, { slug: "acme" });
		expect(directory.walks).toBe(1);
		expect(fetch.queries).toHaveLength(3);
	});

	it("walks again for the next caller after a failed walk", async () => {
		let fail = true;
		const list = pagedList(rows);
		const directory = new CustomerDirectory(async (query) => {
			if (fail) throw new Error("503");
			return list(query);
		});
		const first = directory.load();
		const joined = directory.load();
		await expect(first).rejects.toThrow("503");
		await expect(joined).rejects.toThrow("503");
		fail = false;
		await directory.load();
		expect(directory.walks).toBe(2);
		expect(idOf(directory.find("crm-1", {}))).toBe("cus_ext");
	});

	it("does not walk a broken list again: every later load fails with its reason at once", async () => {
		let pages = 0;
		const directory = new CustomerDirectory(async () => {
			pages += 1;
			// A walk that does not stop would never end the test: fail it instead.
			if (pages > 5) throw new Error("the walk did not stop");
			return { object: "list", data: [], has_more: true, next_cursor: `c${pages}` };
		});
		await expect(directory.load()).rejects.toThrow("held no rows yet said more follow");
		await expect(directory.load()).rejects.toBeInstanceOf(BrokenListError);
		expect(directory.walks).toBe(1);
		expect(pages).toBe(1);
	});

	it("walks again after invalidate", async () => {
		const directory = await loaded();
		directory.invalidate();
		await directory.load();
		expect(directory.walks).toBe(2);
		// The second walk replaces the first: a customer both saw is one candidate, not two.
		expect(idOf(directory.find("crm-1", {}))).toBe("cus_ext");
	});

	it.each([
		{
			name: "external id before slug and CRM ids",
			id: "crm-1",
			body: { slug: "acme", hubspot_company_id: "hs-1" },
			found: "cus_ext",
		},
		{
			name: "slug before CRM ids",
			id: "crm-7",
			body: { slug: "acme", hubspot_company_id: "hs-1" },
			found: "cus_slug",
		},
		{ name: "a CRM id", id: "crm-7", body: { hubspot_company_id: "hs-1" }, found: "cus_hs" },
		{
			name: "HubSpot before Stripe",
			id: "crm-7",
			body: { stripe_customer_id: "st-1", hubspot_company_id: "hs-1" },
			found: "cus_hs",
		},
		{ name: "Stripe alone", id: "crm-7", body: { stripe_customer_id: "st-1" }, found: "cus_st" },
		{ name: "nothing in common", id: "crm-7", body: { slug: "nope" }, found: undefined },
		{
			name: "a CRM id in another field",
			id: "crm-7",
			body: { stripe_customer_id: "hs-1" },
			found: undefined,
		},
		{
			name: "a slug of a customer with another row's external id",
			id: "crm-3",
			body: { slug: "beta" },
			found: undefined,
		},
		{
			name: "a CRM id of a customer with another row's external id",
			id: "crm-3",
			body: { hubspot_company_id: "hs-9" },
			found: undefined,
		},
		{
			name: "past another row's customer to the next candidate",
			id: "crm-3",
			body: { slug: "beta", hubspot_company_id: "hs-1" },
			found: "cus_hs",
		},
		{
			name: "its own external id with a slug of another row",
			id: "crm-2",
			body: { slug: "acme" },
			found: "cus_other",
		},
	])("matches by $name", async ({ id, body, found }) => {
		const directory = await loaded();
		expect(idOf(directory.find(id, body))).toBe(found);
	});

	it("lets a claimed customer be adopted once", async () => {
		const directory = await loaded();
		const first = directory.find("crm-7", { slug: "acme" });
		expect(idOf(first)).toBe("cus_slug");
		directory.claim(idOf(first)!);
		expect(directory.find("crm-8", { slug: "acme" })).toBeUndefined();
		// A claimed candidate is skipped, not the end of the search.
		expect(idOf(directory.find("crm-8", { slug: "acme", stripe_customer_id: "st-1" }))).toBe("cus_st");
	});

	it("remembers a customer the run made: never adopted for a row, even once a later walk lists it", async () => {
		const made = customer("cus_new", { slug: "gamma" }, "crm-5");
		const directory = await loaded();
		directory.remember(made);
		// Not indexed (no cost per create): a slug_taken the walk cannot explain walks again.
		expect(directory.bySlug("gamma")).toBeUndefined();
		expect(directory.find("crm-5", { slug: "gamma" })).toBeUndefined();
		expect(directory.walks).toBe(1);
	});
});

describe("ChildDirectory", () => {
	const contact = (id: string, email: string): Contact => ({
		object: "contact",
		id,
		display_id: 1,
		customer_id: "cus_1",
		name: id,
		email,
	});

	it("walks each customer's list once and hands a child to one record only", async () => {
		const walked: string[] = [];
		const directory = new ChildDirectory<Contact>((parentId) => {
			walked.push(parentId);
			return pagedList([contact("con_1", "ann@acme.com"), contact("con_2", "ann@acme.com")]);
		});
		const isAnn = (c: Contact) => c.email === "ann@acme.com";
		const [a, b] = await Promise.all([directory.find("cus_1", isAnn), directory.find("cus_1", isAnn)]);
		expect([idOf(a), idOf(b)].sort()).toEqual(["con_1", "con_2"]);
		expect(await directory.find("cus_1", isAnn)).toBeUndefined();
		await directory.find("cus_2", isAnn);
		expect(walked).toEqual(["cus_1", "cus_2"]);
	});

	it("walks a customer's list again after a failed walk", async () => {
		let calls = 0;
		const directory = new ChildDirectory<Contact>(() => async () => {
			calls += 1;
			if (calls === 1) throw new Error("reset");
			return { object: "list", data: [contact("con_1", "a@b.c")], has_more: false, next_cursor: null };
		});
		await expect(directory.find("cus_1", () => true)).rejects.toThrow("reset");
		expect(idOf(await directory.find("cus_1", () => true))).toBe("con_1");
	});
});

describe("carriesFields", () => {
	const onboarding = {
		object: "onboarding" as const,
		id: "onb_1",
		display_id: 1,
		customer_id: "cus_1",
		name: "Go live",
		target_launch_date: "2025-03-01T00:00:00.000Z",
		labels: ["a"],
	};

	it.each([
		{ body: { name: "Go live", target_launch_date: "2025-03-01" }, carries: true },
		{ body: { target_launch_date: "2025-03-02" }, carries: false },
		{ body: { labels: ["a"] }, carries: true },
		{ body: { name: "Other" }, carries: false },
		{ body: { phase: "kickoff" }, carries: false },
	])("$body → $carries", ({ body, carries }) => {
		expect(carriesFields(onboarding, body)).toBe(carries);
	});
});

describe("CustomerDirectory.isLoaded: find answers without waiting only after the current walk", () => {
	it("is false before and during a walk, true after it, false again once invalidated", async () => {
		const directory = new CustomerDirectory(pagedList([customer("cus_1", {}, "ext-1")]));
		expect(directory.isLoaded).toBe(false);
		const walk = directory.load();
		expect(directory.isLoaded).toBe(false);
		await walk;
		expect(directory.isLoaded).toBe(true);
		expect(idOf(directory.find("ext-1", {}))).toBe("cus_1");
		directory.invalidate();
		expect(directory.isLoaded).toBe(false);
	});

	it("a walk forgotten while it ran does not make the directory loaded; the next one does", async () => {
		const directory = new CustomerDirectory(pagedList([customer("cus_1")]));
		const first = directory.load();
		directory.invalidate();
		await first;
		expect(directory.isLoaded).toBe(false);
		await directory.load();
		expect(directory.isLoaded).toBe(true);
	});

	it("a failed walk leaves it unloaded and is walked again by the next caller", async () => {
		let calls = 0;
		const directory = new CustomerDirectory(async () => {
			calls += 1;
			if (calls === 1) throw new Error("503");
			return { object: "list", data: [customer("cus_2", {}, "ext-2")], has_more: false, next_cursor: null };
		});
		await expect(directory.load()).rejects.toThrow("503");
		expect(directory.isLoaded).toBe(false);
		await directory.load();
		expect(directory.isLoaded).toBe(true);
		expect(idOf(directory.find("ext-2", {}))).toBe("cus_2");
	});
});
