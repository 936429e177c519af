/**
 * Finding the Pivotal record a source row stands for, before a create (first sync, in-doubt
 * sends) or after one a uniqueness rule refused (`slug_taken`, `email_taken`). The finder owns
 * the lists it looks through: it fetches their pages itself, through the run's requester (paced,
 * retried and counted like any other request), once per run and list.
 */

import type { ApiError } from "../../api/errors.js";
import { BrokenListError, sentenceOf, WALK_PAGES_MAX } from "../../api/list-walk.js";
import type { ApiOk, Customer, ListPage, ListQuery, PivotalClient, PivotalRecord } from "../../api/types.js";
import {
	copyOf,
	type PassName,
	type PivotalCopy,
	type RecordState,
	type SourceRecord,
} from "../../model/records.js";
import { type MatcherDef, resourceOf } from "../../model/resources.js";
import type { ApplyContext } from "./apply-record.js";
import { CustomerDirectory } from "./customer-directory.js";
import {
	type Ambiguous,
	type ChildDirectory,
	carriesFields,
	childDirectories,
	isAmbiguous,
	type PageFetcher,
} from "./existing-records.js";
import { failureToRecord } from "./failure-mapping.js";
import { isParentMissing, LOOKUP_FAILED, type LookedUp, PARENT_MISSING } from "./lookup-outcomes.js";
import { messageOf } from "./record-requests.js";
import { LISTS_BEFORE_WALK, WorkspaceWalk } from "./workspace-walk.js";

/**
 * Is a child record keyed by its position among its parent's rows (its name repeats, or is
 * blank)? Such rows take the parent's matching records in order: two of one name are expected.
 */
function isKeyedByPosition(key: string): boolean {
	return /\/#?\d+$/.test(key);
}

/** Pages of one walk between two notes of how far it is. */
const PAGES_BETWEEN_NOTES = 1000;

/** What the finder needs of the run: the requester its pages go through, and how to speak. */
export type FinderContext = Pick<ApplyContext, "requester" | "notice" | "isOver" | "trip">;

export class ExistingFinder {
	readonly #ctx: FinderContext;
	/** The workspace's customers (the `workspace` matcher). */
	readonly #customers: CustomerDirectory;
	/** Each child resource's records on the server, per parent (the `field` matchers). */
	readonly #children: (pass: PassName) => ChildDirectory<PivotalRecord>;
	/** The ids of the customers this finder was told this process created (forgotten-children.ts). */
	readonly #madeHere = new Set<string>();
	/** The passes whose records in the state were claimed (`claimKnown`). */
	readonly #claimedKnown = new Set<PassName>();
	/** Why the last look-up that answered `LOOKUP_FAILED` could not be made. */
	lookupFailure = "";
	/** Per child pass with a list of the whole workspace: its walk (workspace-walk.ts). */
	readonly #walks = new Map<PassName, WorkspaceWalk>();
	/** Customers' lists taken for look-ups of records a state may have forgotten. */
	#forgottenLists = 0;
	/** A broken list was said on its own line (`#failed`): once a run. */
	#isBrokenListSaid = false;

