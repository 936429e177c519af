/**
 * The workspace's customers, indexed for the `workspace` matcher: a source row is matched by its
 * external id, its slug or one of its CRM ids. Apart from the children's directories
 * (existing-records.ts): a customer is matched on a ladder of identities, a child by one field
 * under its parent.
 */

import { BrokenListError } from "../../api/list-walk.js";
import type { Customer } from "../../api/types.js";
import { type PassName, resourceOf } from "../../model/resources.js";
import { type Ambiguous, type PageFetcher, walkPages } from "./existing-records.js";

/** CRM id fields that identify a customer across systems, in the order they are trusted (the table's). */
const CRM_ID_FIELDS = crmIdsOf("customers");

function crmIdsOf(pass: PassName): readonly string[] {
	const { matcher } = resourceOf(pass);
	return matcher.kind === "workspace" ? matcher.crmIds : [];
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
	// The last whole walk's indexes, replaced whole by the next (a walk again after `invalidate`):
	// a customer both walks saw is one candidate, not two, and a walk cut short is never read.
	#byExternalId = new Map<string, Customer[]>();
	#bySlug = new Map<string, Customer>();
	#byCrmId = new Map<string, Customer[]>();
	// Customers already matched to a record: one Pivotal customer is adopted by one row at most.
	readonly #claimed = new Set<string>();

	constructor(fetchPage: PageFetcher<Customer>) {
		this.#fetchPage = fetchPage;
	}

	/** Walks of `GET /customers` so far. */
	get walks(): number {
		return this.#walks;
	}

	/**
	 * Walk once (or join the walk under way). A walk that failed on a page is walked again by the
	 * next caller; one that found the list broken (list-walk.ts) is not, this run: it would be as
	 * broken and as long each time, and every look-up fails with its reason at once.
	 */
	load(): Promise<void> {
		if (this.#walk !== undefined) return this.#walk;
		const walk: Promise<void> = this.#load().then(
			() => {
				// A walk forgotten while it ran (`invalidate`) does not count as the current one.
				if (this.#walk === walk) this.#isLoaded = true;
			},
			(error: unknown) => {
				if (this.#walk === walk && !(error instanceof BrokenListError)) this.#walk = undefined;
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
		const walk = ++this.#walks;
		const byExternalId = new Map<string, Customer[]>();
		const bySlug = new Map<string, Customer>();
		const byCrmId = new Map<string, Customer[]>();
		for await (const customer of walkPages(this.#fetchPage, "GET /customers"))
			add(customer, byExternalId, bySlug, byCrmId);
		// A walk forgotten while it ran (`invalidate`) and ending after the next began is not read.
		if (walk !== this.#walks) return;
		this.#byExternalId = byExternalId;
		this.#bySlug = bySlug;
		this.#byCrmId = byCrmId;
	}
}

/** Indexes `customer` by its external id, slug and CRM ids. */
function add(
	customer: Customer,
	byExternalId: Map<string, Customer[]>,
	bySlug: Map<string, Customer>,
	byCrmId: Map<string, Customer[]>,
): void {
	const externalId = customer.metadata?.external_id;
	if (typeof externalId === "string") pushTo(byExternalId, externalId, customer);
	if (typeof customer.slug === "string") bySlug.set(customer.slug, customer);
	for (const field of CRM_ID_FIELDS) {
		const value = customer[field];
		if (typeof value === "string" && value !== "") pushTo(byCrmId, `${field}=${value}`, customer);
	}
}
