/**
 * What a create that may already have made its record finds in Pivotal, and what that means: a
 * create left in doubt by an earlier run (sent, no answer), or one the state may have forgotten,
 * looked up before it is sent; a create Pivotal answered `idempotency_key_reused` (a send of it
 * landed); a look-up that settled nothing. Each ends in a verdict for the applier (`RecordApplier`):
 * settled here (adopted, or failed and reported), send the create, or make it again under the
 * next key. Whether a record found is the create's own is `made-by-create.ts`'s to say.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import type { PassName, PivotalCopy, RecordState, SourceRecord } from "../../model/records.js";
import { isWorkspaceMatched, resourceOf } from "../../model/resources.js";
import { isCreateMaybeMade } from "../checkpoint/state-map.js";
import { bodyHash } from "../plan/planner.js";
import type { RecordAdopter } from "./adopt-record.js";
import type { ApplyContext } from "./apply-record.js";
import { type Ambiguous, isAmbiguous } from "./existing-records.js";
import type { ExistingFinder } from "./find-existing.js";
import type { FailedExtra, Failure } from "./ledger.js";
import {
	ambiguousMatchFailure,
	heldInDoubtFailure,
	landedNotFoundFailure,
	lookupFailedFailure,
} from "./lookup-failures.js";
import { LOOKUP_FAILED, PARENT_MISSING } from "./lookup-outcomes.js";
import {
	type CreateSent,
	createSentFor,
	isLanded,
	isMadeByCreate,
	isProvenUnmade,
	mayBeLostCreate,
	onServerClock,
	sentValuesNow,
	slugToSend,
} from "./made-by-create.js";
import { isKeyedTo } from "./record-requests.js";

/**
 * `settled`: adopted, or failed and reported, nothing to send; `send`: go on with the create (the
 * record found when Pivotal is asked by sending it again, finding AE4); `again`: make it again
 * under the next key (`--recreate` after a send that landed, its record not found).
 */
export type InDoubtVerdict =
	| { readonly kind: "settled" }
	| { readonly kind: "send"; readonly asked?: PivotalRecord | undefined }
	| { readonly kind: "again" };

const SETTLED: InDoubtVerdict = { kind: "settled" };
const SEND: InDoubtVerdict = { kind: "send" };

export class InDoubtCreates {
	readonly #ctx: ApplyContext;
	readonly #finder: ExistingFinder;
	readonly #adopter: RecordAdopter;

