/**
 * Carries out one record's operation: create, update, or match (look it up in Pivotal, then
 * adopt and update it, or create it). Knows how each request is made and what its answer
 * means; not why the planner chose it.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import {
	copyOf,
	type PassName,
	type PivotalCopy,
	type Revision,
	type SourceRecord,
} from "../../model/records.js";
import { bodyUnder, parentKeyOf, resourceOf } from "../../model/resources.js";
import { idTag, withSuffix } from "../../source/slug/index.js";
import type { RunOutcome } from "../events.js";
import { idempotencyKey } from "../idempotency.js";
import { guardEdits, keptBody, writtenAfter } from "../plan/edit-guard.js";
import {
	afterValues,
	beforeValues,
	diffFields,
	type FieldChange,
	fillBefore,
	hasUnknownBefore,
	ownedValues,
	patchBody,
	readBack,
	touchesMetadata,
} from "../plan/field-diff.js";
import { bodyHash, type Operation } from "../plan/planner.js";
import { mayCreate, mayUpdate, type SyncRules } from "../plan/sync-rules.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { failureToRecord } from "./failure-mapping.js";
import { ExistingFinder } from "./find-existing.js";
import type { Failure, Ledger } from "./ledger.js";
import { addRevision, createCall, isGuarded } from "./record-requests.js";
import type { Lane, Requester, SendResult } from "./requester.js";
import { keptEditsNote, notInPivotalNote } from "./sync-notes.js";

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

type Work = Exclude<Operation, { kind: "unchanged" | "blocked" | "kept" | "skipped" }>;

export class RecordApplier {
	readonly #ctx: ApplyContext;
	// Records sent in this process: their "sent" state is ours, not a previous run's doubt.
	readonly #sentHere = new Set<string>();
	// The key each record went out with: a retry of an in-doubt record goes through it again.
	readonly #laneOf = new Map<string, Lane>();

	readonly #finder: ExistingFinder;

	constructor(ctx: ApplyContext) {
		this.#ctx = ctx;
		this.#finder = new ExistingFinder(ctx);
	}

	async apply(record: SourceRecord, op: Work, parent: PivotalCopy | undefined): Promise<void> {
		switch (op.kind) {
			case "create":
				return this.#create(record, op.generation, op.isInDoubt, parent);
			case "update":
				return this.#update(record, op.copy, op.changes, undefined);
			case "match":
				return this.#match(record, op.generation, op.id, parent);
		}
	}

	// ── create ───────────────────────────────────────────────────────────────

	async #create(
		record: SourceRecord,
		generation: number,
		isInDoubt: boolean,
		parent: PivotalCopy | undefined,
		isSlugHeld = false,
	): Promise<void> {
		const { pass } = record;
		const id = `${pass}:${record.key}`;
		// `--only update`: a row not found in Pivotal is reported, never created.
		if (!mayCreate(this.#ctx.rules)) {
			this.#ctx.ledger.skipped(pass, record, notInPivotalNote(pass));
			return;
		}
		// A previous run may have created it and the server may have forgotten the key since:
		// records no uniqueness rule guards are looked up first.
		if (isInDoubt && !this.#sentHere.has(id) && !isGuarded(record)) {
			const found = await this.#finder.lookUp(record, parent);
			if (found === null) return;
			if (found !== undefined) {
				this.#ctx.notice(
					"info",
					`${pass} ${record.key} was already created by an earlier run; adopted ${found.id}`,
				);
				// The earlier send made it: created by this import, so an undo takes it back too.
				return this.#adopt(record, found, 0, false, true);
			}
		}
		const slug = slugToSend(record, isSlugHeld);
		const body = bodyUnder(
			resourceOf(pass),
			parent?.id,
			slug === undefined ? record.body : { ...record.body, slug },
		);
		const text = JSON.stringify(body);
		// The suffixed slug is another body: it goes under a key of its own (`.s`), the same on
		// every resume since the suffix is derived from the external id, not from what Pivotal holds.
		const key = `${idempotencyKey(this.#ctx.importId, pass, record.key, generation)}${isSlugHeld ? ".s" : ""}`;
		const previous = this.#ctx.ledger.store.get(pass, record.key);
		const attemptsBefore = previous?.s === "sent" || previous?.s === "failed" ? previous.attempts : 0;
		this.#sentHere.add(id);
		const result = await this.#ctx.requester.send(
			(client) => createCall(client, pass, parent?.id, text, key),
			{
				subject: record,
				attemptsBefore,
				lane: this.#laneOf.get(id),

				// Written before every create leaves, guarded or not: a resume must know this import may
				// have created it, so a record its uniqueness rule (or a look-up) finds then is still ours.
				beforeAttempt: (attempts) =>
					this.#ctx.ledger.save(pass, record.key, {
						s: "sent",
						attempts,
						...(generation ? { g: generation } : {}),
					}),
			},
		);
		if (result.ok) {
			this.#laneOf.set(id, result.lane);
			const created = result.value.data as PivotalRecord;
			this.#finder.created(pass, created);
			const copy: PivotalCopy = {
				id: created.id,
				d: created.display_id,
				outcome: "created",
				v: ownedValues(record.body),
				c: this.#ctx.run,
				r: this.#ctx.run,
				did: "created",
				...(generation ? { g: generation } : {}),
			};
			this.#succeeded(record, copy, "created", result.attempts);
			return;
		}
		if (result.error instanceof ApiError && result.error.status === 409) {
			const existing = await this.#finder.onConflict(record, result.error, parent, slug);
			if (existing === null) return;
			if (existing === "held" && !isSlugHeld) {
				this.#ctx.notice(
					"info",
					`customers ${record.key}: slug ${JSON.stringify(slug)} belongs to another customer in Pivotal; creating it as ${JSON.stringify(slugToSend(record, true))}`,
				);
				return this.#create(record, generation, isInDoubt, parent, true);
			}
			// Found by the uniqueness rule after an earlier send of this create got no answer: that
			// send made it (the idempotency key was forgotten since), so it is this import's to undo.
			if (existing !== undefined && existing !== "held")
				return this.#adopt(record, existing, result.attempts, false, isInDoubt);
		}
		this.#failed(record, text, result, {
			b: bodyHash(record.body),
			...(generation ? { g: generation } : {}),
		});
	}

	async #match(
		record: SourceRecord,
		generation: number,
		id: string | undefined,
		parent: PivotalCopy | undefined,
	) {
		let found: PivotalRecord | undefined | null;
		if (id !== undefined) {
			const result = await this.#ctx.requester.send((client) => client.getRecord(record.pass, id));
			if (!result.ok && this.#ctx.isOver()) return;
			// Not found by its id: deleted in Pivotal (404), or not known (the read failed): as for a PATCH.
			const copy = copyOf(this.#ctx.ledger.store.get(record.pass, record.key));
			// The killed run's own DELETE landed: its row is back, so it is created again.
			if (!result.ok && this.#deletedByUs(record, result)) {
				return this.#create(record, (copy?.g ?? 0) + 1, false, parent);
			}
			if (!result.ok && copy) return this.#updateFailed(record, copy, "", result);
			found = result.ok ? result.value.data : undefined;
		} else {
			found = await this.#finder.lookUp(record, parent);
		}
		if (found === null) return;
		if (found === undefined) return this.#create(record, generation, false, parent);
		// Read by its id just now: fresh enough to merge metadata with; a listing is not.
		return this.#adopt(record, found, 0, id !== undefined, false, id !== undefined);
	}

	/** Found in Pivotal: compared field by field with the file, and updated where they differ. */
	#adopt(
		record: SourceRecord,
		server: PivotalRecord,
		attempts: number,
		isOurs = false,
		isCreatedByUs = false,
		isFresh = false,
	): Promise<void> | void {
		const owned = ownedValues(record.body);
		const known = readBack(record.pass, owned, server);
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		// Ours: keep what the state knows of it (created by this import, its revisions) even when
		// the last request for it failed.
		const earlier = copyOf(state);
		const copy: PivotalCopy = {
			...(isOurs && earlier ? earlier : {}),
			id: server.id,
			d: server.display_id,
			outcome: isOurs && earlier ? earlier.outcome : isCreatedByUs ? "created" : "existed",
			...(isCreatedByUs ? { c: this.#ctx.run } : {}),
			v: known,
		};
		const changes = diffFields(record.pass, record.body, known);
		if (changes.length === 0) {
			const did = isOurs ? "unchanged" : isCreatedByUs ? "created" : "existed";
			const done: PivotalCopy = {
				...copy,
				v: owned,
				...(did === "unchanged" ? {} : { r: this.#ctx.run, did }),
			};
			// An adopted record is written even when nothing changes: the next sync diffs against it.
			if (did === "unchanged")
				this.#ctx.ledger.save(record.pass, record.key, { s: "done", attempts, ...done });
			this.#succeeded(record, done, did, attempts);
			return;
		}
		// `--only create`: adopted as Pivotal has it; a later sync without it updates the differences.
		if (!mayUpdate(this.#ctx.rules)) {
			const done: PivotalCopy = { ...copy, r: this.#ctx.run, did: "existed" };
			this.#succeeded(record, done, "existed", attempts);
			return;
		}
		return this.#update(record, copy, changes, isFresh ? server : undefined, attempts);
	}

	// ── update ───────────────────────────────────────────────────────────────

	/**
	 * PATCH `changes`. `server` is the record as a GET read it just now, if one did; otherwise it
	 * is read here when the PATCH needs it: metadata (PATCH replaces it wholesale, so the keys
	 * Pivotal holds right now are carried along, not those of a listing made at the start) or a
	 * field the state knows no earlier value of (undo puts back what Pivotal held, not a null).
	 */
	async #update(
		record: SourceRecord,
		copy: PivotalCopy,
		planned: readonly FieldChange[],
		server: PivotalRecord | undefined,
		attemptsBefore = 0,
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
			if (!read.ok) return this.#updateFailed(record, copy, "", read);
			current = read.value.data as PivotalRecord;
		}
		const changes = current ? fillBefore(pass, planned, current) : planned;
		let send = changes;
		let kept: readonly string[] = [];
		// What the state records as written: the changes sent, and those Pivotal held already.
		let written = changes;
		if (isGuarded && current !== undefined) {
			const guarded = guardEdits(changes, copy.v ?? {}, current);
			({ send, kept } = guarded);
			written = [...send, ...guarded.already];
		}
		if (written.length === 0) {
			// Every change was to a field edited in Pivotal since: nothing to send.
			const unchanged = this.#succeeded(record, copy, "unchanged", attemptsBefore);
			if (unchanged) this.#keptEdits(record, kept);
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
		if (send.length > 0) {
			const text = JSON.stringify(patchBody(keptBody(record.body, kept, metadata), send, metadata));
			const result = await this.#ctx.requester.send((client) => client.updateRecord(pass, copy.id, text), {
				subject: record,
				attemptsBefore,
				beforeAttempt: (n) =>
					this.#ctx.ledger.save(pass, record.key, { s: "sent", attempts: n, was: pending }),
			});
			if (!result.ok) {
				// Refused outright (4xx): nothing changed. Otherwise it may have been carried out.
				const isInDoubt = result.verdict.kind !== "fail" || result.verdict.retryable;
				return this.#updateFailed(record, isInDoubt ? pending : copy, text, result);
			}
			display = result.value.data.display_id;
			attempts = result.attempts;
		}
		const updated: PivotalCopy = {
			...copy,
			...(display === undefined ? {} : { d: display }),
			v: writtenAfter(copy.v ?? {}, ownedValues(record.body), written, kept),
			r: this.#ctx.run,
			did: "updated",
			ch,
		};
		if (this.#succeeded(record, updated, "updated", attempts)) this.#keptEdits(record, kept);
	}

	/** Fields `--keep-pivotal-edits` left: reported with the record, as undo reports them. */
	#keptEdits(record: SourceRecord, kept: readonly string[]): void {
		if (kept.length === 0) return;
		this.#ctx.notice(
			"warn",
			`${record.pass} ${record.key}: ${kept.join(", ")} edited in Pivotal since the last sync; kept.`,
		);
		this.#ctx.ledger.note(record.pass, record, keptEditsNote(kept));
	}

	#updateFailed(
		record: SourceRecord,
		copy: PivotalCopy,
		text: string,
		result: SendResult<unknown> & { ok: false },
	) {
		if (this.#deletedByUs(record, result)) return;
		if (result.error instanceof ApiError && result.error.status === 404) {
			this.#ctx.ledger.gone(record.pass, record, text, copy, result.attempts);
			return;
		}
		this.#failed(record, text, result, { b: bodyHash(record.body), was: copy });
	}

	/**
	 * A 404 for a record whose `--delete-missing` DELETE was out when a run was killed: that
	 * DELETE landed. Recorded as the delete it was (undo of that run re-creates it), never as a
	 * record deleted in Pivotal by someone else.
	 */
	#deletedByUs(record: SourceRecord, result: SendResult<unknown> & { ok: false }): boolean {
		if (!(result.error instanceof ApiError && result.error.status === 404)) return false;
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		if (state?.s !== "sent" || state.del === undefined || state.was === undefined) return false;
		const parentKey = parentKeyOf(record.pass, record.key);
		this.#ctx.ledger.deletedMissing(record.pass, record, state.was, state.del, parentKey, result.attempts);
		return true;
	}

	// ── outcomes ─────────────────────────────────────────────────────────────

	#succeeded(
		record: SourceRecord,
		copy: PivotalCopy,
		did: "created" | "existed" | "updated" | "unchanged",
		attempts: number,
	): boolean {
		this.#ctx.breaker.succeeded();
		return this.#ctx.ledger.succeed(record.pass, record, copy, did, attempts);
	}

	#failed(
		record: SourceRecord,
		text: string,
		result: SendResult<unknown> & { ok: false },
		extra: { readonly b?: string; readonly g?: number; readonly was?: PivotalCopy },
	): void {
		const failure = failureToRecord(result, this.#ctx.trip);
		if (failure === undefined) return;
		if (!this.#ctx.ledger.fail(record.pass, record, text, result.attempts, failure, extra)) return;
		if (!failure.retryable) this.#countStreak(record.pass, failure);
	}

	#countStreak(pass: PassName, failure: Failure): void {
		const on = failure.field ? ` on ${failure.field}` : "";
		const count = this.#ctx.breaker.failed(`${pass} ${failure.status} ${failure.code}${on}`);
		if (count === undefined) return;
		const message = `${count} ${pass} in a row failed with ${failure.status} ${failure.code}${on}; stopped before failing the rest the same way. Fix the cause, then retry the failed records (the failures screen, or the same command with --retry-failed).`;
		if (this.#ctx.breakerAction === "pause") {
			this.#ctx.notice("error", message.replace("stopped", "paused"));
			this.#ctx.pause();
		} else {
			this.#ctx.trip("circuit-open", message);
		}
	}
}

function asMetadata(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}
