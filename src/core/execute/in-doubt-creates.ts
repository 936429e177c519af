/**
 * What a create that may already have made its record finds in Pivotal, and what that means: a
 * create left in doubt by an earlier run (sent, no answer), or one the state may have forgotten,
 * looked up before it is sent; a create Pivotal answered `idempotency_key_reused` (a send of it
 * landed). Each ends in a verdict for the applier (`RecordApplier`): settled here (adopted, or
 * failed and reported), send the create, or make it again under the next key. Whether a record
 * found is the create's own is `made-by-create.ts`'s to say, and Pivotal's where it can be asked
 * (`ask-pivotal.ts`).
 */

import type { PivotalRecord } from "../../api/types.js";
import type { PivotalCopy, RecordState, SourceRecord } from "../../model/records.js";
import { isWorkspaceMatched } from "../../model/resources.js";
import { isLanded } from "../checkpoint/state-map.js";
import type { RecordAdopter } from "./adopt-record.js";
import type { ApplyContext } from "./apply-record.js";
import { CreateAsker, FIT_DECIDES } from "./ask-pivotal.js";
import { isAmbiguous } from "./existing-records.js";
import type { ExistingFinder } from "./find-existing.js";
import { heldInDoubtFailure, landedNotFoundFailure } from "./lookup-failures.js";
import { LOOKUP_FAILED, PARENT_MISSING } from "./lookup-outcomes.js";
import { type InDoubtVerdict, type LookUpReports, SEND, SETTLED } from "./lookup-reports.js";
import { type CreateSent, createSentFor, isMadeByCreate, mayBeLostCreate } from "./made-by-create.js";
import { isKeyedTo } from "./record-requests.js";

export type { InDoubtVerdict };

export class InDoubtCreates {
	readonly #ctx: ApplyContext;
	readonly #finder: ExistingFinder;
	readonly #adopter: RecordAdopter;
	readonly #reports: LookUpReports;
	readonly #asker: CreateAsker;

	constructor(ctx: ApplyContext, finder: ExistingFinder, adopter: RecordAdopter, reports: LookUpReports) {
		this.#ctx = ctx;
		this.#finder = finder;
		this.#adopter = adopter;
		this.#reports = reports;
		this.#asker = new CreateAsker(ctx, adopter, reports);
	}

	/**
	 * Before a create in doubt (`isForgotten`: one the state may have forgotten) is sent: looked
	 * up in Pivotal, and what is found adopted (as the create's own only when it fits what a send
	 * carried) or asked of Pivotal by sending the create again.
	 */
	async lookUpFirst(
		record: SourceRecord,
		state: RecordState | undefined,
		generation: number,
		parent: PivotalCopy | undefined,
		isForgotten: boolean,
	): Promise<InDoubtVerdict> {
		const { pass } = record;
		// Never another row's record: a same-named sibling's would be overwritten and this one's
		// left orphaned, two keys on one id (findings I-F10, J14).
		this.#finder.claimKnown(pass, () => this.#ctx.ledger.store.entries(pass));
		const looked =
			isForgotten && parent
				? await this.#finder.lookUpForgotten(record, parent)
				: await this.#finder.lookUp(record, parent);
		// A customer is ours only by its external id: one that only shares its slug or a CRM id
		// is left to the slug's own conflict, which tells a customer someone else holds.
		const isOtherCustomer =
			isWorkspaceMatched(pass) &&
			typeof looked === "object" &&
			looked !== null &&
			(isAmbiguous(looked)
				? !looked.ambiguous.some((c) => isKeyedTo(c, record.key))
				: !isKeyedTo(looked, record.key));
		const found = isOtherCustomer ? undefined : looked;
		if (found === null) return SETTLED;
		if (isAmbiguous(found)) return this.#reports.ambiguousMatch(record, found, generation);
		if (found === LOOKUP_FAILED) return this.#reports.lookupFailed(record);
		// Its customer's list answered 404: sent again, the create would be replayed under a
		// customer deleted since.
		if (found === PARENT_MISSING)
			return parent && (await this.#reports.parentGone(record, parent)) ? SETTLED : SEND;
		if (found === undefined)
			return isForgotten || !isLanded(state, generation)
				? SEND
				: this.#notFoundAfterLanding(record, generation, 0);
		if (isForgotten) {
			this.#ctx.notice(
				"info",
				`${pass} ${record.key} is in Pivotal under its customer though the state does not know it; adopted ${found.id}`,
			);
			// Nothing proves this import made it: adopted as existing, so an undo leaves it.
			await this.#adopter.adopt(record, found, 0);
			return SETTLED;
		}
		return this.takeFound(record, state, generation, parent, found);
	}

