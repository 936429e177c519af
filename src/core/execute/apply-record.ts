/**
 * Carries out one record's operation: create, update, or match (look it up in Pivotal, then
 * adopt and update it, or create it). Knows how each request is made and what its answer
 * means; not why the planner chose it. The PATCH is `RecordUpdater`'s, what an end means for
 * the breaker `RecordOutcomes`', the look-up in Pivotal `ExistingFinder`'s, what a create that
 * may already have made its record finds there `InDoubtCreates`'.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import { copyOf, type PassName, type PivotalCopy, type SourceRecord } from "../../model/records.js";
import { isWorkspaceMatched, perPass, resourceOf } from "../../model/resources.js";
import { isCreateMaybeMade, isLanded } from "../checkpoint/state-map.js";
import type { RunOutcome } from "../events.js";
import { idempotencyKey } from "../idempotency.js";
import { doubtIdsOf } from "../plan/lookalike-rows.js";
import { bodyHash, type Operation } from "../plan/planner.js";
import { mayCreate, type SyncRules } from "../plan/sync-rules.js";
import { RecordAdopter } from "./adopt-record.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { isAmbiguous } from "./existing-records.js";
import { ExistingFinder } from "./find-existing.js";
import { mayBeForgotten } from "./forgotten-children.js";
import { heldIdFailure, IdHolders } from "./id-holders.js";
import { InDoubtCreates } from "./in-doubt-creates.js";
import type { Ledger } from "./ledger.js";
import { existsAgainFailure, landedNotFoundFailure } from "./lookup-failures.js";
import { isParentMissing, LOOKUP_FAILED, PARENT_MISSING } from "./lookup-outcomes.js";
import { LookUpReports } from "./lookup-reports.js";
import {
	createBody,
	createSentFor,
	firstSendOf,
	isMadeByCreate,
	isProvenUnmade,
	isReplayOf,
	onServerOf,
	ownedSent,
	sentValuesOf,
	slugToSend,
	withoutUnlanded,
} from "./made-by-create.js";
import { otherIdentity } from "./record-identity.js";
import { isSuccess, RecordOutcomes } from "./record-outcomes.js";
import { createCall, isGuarded, isKeyInUse, isKeyReused } from "./record-requests.js";
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
	readonly #doubt: InDoubtCreates;
	readonly #reports: LookUpReports;

	constructor(ctx: ApplyContext) {
		this.#ctx = ctx;
		this.#idHolders = perPass((pass) => new IdHolders(ctx.ledger.store, pass));
		this.#finder = ctx.finder ?? new ExistingFinder(ctx);
		this.#outcomes = new RecordOutcomes(ctx);
		this.#updater = new RecordUpdater(ctx, this.#outcomes, (record, slug) =>
			this.#isSlugGivenUp(record, slug),
		);
		this.#adopter = new RecordAdopter(ctx, this.#outcomes, this.#updater);
		this.#reports = new LookUpReports(ctx, this.#finder);
		this.#doubt = new InDoubtCreates(ctx, this.#finder, this.#adopter, this.#reports);
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
			// A create Pivotal said landed, not found since: said so, with its way out, not as a row
			// Pivotal never had (adversarial finding AG1).
			if (isLanded(this.#ctx.ledger.store.get(pass, record.key), generation))
				return this.#ctx.ledger.reportFailure(pass, record, "", 0, landedNotFoundFailure(pass));
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
		if ((isInDoubt || isForgotten) && !sentHere.has(record.key) && isLookedUp) {
			const verdict = await this.#doubt.lookUpFirst(record, state, generation, parent, isForgotten);
			if (verdict.kind === "again") return this.#createAgain(record, generation, parent, isSlugHeld);
			if (verdict.kind === "settled") return;
		}
		const slug = slugToSend(record, isSlugHeld);
		const text = JSON.stringify(createBody(record, parent?.id, slug));
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
			attemptsBefore > 0 || firstSentAt === undefined
				? onServerOf(previous)
				: this.#reports.clockNow().onServer;
		// An earlier run's create that may have landed: its answer now may be a replay.
		const mayBeReplayed = !sentHere.has(record.key) && isCreateMaybeMade(previous);
		// When it left, for telling a replay (only where one may come).
		const sendsAt = mayBeReplayed ? this.#reports.clockNow() : undefined;
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
			// A create an earlier run sent, sent again, may be answered with the replay of a record
			// deleted or edited in Pivotal since (adversarial findings AF2, AG4): read back, a 404
			// records it gone, and what it holds now is compared with the file and brought up to it.
			if (sendsAt !== undefined && isReplayOf(result.value.replayed, created, sendsAt)) {
				const now = await this.#reports.readBack(record, copy, text, result.attempts);
				if (now === "gone") return;
				if (now !== undefined) {
					this.#idHolders[pass].add(now.id);
					this.#finder.created(pass, now);
					return this.#adopter.adopt(record, now, result.attempts, false, true, true);
				}
			}
			this.#idHolders[pass].add(created.id);
			this.#finder.created(pass, created);
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
			const verdict = await this.#doubt.afterKeyReused(record, generation, parent, result.attempts);
			return verdict.kind === "again" ? this.#createAgain(record, generation, parent, isSlugHeld) : undefined;
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
					!isProvenUnmade(previous, generation, sentNow, this.#reports.clockNow()) &&
					this.#doubt.isHeldByLostCreate(
						record,
						candidate,
						createSentFor(record, previous),
						text,
						result.attempts,
						false,
					)
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
				const fits = isInDoubt && isMadeByCreate(record, existing, createSentFor(record, previous));
				// A create that landed is answered again as it was, under its key, for 24 h: a conflict
				// instead says it did not, unless Pivotal forgot the key sooner or never kept it (a
				// write answered 5xx). Taken as someone else's, the safe side, and said (AC2, AD1).
				const isUnmade = fits && isProvenUnmade(previous, generation, sentNow, this.#reports.clockNow());
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
			(await this.#reports.parentGone(record, parent, () => previous))
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
	 * Made again under the next key (`--recreate`, after a send that landed and a record not found
	 * since): looked up just now, so it goes out without a second look.
	 */
	#createAgain(
		record: SourceRecord,
		generation: number,
		parent: PivotalCopy | undefined,
		isSlugHeld: boolean,
	): Promise<void> {
		this.#sentHere[record.pass].add(record.key);
		return this.#create(record, generation + 1, true, parent, isSlugHeld);
	}

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
			this.#reports.lookupFailed(record, generation);
			return true;
		}
		if (found.length === 0) return false;
		this.#ctx.ledger.fail(record.pass, record, "", 0, existsAgainFailure(record.pass, found), {
			b: bodyHash(record.body),
			g: generation,
		});
		return true;
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
			if (answer === LOOKUP_FAILED) return void this.#reports.lookupFailed(record);
			if (isAmbiguous(answer)) return void this.#reports.ambiguousMatch(record, answer, generation);
			if (answer === PARENT_MISSING && parent && (await this.#reports.parentGone(record, parent))) return;
			found = answer === PARENT_MISSING ? undefined : answer;
		}
		if (found === null) return;
		if (found === undefined) return this.#create(record, generation, false, parent);
		// A create in doubt looked up rather than sent (`--only update`): taken as a create in doubt
		// found is, by its fit and, where Pivotal can be asked, by its answer (finding AF1); the ask
		// sends a body whose unique value the record found holds, so it makes nothing.
		if (isInDoubt && id === undefined) {
			const state = this.#ctx.ledger.store.get(record.pass, record.key);
			await this.#doubt.takeFound(record, state, generation, parent, found);
			return;
		}
		// Read by its id just now: fresh enough to merge metadata with; a listing is not.
		return this.#adopter.adopt(record, found, 0, id !== undefined, false, id !== undefined);
	}
}
