/**
 * A walk of a child resource's list of the whole workspace (`GET /onboardings`), a page at a time
 * as the caller asks, grouped by parent once whole. For look-ups of records a state may have
 * forgotten (forgotten-children.ts): one list per customer is cheap for a few customers and dear
 * for many (a resume lists nearly every customer again); a page of the workspace's list covers a
 * hundred records of any customers. Which is cheaper is not known ahead (the workspace may hold
 * many records of others), so the finder rents before it buys: past a few customers' lists, each
 * further look-up also takes one page of this walk, and once it is whole every later look-up is
 * answered from it. The cost is then at most twice the cheaper of the two, plus those few.
 */

import type { ListPage, ListQuery, PivotalRecord } from "../../api/types.js";

/** Customers' lists taken one by one before the walk of the workspace starts. */
export const LISTS_BEFORE_WALK = 8;

export class WorkspaceWalk {
	readonly #fetchPage: (query: ListQuery) => Promise<ListPage<PivotalRecord>>;
	readonly #parentField: string;
	readonly #byParent = new Map<string, PivotalRecord[]>();
	#cursor: string | undefined;
	#step: Promise<void> | undefined;
	#isWhole = false;
	// A page that could not be had: the walk is given up, look-ups go on a customer at a time.
	#isAbandoned = false;

	constructor(fetchPage: (query: ListQuery) => Promise<ListPage<PivotalRecord>>, parentField: string) {
		this.#fetchPage = fetchPage;
		this.#parentField = parentField;
	}

	/** The records by parent id, once every page was walked; undefined before. */
	get whole(): ReadonlyMap<string, readonly PivotalRecord[]> | undefined {
		return this.#isWhole ? this.#byParent : undefined;
	}

	/**
	 * Takes the next page, unless one is on its way or the walk is over. Resolves true when this
	 * step made the walk whole.
	 */
	async step(): Promise<boolean> {
		if (this.#isWhole || this.#isAbandoned || this.#step !== undefined) return false;
		const step = this.#next();
		this.#step = step;
		try {
			await step;
		} catch {
			this.#isAbandoned = true;
		} finally {
			this.#step = undefined;
		}
		return this.#isWhole;
	}

	async #next(): Promise<void> {
		const cursor = this.#cursor;
		const page = await this.#fetchPage(cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
		for (const record of page.data) {
			const parentId = record[this.#parentField];
			if (typeof parentId !== "string") continue;
			const list = this.#byParent.get(parentId);
			if (list) list.push(record);
			else this.#byParent.set(parentId, [record]);
		}
		// A page that claims more rows but gives no new cursor would loop forever: taken as the end.
		if (!page.has_more || page.next_cursor === null || page.next_cursor === cursor) this.#isWhole = true;
		else this.#cursor = page.next_cursor;
	}
}