	/**
	 * A record found in Pivotal for the create in doubt in `state`: the create's own (undo deletes it)
	 * only when it fits what a send carried, and, where Pivotal can be asked, when Pivotal says so
	 * (see `CreateAsker`); else adopted as existing (undo puts its fields back, never deletes it).
	 */
	async takeFound(
		record: SourceRecord,
		state: RecordState | undefined,
		generation: number,
		parent: PivotalCopy | undefined,
		found: PivotalRecord,
	): Promise<InDoubtVerdict> {
		const { pass } = record;
		const isFitted = isMadeByCreate(record, found, createSentFor(record, state));
		// Pivotal is asked whether the create made it, fitted or not: one edited in Pivotal since
		// fits no send, and is the import's all the same when Pivotal replays it (finding AH1).
		const sent = state === undefined ? undefined : this.#asker.askable(record, state, generation, found);
		const asked =
			sent === undefined
				? FIT_DECIDES
				: await this.#asker.ask(record, state as RecordState, generation, parent, found, sent, isFitted);
		if (asked !== FIT_DECIDES) return asked;
		if (isFitted) {
			this.#ctx.notice(
				"info",
				`${pass} ${record.key} was already created by an earlier run; adopted ${found.id}`,
			);
			// The earlier send made it: created by this import, so an undo takes it back too.
			await this.#adopter.adopt(record, found, 0, false, true);
			return SETTLED;
		}
		this.#ctx.notice(
			"info",
			`${pass} ${record.key} is in Pivotal, but not as an earlier run's create would have made it (other values, or made before it was sent); adopted ${found.id} as existing (undo puts its fields back, never deletes it)`,
		);
		// Someone else's record, or ours edited since (in Pivotal or in the file): nothing
		// proves this import made it, so an undo must not delete it (finding M6).
		await this.#adopter.adopt(record, found, 0);
		return SETTLED;
	}

	/**
	 * A create answered 409 `idempotency_key_reused`: a send of it with another body landed (the
	 * row was edited since a send that got no answer). Its record is looked for and taken; not
	 * found, see `#notFoundAfterLanding`.
	 */
	async afterKeyReused(
		record: SourceRecord,
		generation: number,
		parent: PivotalCopy | undefined,
		attempts: number,
	): Promise<InDoubtVerdict> {
		this.#finder.claimKnown(record.pass, () => this.#ctx.ledger.store.entries(record.pass));
		const found = await this.#finder.lookUp(record, parent);
		if (found === null) return SETTLED;
		if (found === LOOKUP_FAILED) return this.#reports.lookupFailed(record);
		if (isAmbiguous(found)) return this.#reports.ambiguousMatch(record, found, generation);
		if (found === PARENT_MISSING || found === undefined) {
			if (found === PARENT_MISSING && parent && (await this.#reports.parentGone(record, parent)))
				return SETTLED;
			return this.#notFoundAfterLanding(record, generation, attempts);
		}
		// The server's answer proves an earlier send landed, not that this record is what it made:
		// someone may have deleted that one and made their own with the same e-mail or external id
		// (adversarial finding AD2). It is the import's when it fits what a send carried.
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		if (isMadeByCreate(record, found, createSentFor(record, state))) {
			this.#ctx.notice(
				"info",
				`${record.pass} ${record.key} was created by an earlier run with other values; adopted ${found.id} and brought up to the file`,
			);
			await this.#adopter.adopt(record, found, attempts, false, true);
			return SETTLED;
		}
		this.#ctx.notice(
			"info",
			`${record.pass} ${record.key}: an earlier run's create landed, but ${found.id} holds what none of its sends carried (edited since, or someone else's); adopted as existing (undo puts its fields back, never deletes it)`,
		);
		await this.#adopter.adopt(record, found, attempts);
		return SETTLED;
	}

	/**
	 * A create that landed (Pivotal answered a send of it `idempotency_key_reused`), its record not
	 * found by what it is looked up by: deleted since, or no longer known by it (renamed, its
	 * metadata rewritten). A customer holding a slug one of its sends carried is weighed as its
	 * record first (adversarial findings AD3, AE1: the row renamed since, its derived slug with it).
	 * Then it is not made a second time on that word: failed `landed_not_found`, its mark kept,
	 * unless `--recreate` asks for it again under the next key (finding AE5: an onboarding renamed in
	 * Pivotal was made again beside it, with no word, and the import's own left in no state).
	 */
	async #notFoundAfterLanding(
		record: SourceRecord,
		generation: number,
		attempts: number,
	): Promise<InDoubtVerdict> {
		let holder: PivotalRecord | undefined;
		if (isWorkspaceMatched(record.pass)) {
			const sent = createSentFor(record, this.#ctx.ledger.store.get(record.pass, record.key));
			const slugs = (sent.values ?? []).flatMap((values) =>
				typeof values.slug === "string" ? [values.slug] : [],
			);
			const held = slugs.length === 0 ? undefined : await this.#finder.slugHolderOf(slugs);
			if (held === LOOKUP_FAILED) return this.#reports.lookupFailed(record, generation);
			if (this.isHeldByLostCreate(record, held, sent, "", attempts, true)) return SETTLED;
			holder = held;
		}
		if (this.#ctx.recreate !== true) {
			const failure = landedNotFoundFailure(record.pass, holder);
			this.#ctx.ledger.reportFailure(record.pass, record, "", attempts, failure);
			return SETTLED;
		}
		// The candidate the failure named is named again: made beside it, and it may be the import's
		// own (adversarial finding AH4).
		const beside =
			holder === undefined
				? ""
				: `, beside ${holder.id} (${holder.display_id}), which holds slug ${JSON.stringify(holder.slug)} a send of it carried and may be that create's customer: if it is, delete it in Pivotal (undo cannot: this import does not know it as its own)`;
		this.#ctx.notice(
			"warn",
			`${record.pass} ${record.key}: a create of it landed in an earlier run but is not found in Pivotal; made again (--recreate)${beside}`,
		);
		return { kind: "again" };
	}

	/**
	 * A customer holding a slug the create in doubt sent, which may be that create's record (see
	 * `mayBeLostCreate`): neither adopted nor created beside, the row fails `ambiguous_match`
	 * naming it and stays in doubt (adversarial findings AC7, AD3, AE1). True when so reported.
	 */
	isHeldByLostCreate(
		record: SourceRecord,
		holder: PivotalRecord | undefined,
		sent: CreateSent,
		text: string,
		attempts: number,
		isLanded: boolean,
	): boolean {
		if (holder === undefined || !mayBeLostCreate(record, holder, sent)) return false;
		const failure = heldInDoubtFailure(holder, String(holder.slug), record.key, isLanded);
		this.#ctx.ledger.reportFailure(record.pass, record, text, attempts, failure);
		return true;
	}
}
