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

import { WalkPosition } from "../../api/list-walk.js";
import type { ListPage, ListQuery, PivotalRecord } from "../../api/types.js";

/** Customers' lists taken one by one before the walk of the workspace starts. */
export const LISTS_BEFORE_WALK = 8;

export class WorkspaceWalk {
	readonly #fetchPage: (query: ListQuery) => Promise<ListPage<PivotalRecord>>;
	readonly #parentField: string;
	readonly #byParent = new Map<string, PivotalRecord[]>();
	readonly #position = new WalkPosition();
	#step: Promise<void> | undefined;
	#isWhole = false;
	// A page that could not be had, or a list found broken (list-walk.ts: never taken as whole, so
	// no customer is taken to have no records): the walk is given up, look-ups go on a customer at a time.
	#isAbandoned = false;

	/** The list's name in a failure's sentence. */
	readonly #list: string;

	constructor(
		fetchPage: (query: ListQuery) => Promise<ListPage<PivotalRecord>>,
		parentField: string,
		list = "of the workspace",
	) {
		this.#fetchPage = fetchPage;
		this.#parentField = parentField;
		this.#list = list;
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
		const page = await this.#fetchPage(this.#position.query());
		for (const record of page.data) {
			const parentId = record[this.#parentField];
			if (typeof parentId !== "string") continue;
			const list = this.#byParent.get(parentId);
			if (list) list.push(record);
			else this.#byParent.set(parentId, [record]);
		}
		if (this.#position.advance(this.#list, page)) this.#isWhole = true;
	}
}
