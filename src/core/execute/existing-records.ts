/**
 * Records that may already be in Pivotal without this import knowing their id: customers
 * made by hand or by another tool, records an earlier run sent without getting the answer.
 * Each list is walked once per run and shared by every record that asks. This file holds the
 * walk of a list and the children's directories; the customers' is customer-directory.ts.
 */

import { BrokenListError, WalkPosition } from "../../api/list-walk.js";
import type { ListPage, ListQuery, PivotalRecord } from "../../api/types.js";
import { PASSES, type PassName, resourceOf, routePath } from "../../model/resources.js";
import { formOf, serverForm } from "../../model/value-forms.js";

/** One page of a list, paced and retried by the caller; throws when the page cannot be had. */
export type PageFetcher<T> = (query: ListQuery) => Promise<ListPage<T>>;

/**
 * Every row of `list` (named in the sentence of a failure): pages of 100, following `next_cursor`
 * until `has_more` is false. Throws `BrokenListError` when the list says more rows follow but
 * cannot be walked on (list-walk.ts): a walk cut short is never taken as the whole list.
 */
export async function* walkPages<T>(fetchPage: PageFetcher<T>, list: string): AsyncGenerator<T> {
	const position = new WalkPosition();
	for (;;) {
		const page = await fetchPage(position.query());
		yield* page.data;
		if (position.advance(list, page)) return;
	}
}

/**
 * More than one record in Pivotal matches a row at the same level (two customers with one
 * external id or one CRM id, two onboardings of one name): none is adopted, since taking one
 * would overwrite a record chosen by the list's order (finding O16).
 */
export interface Ambiguous<T extends PivotalRecord = PivotalRecord> {
	readonly ambiguous: readonly T[];
}

export function isAmbiguous(found: unknown): found is Ambiguous {
	return typeof found === "object" && found !== null && "ambiguous" in found;
}

/** A parent's records of one child resource on the server, walked once per parent and run. */
export class ChildDirectory<T extends PivotalRecord> {
	readonly #fetchPage: (parentId: string) => PageFetcher<T>;
	/** The list's name in a failure's sentence, from the parent's id. */
	readonly #nameOf: (parentId: string) => string;
	readonly #lists = new Map<string, Promise<readonly T[]>>();
	readonly #claimed = new Set<string>();
	// Set once a walk of the whole workspace's list was handed in (`takeWhole`): a parent with
	// no list of its own has no record.
	#isWhole = false;

	constructor(
		fetchPage: (parentId: string) => PageFetcher<T>,
		nameOf: (parentId: string) => string = (parentId) => `of customer ${parentId}`,
	) {
		this.#fetchPage = fetchPage;
		this.#nameOf = nameOf;
	}

	/**
	 * The first unclaimed child of `parentId` that `matches`; it is claimed. With `isUnique`, two
	 * unclaimed children that match answer `Ambiguous`, and none is claimed.
	 */
	async find(
		parentId: string,
		matches: (child: T) => boolean,
		isUnique = false,
	): Promise<T | Ambiguous<T> | undefined> {
		const list = await this.#list(parentId);
		const candidates = list.filter((child) => !this.#claimed.has(child.id) && matches(child));
		if (isUnique && candidates.length > 1) return { ambiguous: candidates };
		const found = candidates[0];
		if (found) this.#claimed.add(found.id);
		return found;
	}

	claim(id: string): void {
		this.#claimed.add(id);
	}

	/** Every child of `parentId` that `matches`, claimed or not; none is claimed. */
	async matching(parentId: string, matches: (child: T) => boolean): Promise<readonly T[]> {
		return (await this.#list(parentId)).filter(matches);
	}

	/**
	 * The whole workspace's records of the resource, by parent id (workspace-walk.ts): parents
	 * not walked on their own are answered from it, with no request.
	 */
	takeWhole(byParent: ReadonlyMap<string, readonly T[]>): void {
		for (const [parentId, list] of byParent)
			if (!this.#lists.has(parentId)) this.#lists.set(parentId, Promise.resolve(list));
		this.#isWhole = true;
	}

	/** Is `parentId`'s list walked (or on its way), or the whole workspace's in: no request to answer for it. */
	isListed(parentId: string): boolean {
		return this.#isWhole || this.#lists.has(parentId);
	}

	#list(parentId: string): Promise<readonly T[]> {
		let walk = this.#lists.get(parentId);
		if (!walk && this.#isWhole) return Promise.resolve([]);
		if (!walk) {
			walk = collect(walkPages(this.#fetchPage(parentId), this.#nameOf(parentId)));
			// A page that could not be had is asked again by the next look-up; a broken list is not
			// walked again this run: it would be as broken, and as long, each time.
			walk.catch((error: unknown) => {
				if (!(error instanceof BrokenListError)) this.#lists.delete(parentId);
			});
			this.#lists.set(parentId, walk);
		}
		return walk;
	}
}

/**
 * One directory per child resource of the table (a resource with a parent), each walking the
 * resource's list route under a parent through `fetchPage`.
 */
export function childDirectories(
	fetchPage: (pass: PassName, parentId: string) => PageFetcher<PivotalRecord>,
): (pass: PassName) => ChildDirectory<PivotalRecord> {
	const directories = new Map<PassName, ChildDirectory<PivotalRecord>>();
	for (const pass of PASSES) {
		if (resourceOf(pass).parent === undefined) continue;
		const route = resourceOf(pass).routes.list;
		directories.set(
			pass,
			new ChildDirectory(
				(parentId) => fetchPage(pass, parentId),
				(parentId) => `GET ${routePath(route, { parent: parentId })}`,
			),
		);
	}
	return (pass) => {
		const directory = directories.get(pass);
		if (directory === undefined) throw new Error(`${pass} has no parent: it has no child directory`);
		return directory;
	};
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
	const all: T[] = [];
	for await (const row of rows) all.push(row);
	return all;
}

/**
 * Does a server record carry every field this body sets (a field the table says the server
 * writes back as a date compared by its instant)?
 */
export function carriesFields(
	record: PivotalRecord,
	body: Readonly<Record<string, unknown>>,
	pass: PassName = "onboardings",
): boolean {
	for (const [field, value] of Object.entries(body)) {
		const actual = record[field];
		const form = formOf(pass, field);
		if (form === "date" && typeof value === "string" && typeof actual === "string") {
			if (serverForm(form, actual) !== serverForm(form, value)) return false;
		} else if (JSON.stringify(actual) !== JSON.stringify(value)) {
			return false;
		}
	}
	return true;
}
