/**
 * Carries out one record's operation: create, update, or match (look it up in Pivotal, then
 * adopt and update it, or create it). Knows how each request is made and what its answer
 * means; not why the planner chose it. The PATCH is `RecordUpdater`'s, what an end means for
 * the breaker `RecordOutcomes`', the look-up in Pivotal `ExistingFinder`'s.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import {
	copyOf,
	type FieldValues,
	type PassName,
	type PivotalCopy,
	type RecordState,
	type SourceRecord,
} from "../../model/records.js";
import { bodyUnder, isWorkspaceMatched, perPass, resourceOf } from "../../model/resources.js";
import { idTag, withSuffix } from "../../source/slug/index.js";
import { isCreateMaybeMade } from "../checkpoint/state-map.js";
import type { RunOutcome } from "../events.js";
import { idempotencyKey } from "../idempotency.js";
import { ownedValues } from "../plan/field-diff.js";
import { doubtIdsOf } from "../plan/lookalike-rows.js";
import { bodyHash, type Operation } from "../plan/planner.js";
import { mayCreate, type SyncRules } from "../plan/sync-rules.js";
import { RecordAdopter } from "./adopt-record.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { type Ambiguous, isAmbiguous } from "./existing-records.js";
import { ExistingFinder } from "./find-existing.js";
import { mayBeForgotten } from "./forgotten-children.js";
import { heldIdFailure, IdHolders } from "./id-holders.js";
import type { FailedExtra, Failure, Ledger } from "./ledger.js";
import {
	ambiguousMatchFailure,
	existsAgainFailure,
	heldInDoubtFailure,
	landedNotFoundFailure,
	lookupFailedFailure,
} from "./lookup-failures.js";
import { isParentMissing, LOOKUP_FAILED, PARENT_MISSING } from "./lookup-outcomes.js";
import {
	type CreateSent,
	createSentOf,
	firstSendOf,
	isLanded,
	isMadeByCreate,
	isProvenUnmade,
	mayBeLostCreate,
	onServerClock,
	onServerOf,
	sentValuesOf,
	withoutUnlanded,
} from "./made-by-create.js";
import { otherIdentity } from "./record-identity.js";
import { isSuccess, RecordOutcomes } from "./record-outcomes.js";
import { createCall, isGuarded, isKeyedTo, isKeyInUse, isKeyReused } from "./record-requests.js";
import type { Lane, Requester } from "./requester.js";
import { isSlugGivenUp, writerOfSlug } from "./slug-given-up.js";
import { notInPivotalNote } from "./sync-notes.js";
import { RecordUpdater } from "./update-record.js";

export interface ApplyContext {
	/** The import's id, part of every idempotency key. */
	readonly importId: string;
	/** This run's number. */
	readonly run: number;
	readonly ledger: Ledger;
	readonly requester: Requester;
	readonly breaker: CircuitBreaker;
	/** `--only`, `--keep-pivotal-edits` (the planner applies `--empty`). */
	readonly rules: SyncRules;
	readonly breakerAction: "stop" | "pause";
	readonly notice: (level: "info" | "warn" | "error", message: string) => void;
	readonly trip: (outcome: RunOutcome, message: string) => void;
	readonly pause: () => void;
	readonly isOver: () => boolean;
	/** The finder to look records up with, when the run made it early (its list already walking). @default a new one */
	readonly finder?: ExistingFinder | undefined;
	/** `--recreate`: a create whose send landed, its record not found since, is made again (AE5). */
	readonly recreate?: boolean | undefined;
}

/**
 * The slug a customer's create carries: the file's or the derived one, and when that one is held
 * by another customer in Pivotal, the same with a suffix derived from the external id.
 */
function slugToSend(record: SourceRecord, isHeld: boolean): string | undefined {
	if (!resourceOf(record.pass).derivesSlug) return undefined;
	const slug = typeof record.body.slug === "string" ? record.body.slug : record.slug;
	if (slug === undefined || !isHeld) return slug;
	return withSuffix(slug, idTag(record.key));
}

/**
 * What Pivotal holds if a create of `record` carrying `slug` lands: the file's values, with the
 * slug sent where the file has one (findings V12, Z8).
 */
function ownedSent(record: SourceRecord, slug: string | undefined): FieldValues {
	return ownedValues(
		typeof record.body.slug === "string" && slug !== undefined && slug !== record.body.slug
			? { ...record.body, slug }
			: record.body,
	);
}

