/**
 * A record's PATCH: read first when the PATCH needs what Pivotal holds now (metadata, a field
 * the state knows no earlier value of, `--keep-pivotal-edits`), the revision written before it
 * leaves (so a kill leaves it in doubt, and undo knows this run changed it), then its answer.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import type { PivotalCopy, Revision, SourceRecord } from "../../model/records.js";
import { parentKeyOf } from "../../model/resources.js";
import { guardEdits, keptBody, writtenAfter } from "../plan/edit-guard.js";
import {
	afterValues,
	beforeValues,
	type FieldChange,
	fillBefore,
	hasUnknownBefore,
	ownedValues,
	patchBody,
	touchesMetadata,
} from "../plan/field-diff.js";
import { bodyHash } from "../plan/planner.js";
import type { ApplyContext } from "./apply-record.js";
import { carriesMaskedKey, metadataHoldsKeyFailure } from "./masked-metadata.js";
import { isSuccess, type RecordOutcomes } from "./record-outcomes.js";
import { addRevision } from "./record-requests.js";
import type { SendResult } from "./requester.js";

export class RecordUpdater {
	readonly #ctx: ApplyContext;
	readonly #outcomes: RecordOutcomes;
	readonly #mayTakeSlug: (record: SourceRecord, slug: string) => Promise<boolean>;

	constructor(
		ctx: ApplyContext,
		outcomes: RecordOutcomes,
		/** A PATCH refused `slug_taken`: may it go again (the slug given up since)? */
		mayTakeSlug: (record: SourceRecord, slug: string) => Promise<boolean> = async () => false,
	) {
		this.#ctx = ctx;
		this.#outcomes = outcomes;
		this.#mayTakeSlug = mayTakeSlug;
	}

	/**
	 * PATCH `changes`. `server` is the record as a GET read it just now, if one did; otherwise it
	 * is read here when the PATCH needs it: metadata (PATCH replaces it wholesale, so the keys
	 * Pivotal holds right now are carried along, not those of a listing made at the start) or a
	 * field the state knows no earlier value of (undo puts back what Pivotal held, not a null).
	 */
	async update(
		record: SourceRecord,
		copy: PivotalCopy,
		planned: readonly FieldChange[],
		server: PivotalRecord | undefined,
		attemptsBefore = 0,
		isSentAgain = false,
		/** Sent without its slug, which another customer holds: the state keeps the slug it had. */
		isSlugHeld = false,
	): Promise<void> {
		const { pass } = record;
		// `--keep-pivotal-edits` guards a record the import updates from its state; one adopted just
		// now was read just now, and nothing of it was written by the import yet.
		const isGuarded = this.#ctx.rules.keepPivotalEdits === true && server === undefined;
		let current: PivotalRecord | undefined = server;
		if (current === undefined && (isGuarded || touchesMetadata(planned) || hasUnknownBefore(planned))) {
			const read = await this.#ctx.requester.send((client) => client.getRecord(pass, copy.id), {
				subject: record,
				attemptsBefore,
			});
			if (!read.ok) return this.updateFailed(record, copy, "", read);
			current = read.value.data as PivotalRecord;
		}
		const changes = current ? fillBefore(pass, planned, current) : planned;
		let send = changes;
		let kept: readonly string[] = [];
		// What the state records as written: the changes sent, and those Pivotal held already.
		let written = changes;
		if (isGuarded && current !== undefined) {
			const guarded = guardEdits(pass, changes, copy.v ?? {}, current);
			({ send, kept } = guarded);
			written = [...send, ...guarded.already];
		}
		if (written.length === 0) {
			// Every change was to a field edited in Pivotal since: nothing to send.
			const unchanged = this.#outcomes.succeeded(record, copy, "unchanged", attemptsBefore);
			if (unchanged) this.#outcomes.keptEdits(record, kept);
			return;
		}
		// PATCH replaces metadata wholesale: carry the keys the server holds now that the file does not own.
		const metadata = current ? asMetadata((current as { metadata?: unknown }).metadata) : undefined;
		const revision: Revision = {
			run: this.#ctx.run,
			before: beforeValues(written),
			after: afterValues(written),
		};
		// What the state holds while the PATCH is out: the copy with this run's revision, in doubt.
		// A kill before the answer is written leaves it, so a resume reads the record back by its
		// id, and an undo knows this run changed it.
		const ch = addRevision(copy.ch, revision);
		const pending: PivotalCopy = { ...copy, ch };
		let display = copy.d;
		let attempts = attemptsBefore;
		if (send.length > 0 && touchesMetadata(send) && carriesMaskedKey(metadata, ownMetadata(record.body))) {
			this.#ctx.ledger.fail(pass, record, "", attemptsBefore, metadataHoldsKeyFailure(), {
				b: bodyHash(record.body),
				was: copy,
			});
			return;
		}
		if (send.length > 0) {
			const text = JSON.stringify(patchBody(keptBody(record.body, kept, metadata), send, metadata));
			const result = await this.#ctx.requester.send((client) => client.updateRecord(pass, copy.id, text), {
				subject: record,
				attemptsBefore,
				beforeAttempt: (n) =>
					this.#ctx.ledger.save(pass, record.key, { s: "sent", attempts: n, was: pending }),
			});
			if (!result.ok) {
				const slug = send.find((c) => c.field === "slug")?.after;
				const isSlugTaken =
					typeof slug === "string" &&
					result.error instanceof ApiError &&
					result.error.status === 409 &&
					result.error.code === "slug_taken";
				// A slug another row of the file gives up in this run (or given up since): sent again once.
				if (isSlugTaken && !isSentAgain && (await this.#mayTakeSlug(record, slug)))
					return this.update(record, copy, planned, server, result.attempts, true);
				// Still held (a swap of slugs, or a customer outside the file): the other changes go
				// without it, not lost with it; the slug is tried again by the next run (finding Z4).
				if (isSlugTaken && !isSlugHeld) {
					const others = planned.filter((c) => c.field !== "slug");
					const held = copy.v?.slug;
					this.#ctx.notice(
						"warn",
						`customers ${record.key}: slug ${JSON.stringify(slug)} is held by another customer; ${others.length > 0 ? "its other changes are sent without it, and " : `it keeps ${typeof held === "string" ? JSON.stringify(held) : "its slug"}, and `}the slug goes again with the next run`,
					);
					// The slug alone: not a failure of the record, which is as the import last wrote it
					// (adversarial findings W4, Z8: the file's slug once held by someone else).
					if (others.length === 0) {
						this.#outcomes.succeeded(record, copy, "unchanged", result.attempts);
						return;
					}
					return this.update(record, copy, others, server, result.attempts, true, true);
				}
				// Refused outright (4xx): nothing changed. Otherwise it may have been carried out.
				const isInDoubt = result.verdict.kind !== "fail" || result.verdict.retryable;
				return this.updateFailed(record, isInDoubt ? pending : copy, text, result);
			}
			display = result.value.data.display_id;
			attempts = result.attempts;
		}
		const updated: PivotalCopy = {
			...copy,
			...(display === undefined ? {} : { d: display }),
			v: writtenAfter(copy.v ?? {}, ownedValues(record.body), written, isSlugHeld ? [...kept, "slug"] : kept),
			r: this.#ctx.run,
			did: "updated",
			ch,
		};
		if (this.#outcomes.succeeded(record, updated, "updated", attempts))
			this.#outcomes.keptEdits(record, kept);
	}

	/** A PATCH (or its read) that did not land: gone, deleted by our own `--delete-missing`, or failed. */
	updateFailed(
		record: SourceRecord,
		copy: PivotalCopy,
		text: string,
		result: SendResult<unknown> & { ok: false },
	) {
		if (this.deletedByUs(record, result)) return;
		if (result.error instanceof ApiError && result.error.status === 404) {
			this.#ctx.ledger.gone(record.pass, record, text, copy, result.attempts);
			return;
		}
		// Answered 2xx, unreadably: it landed. Left in doubt, read back by the next run.
		if (result.error instanceof ApiError && isSuccess(result.error.status))
			return this.#outcomes.unread(record, text, result);
		this.#outcomes.failed(record, text, result, { b: bodyHash(record.body), was: copy });
	}

	/**
	 * A 404 for a record whose `--delete-missing` DELETE (or an undo's) was out when a run was
	 * killed: that DELETE landed. Recorded as the delete it was (undo of that run re-creates it;
	 * an undo's, taken back), never as a record deleted in Pivotal by someone else.
	 */
	deletedByUs(record: SourceRecord, result: SendResult<unknown> & { ok: false }): boolean {
		if (!(result.error instanceof ApiError && result.error.status === 404)) return false;
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		if (state?.s !== "sent" || state.was === undefined) return false;
		// An undo stopped with its DELETE out, and it landed: taken back by that undo, as a
		// finished undo would have recorded it (not this run's delete, nor someone else's).
		if (state.un !== undefined) return this.#ctx.ledger.undoneBefore(record.pass, record.key, state.was);
		if (state.del === undefined) return false;
		const parentKey = parentKeyOf(record.pass, record.key);
		this.#ctx.ledger.deletedMissing(record.pass, record, state.was, state.del, parentKey, result.attempts);
		return true;
	}
}

function asMetadata(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

/** The metadata keys the file sets on this record. */
function ownMetadata(body: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
	return asMetadata(body.metadata);
}