	constructor(ctx: FinderContext) {
		this.#ctx = ctx;
		this.#customers = new CustomerDirectory(
			this.#saysLength(
				"GET /customers",
				this.#pages<Customer>("a page of GET /customers", (client, q) => client.listCustomers(q)),
			),
		);
		this.#children = childDirectories((pass, parentId) =>
			this.#pages<PivotalRecord>(`a page of a customer's ${pass}`, (client, q) =>
				client.listRecords(pass, parentId, q),
			),
		);
	}

	/**
	 * Walk the workspace's customers now, ahead of the first record that asks (see `walksEarly`).
	 * A walk that fails is walked again by the record that asks, as ever.
	 */
	walkCustomers(): void {
		this.#customers.load().catch(() => undefined);
	}

	/** A record this run created: a customer is never adopted for another row. */
	created(pass: PassName, record: PivotalRecord): void {
		if (resourceOf(pass).matcher.kind !== "workspace") {
			// Never another row's: a list walked after it was made holds it.
			this.#children(pass).claim(record.id);
			return;
		}
		this.#customers.remember(record as Customer);
		this.#madeHere.add(record.id);
	}

	/**
	 * Claims, once per run and pass, every Pivotal id the state holds for a record of `pass`: a
	 * look-up for a row the state does not know must never take a record another row owns (one
	 * whose name starts to repeat, keyed by position now, is taken over by its first row). One
	 * walk of the pass's states, only in runs that look such a row up.
	 */
	claimKnown(pass: PassName, states: () => Iterable<[string, RecordState]>): void {
		// Customers are found by their external id, never by a field another row may share.
		if (this.#claimedKnown.has(pass) || resourceOf(pass).parent === undefined) return;
		this.#claimedKnown.add(pass);
		const directory = this.#children(pass);
		for (const [, state] of states()) {
			const id = copyOf(state)?.id;
			if (id !== undefined) directory.claim(id);
		}
	}

	/** Did this process create the customer `id` (its POST answered here)? Nothing it did not send is under it. */
	isMadeHere(id: string): boolean {
		return this.#madeHere.has(id);
	}

	/**
	 * A 409 that says the record is already there: the resource's uniqueness rule (the
	 * customer's slug, the contact's e-mail).
	 * Resolves that record, undefined for another conflict, null when the run is over, and
	 * "held" when the slug `sent` belongs to a customer that is not this record (another
	 * external id, a record this run already took, or — for a slug derived from the name, or a
	 * customer made again (`isRemade`) — any customer not carrying this external id): never
	 * adopted, the caller picks another slug; "free" when a fresh walk finds no customer holding
	 * it (given up since the create was refused: the caller may send it again).
	 */
	async onConflict(
		record: SourceRecord,
		error: ApiError,
		parent: PivotalCopy | undefined,
		sent?: string,
		isRemade = false,
	): Promise<PivotalRecord | undefined | null | "held" | "free"> {
		try {
			const def = resourceOf(record.pass);
			if (def.unique === undefined || error.code !== def.unique.code) return undefined;
			if (def.matcher.kind === "field") {
				if (parent === undefined) return undefined;
				const child = await this.#findChild(record, def.matcher, parent.id);
				// Two records answer for the value Pivotal keeps unique: none is taken, the conflict stands.
				if (isAmbiguous(child)) return undefined;
				// None holds it under the customer now: given up since, the create may go again (finding X7).
				return child ?? "free";
			}
			const slug = sent ?? record.body[def.unique.field];
			if (typeof slug !== "string") return undefined;
			const directory = this.#customers;
			await directory.load();
			if (directory.bySlug(slug) === undefined) {
				directory.invalidate();
				await directory.load();
			}
			const found = directory.bySlug(slug);
			if (found === undefined) return "free";
			const theirs = found.metadata?.external_id;
			const isExplicit = record.body.slug === slug;
			// A customer made again (after a deletion in Pivotal or an undo) is made anew: one that took
			// its slug since, without its external id, is someone else's, not adopted and overwritten.
			// One without an external id that carries the row's CRM id is the row's too, however its
			// slug came (a CRM integration added it since the last sync; adversarial finding Q13).
			const isThis =
				theirs === record.key ||
				(theirs === undefined &&
					!directory.isClaimed(found.id) &&
					!isRemade &&
					(isExplicit || directory.carriesCrmIdOf(found, record.body)));
			if (!isThis) return "held";
			directory.claim(found.id);
			return found;
		} catch (lookupError) {
			if (this.#ctx.isOver()) return null;
			this.#ctx.notice("warn", `could not look up ${record.pass} ${record.key}: ${messageOf(lookupError)}`);
			return undefined;
		}
	}

	/**
	 * The customer holding one of `slugs`, from a walk of the customer list (once a run, or again
	 * when none holds them); undefined when none does, `LOOKUP_FAILED` when the walk failed.
	 */
	async slugHolderOf(slugs: readonly string[]): Promise<PivotalRecord | undefined | typeof LOOKUP_FAILED> {
		const directory = this.#customers;
		const held = () => slugs.map((slug) => directory.bySlug(slug)).find((found) => found !== undefined);
		try {
			await directory.load();
			if (held() === undefined) {
				directory.invalidate();
				await directory.load();
			}
			return held();
		} catch {
			return LOOKUP_FAILED;
		}
	}

	/** The customer holding `slug`, as the last walk of the customer list saw it. */
	slugHolder(slug: string): PivotalRecord | undefined {
		return this.#customers.bySlug(slug);
	}

	/** The external id of the customer holding `slug`, as the last walk of the customer list saw it. */
	slugHolderKey(slug: string): string | undefined {
		const theirs = this.#customers.bySlug(slug)?.metadata?.external_id;
		return typeof theirs === "string" ? theirs : undefined;
	}

	/**
	 * The records in Pivotal that carry the identity of one this import (or an undo) is about to
	 * make again after a delete (finding O4): customers with its external id, else with one of its
	 * CRM ids (finding P3: a CRM integration writes no external id; a slug alone proves nothing),
	 * contacts with its e-mail under its customer (none under a customer this process
	 * created). Someone may have
	 * added it back by hand, or a CRM integration may have: a second one must not be made. Null
	 * when the run is over; `LOOKUP_FAILED` (see `lookupFailure`) when a list could not be had.
	 */
	async carryingIdentity(
		pass: PassName,
		key: string,
		body: Readonly<Record<string, unknown>>,
		parentId: string | undefined,
	): Promise<readonly PivotalRecord[] | null | typeof LOOKUP_FAILED> {
		try {
			const matcher = resourceOf(pass).matcher;
			if (matcher.kind === "workspace") {
				await this.#customers.load();
				return this.#customers.candidatesFor(key, body);
			}
			// Onboardings have no identity but their name, which need not be unique: not looked for.
			const value = body[matcher.field];
			if (pass !== "contacts" || typeof value !== "string") return [];
			if (parentId === undefined || this.#madeHere.has(parentId)) return [];
			const wanted = value.toLowerCase();
			return await this.#children(pass).matching(
				parentId,
				(r) => String(r[matcher.field]).toLowerCase() === wanted,
			);
		} catch (error) {
			if (this.#ctx.isOver()) return null;
			// Its customer is gone: the create answers that itself, as it always has.
			if (parentId !== undefined && isParentMissing(error)) return [];
			return this.#failed(error);
		}
	}

	// ── match and adopt ──────────────────────────────────────────────────────

	/**
	 * The Pivotal record a source row stands for; null when the run is over. A customer is
	 * answered at once once the workspace's customers are loaded (every row after the first).
	 */
	lookUp(
		record: SourceRecord,
		parent: PivotalCopy | undefined,
	): Promise<LookedUp> | PivotalRecord | Ambiguous | undefined {
		if (resourceOf(record.pass).matcher.kind === "workspace" && this.#customers.isLoaded)
			return this.#customer(record);
		return this.#lookUpWaiting(record, parent);
	}

	/**
	 * `lookUp` for a record the state may have forgotten (forgotten-children.ts): through its
	 * customer's list for the first few customers, then also a page of the workspace's list with
	 * each customer's list taken, and from that walk alone once it is whole (workspace-walk.ts).
	 */
	lookUpForgotten(record: SourceRecord, parent: PivotalCopy): Promise<LookedUp> {
		const { pass } = record;
		const directory = this.#children(pass);
		if (!directory.isListed(parent.id) && ++this.#forgottenLists > LISTS_BEFORE_WALK) {
			const walk = this.#walkOf(pass);
			walk?.step().then((isWhole) => {
				if (isWhole && walk.whole) directory.takeWhole(walk.whole);
			});
		}
		return this.#lookUpWaiting(record, parent);
	}

	#walkOf(pass: PassName): WorkspaceWalk | undefined {
		const def = resourceOf(pass);
		if (def.routes.listAll === undefined || def.parent?.field === undefined) return undefined;
		let walk = this.#walks.get(pass);
		if (walk === undefined) {
			walk = new WorkspaceWalk(
				this.#pages<PivotalRecord>(`a page of GET ${def.routes.listAll}`, (client, q) =>
					client.listAllRecords(pass, q),
				),
				def.parent.field,
				`GET ${def.routes.listAll}`,
			);
			this.#walks.set(pass, walk);
		}
		return walk;
	}

	#customer(record: SourceRecord): PivotalRecord | Ambiguous | undefined {
		const found = this.#customers.find(record.key, record.body);
		if (found && !isAmbiguous(found)) this.#customers.claim(found.id);
		return found;
	}

	async #lookUpWaiting(record: SourceRecord, parent: PivotalCopy | undefined): Promise<LookedUp> {
		try {
			const matcher = resourceOf(record.pass).matcher;
			if (matcher.kind === "field")
				return parent ? await this.#findChild(record, matcher, parent.id) : undefined;
			await this.#customers.load();
			return this.#customer(record);
		} catch (error) {
			if (this.#ctx.isOver()) return null;
			if (parent && isParentMissing(error)) return PARENT_MISSING;
			return this.#failed(error);
		}
	}

	/**
	 * A look-up that could not be made: its reason kept for the record's failure. The first list
	 * found broken (list-walk.ts) is also said on its own line: every record that needed it fails
	 * the same way, and the server, not the records, is what to look at.
	 */
	#failed(error: unknown): typeof LOOKUP_FAILED {
		this.lookupFailure = messageOf(error);
		if (error instanceof BrokenListError && !this.#isBrokenListSaid) {
			this.#isBrokenListSaid = true;
			this.#ctx.notice(
				"error",
				`${sentenceOf(this.lookupFailure)} The records that needed it are not created (lookup_failed); the next run walks it again.`,
			);
		}
		return LOOKUP_FAILED;
	}

	/**
	 * The parent's first unclaimed record whose matcher field holds the row's value (`fold`:
	 * in any case); a row without that value, when `orFields`, by every field it sends. Two such
	 * records for a row its value alone names (not its position) answer `Ambiguous`.
	 */
	#findChild(
		record: SourceRecord,
		matcher: Extract<MatcherDef, { kind: "field" }>,
		parentId: string,
	): Promise<PivotalRecord | Ambiguous | undefined> {
		const directory = this.#children(record.pass);
		const value = record.body[matcher.field];
		if (typeof value !== "string") {
			if (matcher.orFields)
				return directory.find(parentId, (r) => carriesFields(r, record.body, record.pass));
			return Promise.resolve(undefined);
		}
		const isUnique = !isKeyedByPosition(record.key);
		if (!matcher.fold) return directory.find(parentId, (r) => r[matcher.field] === value, isUnique);
		const wanted = value.toLowerCase();
		return directory.find(parentId, (r) => String(r[matcher.field]).toLowerCase() === wanted, isUnique);
	}

	/**
	 * `fetchPage`, saying every `PAGES_BETWEEN_NOTES` pages of one walk how far it is: a long walk
	 * (a large workspace at a key's pace, or a server whose list goes on to the bound) is said,
	 * never a silent wait.
	 */
	#saysLength<T>(list: string, fetchPage: PageFetcher<T>): PageFetcher<T> {
		let pages = 0;
		let rows = 0;
		return async (query) => {
			// A walk's first page has no cursor: the count starts again.
			if (query.cursor === undefined) [pages, rows] = [0, 0];
			const page = await fetchPage(query);
			pages += 1;
			rows += page.data.length;
			if (pages % PAGES_BETWEEN_NOTES === 0)
				this.#ctx.notice(
					"info",
					`Still walking ${list}: ${pages.toLocaleString("en-US")} pages and ${rows.toLocaleString("en-US")} rows so far (a walk stops at ${WALK_PAGES_MAX.toLocaleString("en-US")} pages).`,
				);
			return page;
		};
	}

	/** One page of a list, through the requester like any other request; throws when it cannot be had. */
	#pages<T>(
		what: string,
		call: (client: PivotalClient, query: ListQuery) => Promise<ApiOk<ListPage<T>>>,
	): PageFetcher<T> {
		return async (query) => {
			const result = await this.#ctx.requester.send((client) => call(client, query), { what });
			if (!result.ok) {
				// A key refused on a list's page stops the run as it does on a create (exit 4), rather
				// than failing every record that needed the list (finding L11).
				failureToRecord(result, this.#ctx.trip);
				throw result.error ?? new Error("stopped");
			}
			return result.value.data;
		};
	}
}
