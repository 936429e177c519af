/**
 * Asking Pivotal whether a create left in doubt made the record found for it: the body a send of
 * it carried is sent again under its key, where the answer settles it (adversarial findings AE4,
 * AF1, AF4, AG7). Pivotal keeps a key's answer 24 h: a send that landed is answered with its first
 * answer (or `idempotency_key_reused` for another body); one that did not meets the found record's
 * slug or e-mail and makes nothing, which proves it did not land within the hour of the first send.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import type { FieldValues, PivotalCopy, RecordState, SourceRecord } from "../../model/records.js";
import { bodyUnder, resourceOf } from "../../model/resources.js";
import { idTag } from "../../source/slug/index.js";
import { idempotencyKey } from "../idempotency.js";
import type { RecordAdopter } from "./adopt-record.js";
import type { ApplyContext } from "./apply-record.js";
import { isParentMissing } from "./lookup-outcomes.js";
import { type InDoubtVerdict, type LookUpReports, SETTLED } from "./lookup-reports.js";
import { isWithinProof } from "./made-by-create.js";
import { createCall, isKeyReused, messageOf } from "./record-requests.js";

/** A unique value as Pivotal compares it: an e-mail after lower-casing (§26), a slug as it is. */
function uniqueText(value: unknown): string | undefined {
	return typeof value === "string" ? (value.includes("@") ? value.toLowerCase() : value) : undefined;
}

/** An answer that settles nothing about `found`: its fit with what the create sent decides. */
export const FIT_DECIDES = "fit";

export class CreateAsker {
	readonly #ctx: ApplyContext;
	readonly #adopter: RecordAdopter;
	readonly #reports: LookUpReports;

	constructor(ctx: ApplyContext, adopter: RecordAdopter, reports: LookUpReports) {
		this.#ctx = ctx;
		this.#adopter = adopter;
		this.#reports = reports;
	}

	/**
	 * The body a send of the create in doubt carried whose unique value `found` holds (a customer's
	 * slug, a contact's e-mail), when sending it again under its key settles whether the create
	 * made `found` (adversarial findings AE4, AF1, AF4, AG7): every send under this generation's
	 * plain key. Landed, Pivotal answers that body with its first answer, or `idempotency_key_reused`
	 * when another body landed, for as long as it keeps the key (24 h); not landed, the send meets
	 * `found`'s unique value (`slug_taken`, `email_taken`) and makes nothing, which proves it never
	 * landed only within the hour of the first send (a server may keep keys for less). The row's
	 * body now may be another (renamed since: its slug free), so the kept body is sent, byte for
	 * byte as it went (the mark keeps the values in the body's order). Undefined when Pivotal cannot
	 * settle it that way: the fit alone decides.
	 */
	askable(
		record: SourceRecord,
		state: RecordState,
		generation: number,
		found: PivotalRecord,
	): FieldValues | undefined {
		const unique = resourceOf(record.pass).unique;
		if (unique === undefined) return undefined;
		if (state.s !== "sent" && !(state.s === "failed" && state.retryable)) return undefined;
		if ((state.g ?? 0) !== generation || state.sv === undefined || state.sv.length === 0) return undefined;
		// A suffixed slug went under a key of its own (`.s`): every send must have gone under the plain one.
		const tag = `-${idTag(record.key)}`;
		if (state.sv.some((sent) => typeof sent.slug === "string" && sent.slug.endsWith(tag))) return undefined;
		const held = uniqueText(found[unique.field as keyof PivotalRecord]);
		if (held === undefined) return undefined;
		return state.sv.findLast((sent) => uniqueText(sent[unique.field]) === held);
	}

	/**
	 * Sends `sent`, a body the create in doubt carried, again under its key, and takes Pivotal's
	 * answer as the verdict on `found` (see `askable`). Nothing new can be made: `found` holds the
	 * body's unique value. The mark stays as it was until the answer settles it. `FIT_DECIDES` when
	 * the answer proves nothing (a conflict past the hour): the caller's fit decides. `isFitted`:
	 * `found` fits what a send carried; one that does not (edited in Pivotal since) is the create's
	 * only on its own replay, not on `idempotency_key_reused` (another body of it landed, perhaps as
	 * another record: adversarial finding AH1).
	 */
	async ask(
		record: SourceRecord,
		state: RecordState,
		generation: number,
		parent: PivotalCopy | undefined,
		found: PivotalRecord,
		sent: FieldValues,
		isFitted = true,
	): Promise<InDoubtVerdict | typeof FIT_DECIDES> {
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
			if (!isFitted) return FIT_DECIDES;
			this.#ctx.notice(
				"info",
				`${pass} ${record.key} was created by an earlier run with other values; adopted ${found.id} and brought up to the file`,
			);
			await this.#adopter.adopt(record, found, result.attempts, false, true);
			return SETTLED;
		}
		if (error instanceof ApiError && error.status === 409 && error.code === def.unique?.code) {
			// Past the hour the key may be forgotten: the conflict proves nothing, the fit decides.
			if (!isWithinProof(state, this.#reports.clockNow())) return FIT_DECIDES;
			this.#ctx.notice(
				"warn",
				`${pass} ${record.key}: its create got no answer, and sent again under its key it met ${error.code} rather than its first answer: ${found.id} is taken as someone else's and adopted as existing (undo puts its fields back, never deletes it; if it is this import's, undo leaves it in Pivotal)`,
			);
			await this.#adopter.adopt(record, found, result.attempts);
			return SETTLED;
		}
		if (this.#ctx.isOver()) return SETTLED;
		if (parent !== undefined && isParentMissing(error) && (await this.#reports.parentGone(record, parent)))
			return SETTLED;
		// Anything else settles nothing: the mark stays, and the next run asks again.
		const why = `its create, sent again to ask Pivotal whether it made ${found.id}, was answered ${messageOf(error)}`;
		this.#reports.lookupFailed(record, 0, why);
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
		if (read.ok) return this.#reports.ambiguousMatch(record, { ambiguous: [read.value.data, found] }, 0);
		if (!(read.error instanceof ApiError) || read.error.status !== 404) {
			if (this.#ctx.isOver()) return SETTLED;
			return this.#reports.lookupFailed(record);
		}
		this.#ctx.notice(
			"warn",
			`${record.pass} ${record.key}: its create had landed as ${made.id}, deleted in Pivotal since; ${found.id}, which has its identity, is someone else's and adopted as existing (undo puts its fields back, never deletes it)`,
		);
		await this.#adopter.adopt(record, found, attempts);
		return SETTLED;
	}
}