	constructor(ctx: ApplyContext, finder: ExistingFinder, adopter: RecordAdopter) {
		this.#ctx = ctx;
		this.#finder = finder;
		this.#adopter = adopter;
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
		if (isAmbiguous(found)) return this.ambiguousMatch(record, found, generation);
		if (found === LOOKUP_FAILED) return this.lookupFailed(record);
		// Its customer's list answered 404: sent again, the create would be replayed under a
		// customer deleted since.
		if (found === PARENT_MISSING) return parent && (await this.parentGone(record, parent)) ? SETTLED : SEND;
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
		if (isMadeByCreate(record, found, createSentFor(record, state))) {
			// Within the hour Pivotal itself can tell: the create sent again under its key is
			// answered with its first answer when it landed, or `slug_taken` when this customer is
			// someone else's, made as the row says after the send that never landed (finding AE4).
			// The send takes either answer as the verdict.
			if (this.#isAskable(record, state, generation, found)) return { kind: "send", asked: found };
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
	 * row was edited since a send that got no answer). Its record is looked for and taken (`asked`:
	 * the one this run found and asked about by the send, not looked up twice, since its first
	 * look-up claimed it); not found, see `#notFoundAfterLanding`.
	 */
	async afterKeyReused(
		record: SourceRecord,
		generation: number,
		parent: PivotalCopy | undefined,
		attempts: number,
		asked: PivotalRecord | undefined,
	): Promise<InDoubtVerdict> {
		this.#finder.claimKnown(record.pass, () => this.#ctx.ledger.store.entries(record.pass));
		const found = asked ?? (await this.#finder.lookUp(record, parent));
		if (found === null) return SETTLED;
		if (found === LOOKUP_FAILED) return this.lookupFailed(record);
		if (isAmbiguous(found)) return this.ambiguousMatch(record, found, generation);
		if (found === PARENT_MISSING || found === undefined) {
			if (found === PARENT_MISSING && parent && (await this.parentGone(record, parent))) return SETTLED;
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
			if (held === LOOKUP_FAILED) return this.lookupFailed(record, generation);
			if (this.isHeldByLostCreate(record, held, sent, "", attempts)) return SETTLED;
			holder = held;
		}
		if (this.#ctx.recreate !== true) {
			const failure = landedNotFoundFailure(record.pass, holder);
			this.#ctx.ledger.reportFailure(record.pass, record, "", attempts, failure);
			return SETTLED;
		}
		this.#ctx.notice(
			"warn",
			`${record.pass} ${record.key}: a create of it landed in an earlier run but is not found in Pivotal; made again (--recreate)`,
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
	): boolean {
		if (holder === undefined || !mayBeLostCreate(record, holder, sent)) return false;
		const failure = heldInDoubtFailure(holder, String(holder.slug), record.key);
		this.#ctx.ledger.reportFailure(record.pass, record, text, attempts, failure);
		return true;
	}

	/**
	 * May a customer found for a create in doubt, fitting what it sent, be asked of Pivotal by
	 * sending the create again (finding AE4)? Only where the answer settles it: within the hour of
	 * the first send, under the same key, with the slug every send carried, which `found` holds.
	 * Landed, the send is answered with its first answer (or `idempotency_key_reused`, the row edited
	 * since); not landed, with `slug_taken`, since `found` holds the slug: never a second customer.
	 */
	#isAskable(
		record: SourceRecord,
		state: RecordState | undefined,
		generation: number,
		found: PivotalRecord,
	): boolean {
		const slug = slugToSend(record, false);
		if (slug === undefined || found.slug !== slug) return false;
		return isProvenUnmade(state, generation, sentValuesNow(record, slug), this.clockNow());
	}

	/** Now, on this machine's clock and, as far as the `Date` headers prove it, on Pivotal's. */
	clockNow(): { here: number; onServer: number | undefined } {
		const here = Date.now();
		return { here, onServer: onServerClock(here, this.#ctx.requester.lanes[0]?.client.serverClock) };
	}

	/**
	 * Its customer answered 404 for it: once a read of the customer answers 404 too (one answer is
	 * not proof), the customer is recorded gone and this record waits for it, blocked. False when
	 * the customer is there (or could not be read): the caller goes on as it would have.
	 */
	async parentGone(
		record: SourceRecord,
		parent: PivotalCopy,
		before: () => RecordState | undefined = () => this.#ctx.ledger.store.get(record.pass, record.key),
	): Promise<boolean> {
		const parentPass = resourceOf(record.pass).parent?.resource as PassName | undefined;
		if (parentPass === undefined || record.parentKey === undefined) return false;
		const read = await this.#ctx.requester.send((client) => client.getRecord(parentPass, parent.id));
		if (read.ok || !(read.error instanceof ApiError) || read.error.status !== 404) return false;
		const ledger = this.#ctx.ledger;
		// A create answered 404 made nothing: its mark for that send is not a doubt (finding AC8).
		if (ledger.parentGone(parentPass, record.parentKey, parent))
			ledger.blocked(record.pass, record, record.parentKey, before());
		return true;
	}

	/**
	 * The look-up before a create could not be made: not created on that word (it may be in
	 * Pivotal already). Failed, retryable, with no copy: the next run looks it up again first.
	 */
	lookupFailed(record: SourceRecord, generation = 0): InDoubtVerdict {
		// A record made again keeps its generation: its first create's key would replay the old record.
		const extra = generation ? { g: generation } : {};
		this.#failLookUp(record, lookupFailedFailure(this.#finder.lookupFailure), extra);
		return SETTLED;
	}

	/**
	 * More than one record in Pivotal answers for the row at the same level (finding O16): none is
	 * adopted or written. Failed, retryable, with no copy: each run looks it up again and reports
	 * it until one candidate is left (the others deleted, or given their own external id).
	 */
	ambiguousMatch(record: SourceRecord, found: Ambiguous, generation: number): InDoubtVerdict {
		this.#failLookUp(record, ambiguousMatchFailure(record.pass, found), {
			b: bodyHash(record.body),
			...(generation ? { g: generation } : {}),
		});
		return SETTLED;
	}

	/**
	 * A look-up that settled nothing, failed for this run. A create that may have made its record
	 * keeps its mark as it was (when it first left, its CRM ids, the values its sends carried): the
	 * next run is as unsure of it as this one, and looks it up again on the same evidence. Written
	 * over, a lost create's record was orphaned, a re-keyed row made a second customer, and a record
	 * someone made before the send counted as the import's (adversarial finding AC1).
	 */
	#failLookUp(record: SourceRecord, failure: Failure, extra: FailedExtra): void {
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		if (state !== undefined && (state.s === "sent" || state.s === "failed") && isCreateMaybeMade(state))
			this.#ctx.ledger.reportFailure(record.pass, record, "", state.attempts, failure);
		else this.#ctx.ledger.fail(record.pass, record, "", 0, failure, extra);
	}
}
