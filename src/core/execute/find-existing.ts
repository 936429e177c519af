/**
 * Finding the Pivotal record a source row stands for, before a create (first sync, in-doubt
 * sends) or after one a uniqueness rule refused (`slug_taken`, `email_taken`).
 */

import type { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import type { PivotalCopy, SourceRecord } from "../../model/records.js";
import { type MatcherDef, resourceOf } from "../../model/resources.js";
import type { ApplyContext } from "./apply-record.js";
import { carriesFields } from "./existing-records.js";
import { messageOf } from "./record-requests.js";

export class ExistingFinder {
	readonly #ctx: ApplyContext;

	constructor(ctx: ApplyContext) {
		this.#ctx = ctx;
	}

	/**
	 * A 409 that says the record is already there: the resource's uniqueness rule (the
	 * customer's slug, the contact's e-mail).
	 * Resolves that record, undefined for another conflict, null when the run is over, and
	 * "held" when the slug `sent` belongs to a customer that is not this record (another
	 * external id, a record this run already took, or — for a slug derived from the name — any
	 * customer not carrying this external id): never adopted, the caller picks another slug.
	 */
	async onConflict(
		record: SourceRecord,
		error: ApiError,
		parent: PivotalCopy | undefined,
		sent?: string,
	): Promise<PivotalRecord | undefined | null | "held"> {
		try {
			const def = resourceOf(record.pass);
			if (def.unique === undefined || error.code !== def.unique.code) return undefined;
			if (def.matcher.kind === "field") {
				return parent ? await this.#findChild(record, def.matcher, parent.id) : undefined;
			}
			const slug = sent ?? record.body[def.unique.field];
			if (typeof slug !== "string") return undefined;
			const directory = this.#ctx.customers;
			await directory.load();
			if (directory.bySlug(slug) === undefined) {
				directory.invalidate();
				await directory.load();
			}
			const found = directory.bySlug(slug);
			if (found === undefined) return undefined;
			const theirs = found.metadata?.external_id;
			const isExplicit = record.body.slug === slug;
			const isThis =
				theirs === record.key || (theirs === undefined && isExplicit && !directory.isClaimed(found.id));
			if (!isThis) return "held";
			directory.claim(found.id);
			return found;
		} catch (lookupError) {
			if (this.#ctx.isOver()) return null;
			this.#ctx.notice("warn", `could not look up ${record.pass} ${record.key}: ${messageOf(lookupError)}`);
			return undefined;
		}
	}

	// ── match and adopt ──────────────────────────────────────────────────────

	/** The Pivotal record a source row stands for; null when the run is over. */
	async lookUp(
		record: SourceRecord,
		parent: PivotalCopy | undefined,
	): Promise<PivotalRecord | undefined | null> {
		try {
			const matcher = resourceOf(record.pass).matcher;
			if (matcher.kind === "field")
				return parent ? await this.#findChild(record, matcher, parent.id) : undefined;
			await this.#ctx.customers.load();
			const found = this.#ctx.customers.find(record.key, record.body);
			if (found) this.#ctx.customers.claim(found.id);
			return found;
		} catch (error) {
			if (this.#ctx.isOver()) return null;
			this.#ctx.notice(
				"warn",
				`could not look up ${record.pass} ${record.key} before sending it: ${messageOf(error)}`,
			);
			return undefined;
		}
	}

	/**
	 * The parent's first unclaimed record whose matcher field holds the row's value (`fold`:
	 * in any case); a row without that value, when `orFields`, by every field it sends.
	 */
	#findChild(
		record: SourceRecord,
		matcher: Extract<MatcherDef, { kind: "field" }>,
		parentId: string,
	): Promise<PivotalRecord | undefined> {
		const directory = this.#ctx.children(record.pass);
		const value = record.body[matcher.field];
		if (typeof value !== "string") {
			if (matcher.orFields)
				return directory.find(parentId, (r) => carriesFields(r, record.body, record.pass));
			return Promise.resolve(undefined);
		}
		if (!matcher.fold) return directory.find(parentId, (r) => r[matcher.field] === value);
		const wanted = value.toLowerCase();
		return directory.find(parentId, (r) => String(r[matcher.field]).toLowerCase() === wanted);
	}
}
