import { describe, expect, it } from "vitest";
import type { ListPage, ListQuery, PivotalRecord } from "../../../src/api/types.js";
import { WorkspaceWalk } from "../../../src/core/execute/workspace-walk.js";

const onboarding = (id: string, customer: string): PivotalRecord =>
	({ id, customer_id: customer, name: id }) as unknown as PivotalRecord;

/** A list of `records` served `size` a page, as the API pages it; the queries asked are kept. */
function pages(records: PivotalRecord[], size: number, failAt?: number) {
	const asked: ListQuery[] = [];
	const fetchPage = async (query: ListQuery): Promise<ListPage<PivotalRecord>> => {
		asked.push(query);
		const from = query.cursor === undefined ? 0 : Number(query.cursor);
		if (failAt !== undefined && asked.length === failAt) throw new Error("503");
		const data = records.slice(from, from + size);
		const more = from + size < records.length;
		return {
			object: "list",
			data,
			has_more: more,
			next_cursor: more ? String(from + size) : null,
		} as ListPage<PivotalRecord>;
	};
	return { asked, fetchPage };
}

const all = [
	onboarding("o1", "c1"),
	onboarding("o2", "c2"),
	onboarding("o3", "c1"),
	onboarding("o4", "c3"),
	onboarding("o5", "c2"),
];

describe("WorkspaceWalk", () => {
	it("takes a page a step, following the cursor, and groups the records by customer once whole", async () => {
		const { asked, fetchPage } = pages(all, 2);
		const walk = new WorkspaceWalk(fetchPage, "customer_id");
		expect(await walk.step()).toBe(false);
		expect(walk.whole).toBeUndefined();
		expect(await walk.step()).toBe(false);
		expect(await walk.step()).toBe(true);
		expect(asked).toEqual([{ limit: 100 }, { limit: 100, cursor: "2" }, { limit: 100, cursor: "4" }]);
		expect(
			[...(walk.whole ?? new Map())].map(([c, list]) => [c, list.map((o: PivotalRecord) => o.id)]),
		).toEqual([
			["c1", ["o1", "o3"]],
			["c2", ["o2", "o5"]],
			["c3", ["o4"]],
		]);
		// Whole: no more requests.
		expect(await walk.step()).toBe(false);
		expect(asked).toHaveLength(3);
	});

	it("takes one page at a time: a step asked while one is on its way sends nothing", async () => {
		const { asked, fetchPage } = pages(all, 2);
		const walk = new WorkspaceWalk(fetchPage, "customer_id");
		const [first, second] = await Promise.all([walk.step(), walk.step()]);
		expect([first, second]).toEqual([false, false]);
		expect(asked).toHaveLength(1);
	});

	it("is given up when a page cannot be had: never whole, never asked again", async () => {
		const { asked, fetchPage } = pages(all, 2, 2);
		const walk = new WorkspaceWalk(fetchPage, "customer_id");
		await walk.step();
		expect(await walk.step()).toBe(false);
		expect(await walk.step()).toBe(false);
		expect(walk.whole).toBeUndefined();
		expect(asked).toHaveLength(2);
	});

	it("is given up at a page that repeats its cursor: never taken as whole, so no customer is taken to have none", async () => {
		let calls = 0;
		const fetchPage = async (): Promise<ListPage<PivotalRecord>> => {
			calls += 1;
			return {
				object: "list",
				data: [all[0]],
				has_more: true,
				next_cursor: "same",
			} as ListPage<PivotalRecord>;
		};
		const walk = new WorkspaceWalk(fetchPage, "customer_id");
		await walk.step();
		expect(await walk.step()).toBe(false);
		expect(await walk.step()).toBe(false);
		expect(walk.whole).toBeUndefined();
		expect(calls).toBe(2);
	});

	it("is given up at an empty page that says more rows follow: never asked again, never whole", async () => {
		let calls = 0;
		const fetchPage = async (): Promise<ListPage<PivotalRecord>> => {
			calls += 1;
			return { object: "list", data: [], has_more: true, next_cursor: "next" } as ListPage<PivotalRecord>;
		};
		const walk = new WorkspaceWalk(fetchPage, "customer_id");
		expect(await walk.step()).toBe(false);
		expect(await walk.step()).toBe(false);
		expect(walk.whole).toBeUndefined();
		expect(calls).toBe(1);
	});
});
