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
import type { FieldValues, PassName, PivotalCopy, RecordState, SourceRecord } from "../../model/records.js";
import { bodyUnder, isWorkspaceMatched, resourceOf } from "../../model/resources.js";
import { idTag } from "../../source/slug/index.js";
import { isCreateMaybeMade } from "../checkpoint/state-map.js";
import { idempotencyKey } from "../idempotency.js";
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
import { isParentMissing, LOOKUP_FAILED, PARENT_MISSING } from "./lookup-outcomes.js";
import {
	type CreateSent,
	createSentFor,
	isLanded,
	isMadeByCreate,
	isWithinProof,
	mayBeLostCreate,
	onServerClock,
} from "./made-by-create.js";
import { createCall, isKeyedTo, isKeyReused, messageOf } from "./record-requests.js";

/**
 * `settled`: adopted, or failed and reported, nothing to send; `send`: go on with the create;
 * `again`: make it again
 * under the next key (`--recreate` after a send that landed, its record not found).
 */
export type InDoubtVerdict =
	| { readonly kind: "settled" }
	| { readonly kind: "send" }
	| { readonly kind: "again" };

const SETTLED: InDoubtVerdict = { kind: "settled" };

/** A unique value as Pivotal compares it: an e-mail after lower-casing (§26), a slug as it is. */
function uniqueText(value: unknown): string | undefined {
	return typeof value === "string" ? (value.includes("@") ? value.toLowerCase() : value) : undefined;
}
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
		return this.takeFound(record, state, generation, parent, found);
	}

	/**
	 * A record found in Pivotal for the create in doubt in `state`: the create's own (undo deletes it)
	 * only when it fits what a send carried, and, where Pivotal can be asked, when Pivotal says so
	 * (see `#askable`); else adopted as existing (undo puts its fields back, never deletes it).
	 */
	async takeFound(
		record: SourceRecord,
		state: RecordState | undefined,
		generation: number,
		parent: PivotalCopy | undefined,
		found: PivotalRecord,
	): Promise<InDoubtVerdict> {
		const { pass } = record;
		if (isMadeByCreate(record, found, createSentFor(record, state))) {
			const sent = state === undefined ? undefined : this.#askable(record, state, generation, found);
			if (sent !== undefined) return this.#ask(record, state as RecordState, generation, parent, found, sent);
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
	 * The body a send of the create in doubt carried whose unique value `found` holds (a customer's
	 * slug, a contact's e-mail), when sending it again under its key settles whether the create
	 * made `found` (adversarial findings AE4, AF1, AF4): within the hour of the first send (Pivotal
	 * keeps a key's answer 24 h), every send under this generation's plain key. Landed, Pivotal
	 * answers that body with its first answer, or `idempotency_key_reused` when another body landed;
	 * not landed, the send meets `found`'s unique value (`slug_taken`, `email_taken`) and makes
	 * nothing. The row's body now may be another (renamed since: its slug free), so the kept body is
	 * sent, byte for byte as it went (the mark keeps the values in the body's order). Undefined when
	 * Pivotal cannot settle it that way: the fit alone decides.
	 */
	#askable(
		record: SourceRecord,
		state: RecordState,
		generation: number,
		found: PivotalRecord,
	): FieldValues | undefined {
		const unique = resourceOf(record.pass).unique;
		if (unique === undefined) return undefined;
		if (state.s !== "sent" && !(state.s === "failed" && state.retryable)) return undefined;
		if ((state.g ?? 0) !== generation || state.sv === undefined || state.sv.length === 0) return undefined;
		if (!isWithinProof(state, this.clockNow())) return undefined;
		// A suffixed slug went under a key of its own (`.s`): every send must have gone under the plain one.
		const tag = `-${idTag(record.key)}`;
		if (state.sv.some((sent) => typeof sent.slug === "string" && sent.slug.endsWith(tag))) return undefined;
		const held = uniqueText(found[unique.field as keyof PivotalRecord]);
		if (held === undefined) return undefined;
		return state.sv.findLast((sent) => uniqueText(sent[unique.field]) === held);
	}

	/**
	 * Sends `sent`, a body the create in doubt carried, again under its key, and takes Pivotal's
	 * answer as the verdict on `found` (see `#askable`). Nothing new can be made: `found` holds the
	 * body's unique value. The mark stays as it was until the answer settles it.
	 */
	async #ask(
		record: SourceRecord,
		state: RecordState,
		generation: number,
		parent: PivotalCopy | undefined,
		found: PivotalRecord,
		sent: FieldValues,
	): Promise<InDoubtVerdict> {
		const { pass } = record;
		const def = resourceOf(pass);
		const text = JSON.stringify(bodyUnder(def, parent?.id, sent));
		const key = idempotencyKey(this.#ctx.importId, pass, record.key, generation);
		const attemptsBefore = state.s === "sent" || state.s === "failed" ? state.attempts : 0;
		const result = await this.#ctx.requester.send(
			(client) => createCall(client, pass, parent?.id, text, key),
			{
				subject: record,
				attemptsBefore,
			},
		);
		if (result.ok) {
			const made = result.value.data as PivotalRecord;
			if (made.id !== found.id) return this.#answeredWithAnother(record, found, made, result.attempts);
			this.#ctx.notice(
				"info",
				`${pass} ${record.key} was already created by an earlier run: Pivotal answered its create, sent again, with ${found.id}`,
			);
			await this.#adopter.adopt(record, found, result.attempts, false, true);
			return SETTLED;
		}
		const { error } = result;
		if (error instanceof ApiError && isKeyReused(error)) {
			this.#ctx.notice(
				"info",
				`${pass} ${record.key} was created by an earlier run with other values; adopted ${found.id} and brought up to the file`,
			);
			await this.#adopter.adopt(record, found, result.attempts, false, true);
			return SETTLED;
		}
		if (error instanceof ApiError && error.status === 409 && error.code === def.unique?.code) {
			this.#ctx.notice(
				"warn",
				`${pass} ${record.key}: its create got no answer, and sent again under its key it met ${error.code} rather than its first answer: ${found.id} is taken as someone else's and adopted as existing (undo puts its fields back, never deletes it; if it is this import's, undo leaves it in Pivotal)`,
			);
			await this.#adopter.adopt(record, found, result.attempts);
			return SETTLED;
		}
		if (this.#ctx.isOver()) return SETTLED;
		if (parent !== undefined && isParentMissing(error) && (await this.parentGone(record, parent)))
			return SETTLED;
		// Anything else settles nothing: the mark stays, and the next run asks again.
		const why = `its create, sent again to ask Pivotal whether it made ${found.id}, was answered ${messageOf(error)}`;
		this.#failLookUp(record, lookupFailedFailure(why), {});
		return SETTLED;
	}

	/**
	 * The create sent again was answered with `made`, not `found`: a send of it landed as `made`.
	 * Deleted in Pivotal since (a read answers 404), `found` is someone else's (adversarial finding
	 * AF2); there, both answer for the row and neither is taken (`ambiguous_match`).
	 */
	async #answeredWithAnother(
		record: SourceRecord,
		found: PivotalRecord,
		made: PivotalRecord,
		attempts: number,
	): Promise<InDoubtVerdict> {
		const read = await this.#ctx.requester.send((client) => client.getRecord(record.pass, made.id));
		if (read.ok) return this.ambiguousMatch(record, { ambiguous: [read.value.data, found] }, 0);
		if (!(read.error instanceof ApiError) || read.error.status !== 404) {
			if (this.#ctx.isOver()) return SETTLED;
			return this.lookupFailed(record);
		}
		this.#ctx.notice(
			"warn",
			`${record.pass} ${record.key}: its create had landed as ${made.id}, deleted in Pivotal since; ${found.id}, which has its identity, is someone else's and adopted as existing (undo puts its fields back, never deletes it)`,
		);
		await this.#adopter.adopt(record, found, attempts);
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
			if (this.isHeldByLostCreate(record, held, sent, "", attempts, true)) return SETTLED;
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
		isLanded: boolean,
	): boolean {
		if (holder === undefined || !mayBeLostCreate(record, holder, sent)) return false;
		const failure = heldInDoubtFailure(holder, String(holder.slug), record.key, isLanded);
		this.#ctx.ledger.reportFailure(record.pass, record, text, attempts, failure);
		return true;
	}

	/**
	 * Is the record a create sent again was answered with (`copy`) deleted in Pivotal since? The
	 * answer may be the replay of a send that landed in an earlier run (adversarial finding AF2).
	 * Read by its id: a 404 records it gone (`deleted_in_pivotal`, made again by `--recreate`), as
	 * an update's 404 does. True when so recorded; a read that fails tells nothing.
	 */
	async isGoneSince(
		record: SourceRecord,
		copy: PivotalCopy,
		text: string,
		attempts: number,
	): Promise<boolean> {
		const read = await this.#ctx.requester.send((client) => client.getRecord(record.pass, copy.id));
		if (read.ok || !(read.error instanceof ApiError) || read.error.status !== 404) return false;
		return this.#ctx.ledger.gone(record.pass, record, text, copy, attempts);
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