/** The values a create of `record` carrying `slug` sends, as a mark keeps them: the slug among them. */
function sentValuesNow(record: SourceRecord, slug: string | undefined): FieldValues {
	const values = ownedSent(record, slug);
	return slug === undefined ? values : { ...values, slug };
}

type Work = Exclude<Operation, { kind: "unchanged" | "blocked" | "kept" | "skipped" }>;

export class RecordApplier {
	readonly #ctx: ApplyContext;
	// Records sent in this process, by pass and key: their "sent" state is ours, not a previous
	// run's doubt. By the record's own key, not a `pass:key` string made, flattened and hashed per create.
	readonly #sentHere = perPass(() => new Set<string>());
	// The key each record went out with (several keys only): a retry of an in-doubt record goes through it again.
	readonly #laneOf = perPass(() => new Map<string, Lane>());
	// The ids the records of each pass hold, asked of every create's answer (id-holders.ts).
	readonly #idHolders: Readonly<Record<PassName, IdHolders>>;

	readonly #finder: ExistingFinder;
	readonly #outcomes: RecordOutcomes;
	readonly #updater: RecordUpdater;
	readonly #adopter: RecordAdopter;

	constructor(ctx: ApplyContext) {
		this.#ctx = ctx;
		this.#idHolders = perPass((pass) => new IdHolders(ctx.ledger.store, pass));
		this.#finder = ctx.finder ?? new ExistingFinder(ctx);
		this.#outcomes = new RecordOutcomes(ctx);
		this.#updater = new RecordUpdater(ctx, this.#outcomes, (record, slug) =>
			this.#isSlugGivenUp(record, slug),
		);
		this.#adopter = new RecordAdopter(ctx, this.#outcomes, this.#updater);
	}

	async apply(record: SourceRecord, op: Work, parent: PivotalCopy | undefined): Promise<void> {
		switch (op.kind) {
			case "create":
				return this.#create(record, op.generation, op.isInDoubt, parent);
			case "update":
				return this.#updater.update(record, op.copy, op.changes, undefined);
			case "match":
				return this.#match(record, op.generation, op.id, parent, op.isInDoubt === true);
		}
	}

	// ── create ───────────────────────────────────────────────────────────────

	async #create(
		record: SourceRecord,
		generation: number,
		isInDoubt: boolean,
		parent: PivotalCopy | undefined,
		isSlugHeld = false,
		isSentAgain = false,
	): Promise<void> {
		const { pass } = record;
		const sentHere = this.#sentHere[pass];
		const laneOf = this.#laneOf[pass];
		// `--only update`: a row not found in Pivotal is reported, never created.
		if (!mayCreate(this.#ctx.rules)) {
			this.#ctx.ledger.skipped(pass, record, notInPivotalNote(pass));
			return;
		}
		// Made again after a delete (`--recreate`, its row back): not if Pivotal holds it again.
		if (
			generation > 0 &&
			!isInDoubt &&
			!sentHere.has(record.key) &&
			(await this.#isThereAgain(record, parent, generation))
		)
			return;
		// A previous run may have created it and the server may have forgotten the key since:
		// records no uniqueness rule guards are looked up first. So are those a state may have
		// forgotten (cut back, or an older copy put back) under a customer made before this process.
		const state = this.#ctx.ledger.store.get(pass, record.key);
		const isForgotten =
			!isInDoubt && mayBeForgotten(record, state, parent, (parentId) => this.#finder.isMadeHere(parentId));
		// A customer in doubt is looked up by its external id though its slug guards it: the row
		// may have been renamed since, and its derived slug with it (finding K-F4). One walk of the
		// customer list, only in a run that resumes such a create.
		// So is any create Pivotal said landed (`kr`): sent again past the key's retention, it would
		// be made a second time (finding AE5).
		const isLookedUp =
			!isGuarded(record) || (isInDoubt && (isWorkspaceMatched(pass) || isLanded(state, generation)));
		// The customer found for it when Pivotal is asked by sending the create again (AE4).
		let asked: PivotalRecord | undefined;
		if ((isInDoubt || isForgotten) && !sentHere.has(record.key) && isLookedUp) {
			// Never another row's record: a same-named sibling's would be overwritten and this one's
			// left orphaned, two keys on one id (findings I-F10, J14).
			this.#finder.claimKnown(pass, () => this.#ctx.ledger.store.entries(pass));
			const looked =
				isForgotten && parent
					? await this.#finder.lookUpForgotten(record, parent)
					: await this.#finder.lookUp(record, parent);
			// A customer is ours only by its external id: one that only shares its slug or a CRM id
			// is left to the slug's own conflict below, which tells a customer someone else holds.
			const isOtherCustomer =
				isWorkspaceMatched(pass) &&
				typeof looked === "object" &&
				looked !== null &&
				(isAmbiguous(looked)
					? !looked.ambiguous.some((c) => isKeyedTo(c, record.key))
					: !isKeyedTo(looked, record.key));
			const found = isOtherCustomer ? undefined : looked;
			if (found === null) return;
			if (isAmbiguous(found)) return this.#ambiguousMatch(record, found, generation);
			if (found === LOOKUP_FAILED) return this.#lookupFailed(record);
			// Its customer's list answered 404: sent again, the create would be replayed under a
			// customer deleted since.
			if (found === PARENT_MISSING) {
				if (parent && (await this.#parentGone(record, parent))) return;
			} else if (found !== undefined && isForgotten) {
				this.#ctx.notice(
					"info",
					`${pass} ${record.key} is in Pivotal under its customer though the state does not know it; adopted ${found.id}`,
				);
				// Nothing proves this import made it: adopted as existing, so an undo leaves it.
				return this.#adopter.adopt(record, found, 0);
			} else if (found !== undefined && isMadeByCreate(record, found, this.#sent(record, state))) {
				// Within the hour Pivotal itself can tell: the create sent again under its key is
				// answered with its first answer when it landed, or `slug_taken` when this customer is
				// someone else's, made as the row says after the send that never landed (finding AE4).
				// The send below takes either answer as the verdict.
				if (!this.#isAskable(record, state, generation, found)) {
					this.#ctx.notice(
						"info",
						`${pass} ${record.key} was already created by an earlier run; adopted ${found.id}`,
					);
					// The earlier send made it: created by this import, so an undo takes it back too.
					return this.#adopter.adopt(record, found, 0, false, true);
				}
				asked = found;
			} else if (found !== undefined) {
				this.#ctx.notice(
					"info",
					`${pass} ${record.key} is in Pivotal, but not as an earlier run's create would have made it (other values, or made before it was sent); adopted ${found.id} as existing (undo puts its fields back, never deletes it)`,
				);
				// Someone else's record, or ours edited since (in Pivotal or in the file): nothing
				// proves this import made it, so an undo must not delete it (finding M6).
				return this.#adopter.adopt(record, found, 0);
			} else if (found === undefined && isInDoubt && isLanded(state, generation)) {
				return this.#notFoundAfterLanding(record, generation, parent, isSlugHeld, 0);
			}
		}
		const slug = slugToSend(record, isSlugHeld);
		// The file's own slug goes as it is: no copy of the body to set it to itself.
		const body = bodyUnder(
			resourceOf(pass),
			parent?.id,
			slug === undefined || slug === record.body.slug ? record.body : { ...record.body, slug },
		);
		const text = JSON.stringify(body);
		// The suffixed slug is another body: it goes under a key of its own (`.s`), the same on
		// every resume since the suffix is derived from the external id, not from what Pivotal holds.
		const key = `${idempotencyKey(this.#ctx.importId, pass, record.key, generation)}${isSlugHeld ? ".s" : ""}`;
		const previous = this.#ctx.ledger.store.get(pass, record.key);
		const attemptsBefore = previous?.s === "sent" || previous?.s === "failed" ? previous.attempts : 0;
		// When the create first left: a record found for it later that was made before then is
		// not its (see made-by-create.ts). Unknown for a doubt an older version left.
		const firstSentAt = attemptsBefore > 0 ? firstSendOf(previous) : Date.now();
		// The same instant on Pivotal's clock, as far as its answers' `Date` headers prove it.
		const firstOnServer =
			attemptsBefore > 0 || firstSentAt === undefined ? onServerOf(previous) : this.#clockNow().onServer;
		sentHere.add(record.key);
		const ids = doubtIdsOf(pass, record.body);
		const values = ownedSent(record, slug);
		const sentNow = slug === undefined ? values : { ...values, slug };
		const sv = sentValuesOf(previous, sentNow, text.length);
		const result = await this.#ctx.requester.send(
			(client) => createCall(client, pass, parent?.id, text, key),
			{
				subject: record,
				attemptsBefore,
				lane: laneOf.size === 0 ? undefined : laneOf.get(record.key),

				// Written before every create leaves, guarded or not: a resume must know this import may
				// have created it, so a record its uniqueness rule (or a look-up) finds then is still ours.
				beforeAttempt: (attempts) =>
					this.#ctx.ledger.save(pass, record.key, {
						s: "sent",
						attempts,
						...(generation ? { g: generation } : {}),
						...(firstSentAt === undefined ? {} : { t: firstSentAt }),
						...(firstOnServer === undefined ? {} : { ts: firstOnServer }),
						...(ids === undefined ? {} : { ids }),
						...(sv === undefined ? {} : { sv }),
					}),
			},
		);
		if (result.ok) {
			// With one key there is no other to go through: nothing to remember.
			if (this.#ctx.requester.lanes.length > 1) laneOf.set(record.key, result.lane);
			const created = result.value.data as PivotalRecord;
			// Another record's id: never recorded as that record (finding U14); it stays in doubt.
			const holder = this.#idHolders[pass].holderOf(created.id, record.key);
			if (holder !== undefined) {
				const failure = heldIdFailure(pass, created.id, holder, result.value.status);
				return this.#ctx.ledger.reportFailure(pass, record, text, result.attempts, failure);
			}
			// A record that is not the one sent (another customer's external id): never recorded as
			// this row's, where an undo would then delete it (adversarial finding W13).
			const other = otherIdentity(pass, record.key, record.parentKey, parent?.id, created);
			if (other !== undefined)
				return this.#ctx.ledger.reportFailure(pass, record, text, result.attempts, {
					status: result.value.status,
					code: "not_this_record",
					message: `Pivotal answered its create with ${created.id}, which reads as ${other}, not as this row; not recorded, nothing else changed. It stays in doubt: the next run looks it up first.`,
					retryable: true,
				});
			if (asked?.id === created.id)
				this.#ctx.notice(
					"info",
					`${pass} ${record.key} was already created by an earlier run: Pivotal answered its create, sent again, with ${created.id}`,
				);
			this.#idHolders[pass].add(created.id);
			this.#finder.created(pass, created);
			const copy: PivotalCopy = {
				id: created.id,
				d: created.display_id,
				outcome: "created",
				// The slug sent: a later sync sends the file's once it is free.
				v: values,
				c: this.#ctx.run,
				r: this.#ctx.run,
				did: "created",
				...(generation ? { g: generation } : {}),
			};
			this.#outcomes.succeeded(record, copy, "created", result.attempts);
			return;
		}
		// The key went out before with other values (the row was edited since a send that got no
		// answer): that send reached Pivotal. Its record is looked for and taken; not found, the
		// create goes under a new key, never stuck on the old one for the server's retention.
		if (result.error instanceof ApiError && isKeyReused(result.error)) {
			// This body made nothing: the mark keeps the bodies that may have (finding AE2), and that
			// one of them landed (finding AE5).
			const current = this.#ctx.ledger.store.get(pass, record.key);
			const mark = withoutUnlanded(current, sentNow) ?? current;
			if (mark?.s === "sent") this.#ctx.ledger.save(pass, record.key, { ...mark, kr: 1 });
			return this.#afterKeyReused(record, generation, parent, isSlugHeld, result.attempts, asked);
		}
		if (result.error instanceof ApiError && result.error.status === 409) {
			const existing = await this.#finder.onConflict(record, result.error, parent, slug, generation > 0);
			if (existing === null) return;
			// The slug (or a contact's e-mail) was given up since the create was refused: by another
			// row of this file whose update took it off, in this run, or by a record deleted since
			// (adversarial findings W12, X7). Sent again once, as it was.
			if (
				!isSentAgain &&
				(existing === "free" || (existing === "held" && (await this.#isSlugGivenUp(record, slug))))
			) {
				const unique = resourceOf(pass).unique;
				const value = unique?.field === "slug" ? slug : record.body[unique?.field ?? ""];
				this.#ctx.notice(
					"info",
					`${pass} ${record.key}: ${unique?.field ?? "a unique value"} ${JSON.stringify(value)} was given up by the record that held it; creating it again`,
				);
				return this.#create(record, generation, isInDoubt, parent, isSlugHeld, true);
			}
			if (existing === "held" && !isSlugHeld) {
				// A holder with no external id, the row's name, made since the create first left, may be
				// that create's record with its metadata rewritten by another tool: a suffixed create
				// would be a second customer (adversarial finding AC7). Left in doubt, said.
				const candidate = slug === undefined ? undefined : this.#finder.slugHolder(slug);
				if (
					isInDoubt &&
					!isProvenUnmade(previous, generation, sentNow, this.#clockNow()) &&
					this.#isHeldByLostCreate(record, candidate, this.#sent(record, previous), text, result.attempts)
				)
					return;
				// Named when it is this import's own: a customer whose update giving it up did not land in time (finding Y9).
				const holder = slug === undefined ? undefined : this.#finder.slugHolderKey(slug);
				const whose =
					holder !== undefined && this.#ctx.ledger.store.get(pass, holder) !== undefined
						? `customer ${JSON.stringify(holder)} of this import (an update giving it up had not landed, or none gives it up)`
						: "another customer in Pivotal";
				this.#ctx.notice(
					"info",
					`customers ${record.key}: slug ${JSON.stringify(slug)} belongs to ${whose}; creating it as ${JSON.stringify(slugToSend(record, true))}`,
				);
				return this.#create(record, generation, isInDoubt, parent, true);
			}
			// Found by the uniqueness rule after an earlier send of this create got no answer: that
			// send may have made it (the key forgotten since), so it is this import's to undo when it
			// fits what a send carried; else, or when the conflict says the send did not land, not.
			if (existing !== undefined && existing !== "held" && existing !== "free") {
				const fits = isInDoubt && isMadeByCreate(record, existing, this.#sent(record, previous));
				// A create that landed is answered again as it was, under its key, for 24 h: a conflict
				// instead says it did not, unless Pivotal forgot the key sooner or never kept it (a
				// write answered 5xx). Taken as someone else's, the safe side, and said (AC2, AD1).
				const isUnmade = fits && isProvenUnmade(previous, generation, sentNow, this.#clockNow());
				if (isUnmade)
					this.#ctx.notice(
						"warn",
						`${pass} ${record.key}: its create got no answer, and sent again under its key it met ${result.error.code} rather than its first answer: ${existing.id} is taken as someone else's and adopted as existing (undo puts its fields back, never deletes it; if it is this import's, undo leaves it in Pivotal)`,
					);
				return this.#adopter.adopt(record, existing, result.attempts, false, fits && !isUnmade);
			}
		}
		// Its customer is not there: deleted in Pivotal since. The customer is recorded gone and
		// this record waits for it, blocked, rather than failing on every run to come.
		// The 404 answered this create: what the record was before it left is what it waits with.
		if (
			parent !== undefined &&
			isParentMissing(result.error) &&
			(await this.#parentGone(record, parent, () => previous))
		)
			return;
		// A 2xx Pivotal answered unreadably, or a 409 saying a create with this key is still running:
		// either way the record may be made. It stays in doubt, never re-sent blind.
		if (result.error instanceof ApiError && (isSuccess(result.error.status) || isKeyInUse(result.error)))
			return this.#outcomes.unread(record, text, result);
		this.#outcomes.failed(record, text, result, {
			b: bodyHash(record.body),
			...(generation ? { g: generation } : {}),
			...(firstSentAt === undefined ? {} : { t: firstSentAt }),
			...(firstOnServer === undefined ? {} : { ts: firstOnServer }),
			...(ids === undefined ? {} : { ids }),
			...(sv === undefined ? {} : { sv }),
		});
	}

	/** What the create in doubt for `record` may have sent: its slugs, and when it first left. */
	/**
	 * Did another customer of this import give `slug` up in this run, so that a create or an update
	 * Pivotal refused `slug_taken` may go again (adversarial findings W12, Y3)? Its holder as the
	 * last walk of the customer list saw it, else the customer the state says last wrote it: never
	 * a walk for it (a nightly sync of a large workspace would pay thousands of requests).
	 */
	#isSlugGivenUp(record: SourceRecord, slug: string | undefined): Promise<boolean> {
		const { store } = this.#ctx.ledger;
		const holder =
			slug === undefined
				? undefined
				: (this.#finder.slugHolderKey(slug) ?? writerOfSlug(store, record.pass, slug, record.key));
		return isSlugGivenUp(record, slug, holder, (key) => store.get(record.pass, key), this.#ctx.isOver);
	}

	/**
	 * A customer holding a slug the create in doubt sent, which may be that create's record (see
	 * `mayBeLostCreate`): neither adopted nor created beside, the row fails `ambiguous_match`
	 * naming it and stays in doubt (adversarial findings AC7, AD3, AE1). True when so reported.
	 */
	#isHeldByLostCreate(
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
		return isProvenUnmade(state, generation, sentValuesNow(record, slug), this.#clockNow());
	}

	/** Now, on this machine's clock and, as far as the `Date` headers prove it, on Pivotal's. */
	#clockNow(): { here: number; onServer: number | undefined } {
		const here = Date.now();
		return { here, onServer: onServerClock(here, this.#ctx.requester.lanes[0]?.client.serverClock) };
	}

	#sent(record: SourceRecord, state: RecordState | undefined): CreateSent {
		const slug = slugToSend(record, false);
		return createSentOf(state, slug === undefined ? [] : [slug, slugToSend(record, true) as string]);
	}

	/**
	 * Its customer answered 404 for it: once a read of the customer answers 404 too (one answer is
	 * not proof), the customer is recorded gone and this record waits for it, blocked. False when
	 * the customer is there (or could not be read): the caller goes on as it would have.
	 */
	async #parentGone(
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
	#lookupFailed(record: SourceRecord, generation = 0): void {
		// A record made again keeps its generation: its first create's key would replay the old record.
		const extra = generation ? { g: generation } : {};
		this.#failLookUp(record, lookupFailedFailure(this.#finder.lookupFailure), extra);
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

	/**
	 * Before a record deleted earlier is made again: does Pivotal hold one with its identity (a
	 * customer's external id, a contact's e-mail under its customer)? Then it is failed
	 * `exists_again`, naming them, and nothing is sent. True when the caller must stop.
	 */
	async #isThereAgain(
		record: SourceRecord,
		parent: PivotalCopy | undefined,
		generation: number,
	): Promise<boolean> {
		const found = await this.#finder.carryingIdentity(record.pass, record.key, record.body, parent?.id);
		if (found === null) return true;
		if (found === LOOKUP_FAILED) {
			this.#lookupFailed(record, generation);
			return true;
		}
		if (found.length === 0) return false;
		this.#ctx.ledger.fail(record.pass, record, "", 0, existsAgainFailure(record.pass, found), {
			b: bodyHash(record.body),
			g: generation,
		});
		return true;
	}

	/**
	 * More than one record in Pivotal answers for the row at the same level (finding O16): none is
	 * adopted or written. Failed, retryable, with no copy: each run looks it up again and reports
	 * it until one candidate is left (the others deleted, or given their own external id).
	 */
	#ambiguousMatch(record: SourceRecord, found: Ambiguous, generation: number): void {
		this.#failLookUp(record, ambiguousMatchFailure(record.pass, found), {
			b: bodyHash(record.body),
			...(generation ? { g: generation } : {}),
		});
	}

	/** See the 409 `idempotency_key_reused` in `#create`: the earlier send's record, or a new key. */
	async #afterKeyReused(
		record: SourceRecord,
		generation: number,
		parent: PivotalCopy | undefined,
		isSlugHeld: boolean,
		attempts: number,
		asked?: PivotalRecord,
	): Promise<void> {
		this.#finder.claimKnown(record.pass, () => this.#ctx.ledger.store.entries(record.pass));
		// The customer this run found for it and asked about by the send: not looked up twice (its
		// first look-up claimed it, so a second would not find it).
		const found = asked ?? (await this.#finder.lookUp(record, parent));
		if (found === null) return;
		if (found === LOOKUP_FAILED) return this.#lookupFailed(record);
		if (isAmbiguous(found)) return this.#ambiguousMatch(record, found, generation);
		if (found === PARENT_MISSING) {
			if (parent && (await this.#parentGone(record, parent))) return;
		} else if (found !== undefined) {
			// The server's answer proves an earlier send landed, not that this record is what it made:
			// someone may have deleted that one and made their own with the same e-mail or external id
			// (adversarial finding AD2). It is the import's when it fits what a send carried.
			const state = this.#ctx.ledger.store.get(record.pass, record.key);
			if (isMadeByCreate(record, found, this.#sent(record, state))) {
				this.#ctx.notice(
					"info",
					`${record.pass} ${record.key} was created by an earlier run with other values; adopted ${found.id} and brought up to the file`,
				);
				return this.#adopter.adopt(record, found, attempts, false, true);
			}
			this.#ctx.notice(
				"info",
				`${record.pass} ${record.key}: an earlier run's create landed, but ${found.id} holds what none of its sends carried (edited since, or someone else's); adopted as existing (undo puts its fields back, never deletes it)`,
			);
			return this.#adopter.adopt(record, found, attempts);
		}
		return this.#notFoundAfterLanding(record, generation, parent, isSlugHeld, attempts);
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
		parent: PivotalCopy | undefined,
		isSlugHeld: boolean,
		attempts: number,
	): Promise<void> {
		let holder: PivotalRecord | undefined;
		if (isWorkspaceMatched(record.pass)) {
			const sent = this.#sent(record, this.#ctx.ledger.store.get(record.pass, record.key));
			const slugs = (sent.values ?? []).flatMap((values) =>
				typeof values.slug === "string" ? [values.slug] : [],
			);
			const held = slugs.length === 0 ? undefined : await this.#finder.slugHolderOf(slugs);
			if (held === LOOKUP_FAILED) return this.#lookupFailed(record, generation);
			if (this.#isHeldByLostCreate(record, held, sent, "", attempts)) return;
			holder = held;
		}
		if (this.#ctx.recreate !== true) {
			const failure = landedNotFoundFailure(record.pass, holder);
			return this.#ctx.ledger.reportFailure(record.pass, record, "", attempts, failure);
		}
		this.#ctx.notice(
			"warn",
			`${record.pass} ${record.key}: a create of it landed in an earlier run but is not found in Pivotal; made again (--recreate)`,
		);
		// Looked up just now: the create goes out under the next key without a second look.
		this.#sentHere[record.pass].add(record.key);
		return this.#create(record, generation + 1, true, parent, isSlugHeld);
	}

	async #match(
		record: SourceRecord,
		generation: number,
		id: string | undefined,
		parent: PivotalCopy | undefined,
		isInDoubt = false,
	) {
		let found: PivotalRecord | undefined | null;
		if (id !== undefined) {
			const result = await this.#ctx.requester.send((client) => client.getRecord(record.pass, id));
			if (!result.ok && this.#ctx.isOver()) return;
			// Not found by its id: deleted in Pivotal (404), or not known (the read failed): as for a PATCH.
			const copy = copyOf(this.#ctx.ledger.store.get(record.pass, record.key));
			// The killed run's own DELETE landed: its row is back, so it is created again.
			if (!result.ok && this.#updater.deletedByUs(record, result)) {
				return this.#create(record, (copy?.g ?? 0) + 1, false, parent);
			}
			if (!result.ok && copy) return this.#updater.updateFailed(record, copy, "", result);
			found = result.ok ? result.value.data : undefined;
		} else {
			const looked = this.#finder.lookUp(record, parent);
			const answer = looked instanceof Promise ? await looked : looked;
			if (answer === LOOKUP_FAILED) return this.#lookupFailed(record);
			if (isAmbiguous(answer)) return this.#ambiguousMatch(record, answer, generation);
			if (answer === PARENT_MISSING && parent && (await this.#parentGone(record, parent))) return;
			found = answer === PARENT_MISSING ? undefined : answer;
		}
		if (found === null) return;
		if (found === undefined) return this.#create(record, generation, false, parent);
		// A create in doubt looked up rather than sent (`--only update`): made as the create would
		// have made it, it is that create's, so an undo takes it back; else adopted as existing.
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		const isCreatedByUs = isInDoubt && isMadeByCreate(record, found, this.#sent(record, state));
		if (isCreatedByUs)
			this.#ctx.notice(
				"info",
				`${record.pass} ${record.key} was already created by an earlier run; adopted ${found.id}`,
			);
		// Read by its id just now: fresh enough to merge metadata with; a listing is not.
		return this.#adopter.adopt(record, found, 0, id !== undefined, isCreatedByUs, id !== undefined);
	}
}
