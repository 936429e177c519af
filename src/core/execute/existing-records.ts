/**
 * Records that may already be in Pivotal without this import knowing their id: customers
 * made by hand or by another tool, records an earlier run sent without getting the answer.
 * Each list is walked once per run and shared by every record that asks.
 */

import type { Customer, ListPage, ListQuery, PivotalRecord } from "../../api/types.js";
import { PASSES, type PassName, resourceOf } from "../../model/resources.js";

/** One page of a list, paced and retried by the caller; throws when the page cannot be had. */
export type PageFetcher<T> = (query: ListQuery) => Promise<ListPage<T>>;

/** Every row of a list: pages of 100, following `next_cursor` until `has_more` is false. */
export async function* walkPages<T>(fetchPage: PageFetcher<T>): AsyncGenerator<T> {
	let cursor: string | undefined;
	for (;;) {
		const page = await fetchPage(cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
		yield* page.data;
		// A page that claims more rows but gives no new cursor would loop forever.
		if (!page.has_more || page.next_cursor === null || page.next_cursor === cursor) return;
		cursor = page.next_cursor;
	}
}

/** CRM id fields that identify a customer across systems, in the order they are trusted (the table's). */
const CRM_ID_FIELDS = crmIdsOf("customers");

function crmIdsOf(pass: PassName): readonly string[] {
	const { matcher } = resourceOf(pass);
	return matcher.kind === "workspace" ? matcher.crmIds : [];
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

/** Adds `value` to the list under `key`. */
function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
	const list = map.get(key);
	if (list === undefined) map.set(key, [value]);
	else list.push(value);
}

/** The workspace's customers, by `metadata.external_id`, slug and CRM ids. */
export class CustomerDirectory {
	readonly #fetchPage: PageFetcher<Customer>;
	#walk: Promise<void> | undefined;
	#isLoaded = false;
	#walks = 0;
	readonly #byExternalId = new Map<string, Customer[]>();
	readonly #bySlug = new Map<string, Customer>();
	readonly #byCrmId = new Map<string, Customer[]>();
	// Customers already matched to a record: one Pivotal customer is adopted by one row at most.
	readonly #claimed = new Set<string>();

	constructor(fetchPage: PageFetcher<Customer>) {
		this.#fetchPage = fetchPage;
	}

	/** Walks of `GET /customers` so far. */
	get walks(): number {
		return this.#walks;
	}

	/** Walk once (or join the walk under way). A failed walk is walked again by the next caller. */
	load(): Promise<void> {
		if (this.#walk !== undefined) return this.#walk;
		const walk: Promise<void> = this.#load().then(
			() => {
				// A walk forgotten while it ran (`invalidate`) does not count as the current one.
				if (this.#walk === walk) this.#isLoaded = true;
			},
			(error: unknown) => {
				if (this.#walk === walk) this.#walk = undefined;
				throw error;
			},
		);
		this.#walk = walk;
		return walk;
	}

	/** The current walk has ended well: `find` answers without waiting. */
	get isLoaded(): boolean {
		return this.#isLoaded;
	}

	/** Forget the last walk (a slug was taken by a customer the walk did not see). */
	invalidate(): void {
		this.#walk = undefined;
		this.#isLoaded = false;
	}

	/**
	 * The customer a source row stands for: by `metadata.external_id`, then slug, then CRM ids.
	 * The first level with a candidate answers; two candidates there answer `Ambiguous`.
	 */
	find(
		externalId: string,
		body: Readonly<Record<string, unknown>>,
	): Customer | Ambiguous<Customer> | undefined {
		const candidates = this.candidatesFor(externalId, body, true);
		return candidates.length > 1 ? { ambiguous: candidates } : candidates[0];
	}

	/**
	 * The customers at the first level of `find`'s ladder that has any: those a first sync would
	 * take for the row (one) or refuse as ambiguous (several). Before a deleted customer is made
	 * again, one with its external id or a CRM id is it, added back (finding P3: a CRM integration
	 * writes no external id); a slug alone is not (`isSlugIdentity` false): someone unrelated may
	 * have taken it since, and the create then takes a suffixed one.
	 */
	candidatesFor(
		externalId: string,
		body: Readonly<Record<string, unknown>>,
		isSlugIdentity = false,
	): readonly Customer[] {
		// A workspace with no customers of its own (the usual first import): nothing to look through.
		if (this.#byExternalId.size === 0 && this.#bySlug.size === 0 && this.#byCrmId.size === 0) return [];
		const slugged = isSlugIdentity && typeof body.slug === "string" ? this.#bySlug.get(body.slug) : undefined;
		const levels: (readonly Customer[] | undefined)[] = [
			this.#byExternalId.get(externalId),
			slugged === undefined ? undefined : [slugged],
			...CRM_ID_FIELDS.map((field) => {
				const value = body[field];
				return typeof value === "string" ? this.#byCrmId.get(`${field}=${value}`) : undefined;
			}),
		];
		for (const level of levels) {
			const candidates = (level ?? []).filter((customer) => this.#isFor(customer, externalId));
			if (candidates.length > 0) return candidates;
		}
		return [];
	}

	/** May `customer` be this row's: not taken by another row, not carrying another row's external id. */
	#isFor(customer: Customer, externalId: string): boolean {
		if (this.#claimed.has(customer.id)) return false;
		const theirs = customer.metadata?.external_id;
		return typeof theirs !== "string" || theirs === externalId;
	}

	/**
	 * Does `customer` carry one of the row's CRM ids (the same HubSpot company, Stripe customer…)?
	 * A CRM integration writes those and no external id: its customer is the row's, as a first
	 * sync would have found it.
	 */
	carriesCrmIdOf(customer: Customer, body: Readonly<Record<string, unknown>>): boolean {
		return CRM_ID_FIELDS.some((field) => {
			const value = body[field];
			return typeof value === "string" && value !== "" && customer[field] === value;
		});
	}

	bySlug(slug: string): Customer | undefined {
		return this.#bySlug.get(slug);
	}

	claim(id: string): void {
		this.#claimed.add(id);
	}

	isClaimed(id: string): boolean {
		return this.#claimed.has(id);
	}

	/**
	 * A customer this run created: never adopted for another row. It is not indexed: a later
	 * `slug_taken` that the last walk cannot explain walks again.
	 */
	remember(customer: Customer): void {
		this.#claimed.add(customer.id);
	}

	async #load(): Promise<void> {
		this.#walks += 1;
		for await (const customer of walkPages(this.#fetchPage)) this.#add(customer);
	}

	#add(customer: Customer): void {
		const externalId = customer.metadata?.external_id;
		if (typeof externalId === "string") pushTo(this.#byExternalId, externalId, customer);
		if (typeof customer.slug === "string") this.#bySlug.set(customer.slug, customer);
		for (const field of CRM_ID_FIELDS) {
			const value = customer[field];
			if (typeof value === "string" && value !== "") pushTo(this.#byCrmId, `${field}=${value}`, customer);
		}
	}
}

/** A parent's records of one child resource on the server, walked once per parent and run. */
export class ChildDirectory<T extends PivotalRecord> {
	readonly #fetchPage: (parentId: string) => PageFetcher<T>;
	readonly #lists = new Map<string, Promise<readonly T[]>>();
	readonly #claimed = new Set<string>();
	// Set once a walk of the whole workspace's list was handed in (`takeWhole`): a parent with
	// no list of its own has no record.
	#isWhole = false;

	constructor(fetchPage: (parentId: string) => PageFetcher<T>) {
		this.#fetchPage = fetchPage;
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
			walk = collect(walkPages(this.#fetchPage(parentId)));
			walk.catch(() => this.#lists.delete(parentId));
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
		directories.set(pass, new ChildDirectory((parentId) => fetchPage(pass, parentId)));
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
 * writes back as a date compared by day)?
 */
export function carriesFields(
	record: PivotalRecord,
	body: Readonly<Record<string, unknown>>,
	pass: PassName = "onboardings",
): boolean {
	const normalise = resourceOf(pass).normalise ?? {};
	for (const [field, value] of Object.entries(body)) {
		const actual = record[field];
		if (normalise[field] === "date" && typeof value === "string" && typeof actual === "string") {
			if (!actual.startsWith(value.slice(0, 10))) return false;
		} else if (JSON.stringify(actual) !== JSON.stringify(value)) {
			return false;
		}
	}
	return true;
}
