import type { Customer, ListPage } from "../api/types.js";

export type CustomerPageFetcher = (
	cursor: string | undefined,
	signal?: AbortSignal,
) => Promise<ListPage<Customer>>;

/**
 * The workspace's customers by slug and by `metadata.external_id`, built by one paginated walk
 * of `GET /customers` the first time it is needed, shared by every record that needs it (a
 * `slug_taken` to adopt, an in-doubt customer to look up after a resume). Walks again at most
 * when asked for a slug it has not seen and the last walk is older than what was asked.
 */
export class CustomerIndex {
	readonly #fetchPage: CustomerPageFetcher;
	#bySlug = new Map<string, string>();
	#byExternalId = new Map<string, string>();
	#walk: Promise<number> | undefined;
	#walks = 0;

	/** `fetchPage` asks for one page of 100 (the engine paces it like any other request). */
	constructor(fetchPage: CustomerPageFetcher) {
		this.#fetchPage = fetchPage;
	}

	get walks(): number {
		return this.#walks;
	}

	/** Walk once (or join the walk under way); resolves with the number of customers seen. */
	load(signal?: AbortSignal): Promise<number> {
		this.#walk ??= this.#load(signal).catch((error: unknown) => {
			this.#walk = undefined;
			throw error;
		});
		return this.#walk;
	}

	/** Forget the last walk so the next `load` walks again. */
	invalidate(): void {
		this.#walk = undefined;
	}

	bySlug(slug: string): string | undefined {
		return this.#bySlug.get(slug);
	}

	byExternalId(externalId: string): string | undefined {
		return this.#byExternalId.get(externalId);
	}

	/** Record a customer this run created, so a later walk is not needed to know it. */
	remember(customer: Pick<Customer, "id" | "slug" | "metadata">): void {
		this.#add(customer);
	}

	async #load(signal?: AbortSignal): Promise<number> {
		this.#walks += 1;
		let seen = 0;
		const bySlug = new Map<string, string>();
		const byExternalId = new Map<string, string>();
		let cursor: string | undefined;
		for (;;) {
			const page = await this.#fetchPage(cursor, signal);
			for (const customer of page.data) {
				seen += 1;
				bySlug.set(customer.slug, customer.id);
				const externalId = customer.metadata?.external_id;
				if (typeof externalId === "string") byExternalId.set(externalId, customer.id);
			}
			if (!page.has_more || page.next_cursor === null) break;
			cursor = page.next_cursor;
		}
		for (const [slug, id] of bySlug) this.#bySlug.set(slug, id);
		for (const [externalId, id] of byExternalId) this.#byExternalId.set(externalId, id);
		return seen;
	}

	#add(customer: Pick<Customer, "id" | "slug" | "metadata">): void {
		if (customer.slug) this.#bySlug.set(customer.slug, customer.id);
		const externalId = customer.metadata?.external_id;
		if (typeof externalId === "string") this.#byExternalId.set(externalId, customer.id);
	}
}
