/**
 * When a walk of a list (pages of 100 following `next_cursor`) ends, and when the list is broken.
 * One rule for every walker: the client's (`walkCustomers`…), the finder's directories and the
 * workspace walk. A walk that is cut short must never be taken as the whole list: a record further
 * on would not be found and would be made a second time (adversarial finding U9); and a walk must
 * end, whatever the server says (finding U8: a list whose pages say `has_more` for ever).
 */

import { createHash } from "node:crypto";
import type { ListPage } from "./types.js";

/** Rows asked for per page: the API's maximum. */
export const WALK_PAGE_SIZE = 100;

/**
 * Pages one walk takes at most: 2,000,000 rows at 100 a page, twice the million records the
 * engine is built for, so no real workspace (or customer) is cut; a server still saying
 * `has_more` past it is broken. Each page then holds at least one row (an empty page that says
 * more follow is refused at once), so the bound is met only by a list that keeps giving rows.
 */
export const WALK_PAGES_MAX = 20_000;

/** A list that cannot be walked to its end: the look-ups that needed it cannot answer. */
export class BrokenListError extends Error {
	override readonly name = "BrokenListError";
}

/** A reason (`BrokenListError`'s message) as a sentence of its own: capitalised, with a full stop. */
export function sentenceOf(reason: string): string {
	return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
}

/** Where a walk is: what it asked last, and every cursor it was given (as digests: a cursor may be long). */
export class WalkPosition {
	/** The cursor to ask the next page with; undefined for the first page. */
	cursor: string | undefined;
	pages = 0;
	rows = 0;
	readonly #seen = new Set<string>();
	/** The id of each page's first row: a page that starts again where an earlier one did repeats the list. */
	readonly #firstIds = new Set<string>();

	/** The query of the next page. */
	query(): { limit: number; cursor?: string } {
		return this.cursor === undefined
			? { limit: WALK_PAGE_SIZE }
			: { limit: WALK_PAGE_SIZE, cursor: this.cursor };
	}

	/**
	 * Takes in the page just read: true when the list is at its end, false when `cursor` is the
	 * next page's. Throws `BrokenListError` naming `list` when the page says more rows follow but
	 * the walk cannot or must not go on: no cursor, a cursor given before (a loop), an empty page,
	 * or past `WALK_PAGES_MAX` pages.
	 */
	advance(list: string, page: Pick<ListPage<unknown>, "data" | "has_more" | "next_cursor">): boolean {
		this.pages += 1;
		this.rows += page.data.length;
		if (!page.has_more) return true;
		const next = page.next_cursor;
		const broken = (what: string) =>
			new BrokenListError(`the list ${list} is broken: ${what}; the walk was stopped there`);
		if (typeof next !== "string" || next === "")
			throw broken(`page ${this.pages} said more rows follow but gave no cursor to ask them with`);
		if (page.data.length === 0) throw broken(`page ${this.pages} held no rows yet said more follow`);
		const digest = createHash("sha256").update(next).digest("base64");
		if (this.#seen.has(digest))
			throw broken(
				`page ${this.pages} gave a cursor an earlier page gave, so the list would go round for ever`,
			);
		// New cursors over the same rows go round as surely as a repeated cursor (finding W5).
		const first = (page.data[0] as { id?: unknown } | null)?.id;
		if (typeof first === "string") {
			if (this.#firstIds.has(first))
				throw broken(
					`page ${this.pages} began with a row an earlier page began with, so the list would go round for ever`,
				);
			this.#firstIds.add(first);
		}
		if (this.pages >= WALK_PAGES_MAX)
			throw broken(
				`it still said more rows follow after ${WALK_PAGES_MAX.toLocaleString("en-US")} pages and ${this.rows.toLocaleString("en-US")} rows, more than any workspace holds`,
			);
		this.#seen.add(digest);
		this.cursor = next;
		return false;
	}
}
