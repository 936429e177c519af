/**
 * Carries out one record's operation: create, update, or match (look it up in Pivotal, then
 * adopt and update it, or create it). Knows how each request is made and what its answer
 * means; not why the planner chose it.
 */

import { ApiError } from "../../api/errors.js";
import type { Contact, Customer, Onboarding, PivotalRecord } from "../../api/types.js";
import {
	copyOf,
	type PassName,
	type PivotalCopy,
	type Revision,
	type SourceRecord,
} from "../../model/records.js";
import type { RunOutcome } from "../events.js";
import { idempotencyKey } from "../idempotency.js";
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
	withValues,
} from "../plan/field-diff.js";
import { bodyHash, type Operation } from "../plan/planner.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import type { ChildDirectory, CustomerDirectory } from "./existing-records.js";
import { ExistingFinder } from "./find-existing.js";
import type { Failure, Ledger } from "./ledger.js";
import { addRevision, createCall, failureOf, isGuarded } from "./record-requests.js";
import type { Lane, Requester, SendResult } from "./requester.js";

export interface ApplyContext {
	/** The import's id, part of every idempotency key. */
	readonly importId: string;
	/** This run's number. */
	readonly run: number;
	readonly ledger: Ledger;
	readonly requester: Requester;
	readonly customers: CustomerDirectory;
	readonly contacts: ChildDirectory<Contact>;
	readonly onboardings: ChildDirectory<Onboarding>;
	readonly breaker: CircuitBreaker;
	readonly breakerAction: "stop" | "pause";
	readonly notice: (level: "info" | "warn" | "error", message: string) => void;
	readonly trip: (outcome: RunOutcome, message: string) => void;
	readonly pause: () => void;
	readonly isOver: () => boolean;
}

type Work = Exclude<Operation, { kind: "unchanged" | "blocked" | "kept" }>;

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
	): Promise<void> {
		const { pass } = record;
		const id = `${pass}:${record.key}`;
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
		const body = pass === "onboardings" ? { customer_id: parent?.id, ...record.body } : record.body;
		const text = JSON.stringify(body);
		const key = idempotencyKey(this.#ctx.importId, pass, record.key, generation);
		const previous = this.#ctx.ledger.store.get(pass, record.key);
		const attemptsBefore = previous?.s === "sent" || previous?.s === "failed" ? previous.attempts : 0;
		this.#sentHere.add(id);
		const result = await this.#ctx.requester.send(
			(client) => createCall(client, pass, parent?.id, text, key),
			{
				subject: record,
				attemptsBefore,
				lane: this.#laneOf.get(id),

				// Written before the request leaves only where a resume must know to look the record up:
				// a second create of a guarded record is answered by its uniqueness rule.
				beforeAttempt: isGuarded(record)
					? undefined
					: (attempts) =>
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
			if (pass === "customers") this.#ctx.customers.remember(created as Customer);
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
			const existing = await this.#finder.onConflict(record, result.error, parent);
			if (existing === null) return;
			if (existing !== undefined) return this.#adopt(record, existing, result.attempts);
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
		let current: Readonly<Record<string, unknown>> | undefined = server;
		if (current === undefined && (touchesMetadata(planned) || hasUnknownBefore(planned))) {
			const read = await this.#ctx.requester.send((client) => client.getRecord(pass, copy.id));
			if (!read.ok) return this.#updateFailed(record, copy, "", read);
			current = read.value.data;
		}
		const changes = current ? fillBefore(pass, planned, current) : planned;
		const metadata = current ? asMetadata(current.metadata) : undefined;
		const text = JSON.stringify(patchBody(record.body, changes, metadata));
		const revision: Revision = {
			run: this.#ctx.run,
			before: beforeValues(changes),
			after: afterValues(changes),
		};
		// What the state holds while the PATCH is out: the copy with this run's revision, in doubt.
		// A kill before the answer is written leaves it, so a resume reads the record back by its
		// id, and an undo knows this run changed it.
		const ch = addRevision(copy.ch, revision);
		const pending: PivotalCopy = { ...copy, ch };
		const result = await this.#ctx.requester.send((client) => client.updateRecord(pass, copy.id, text), {
			subject: record,
			attemptsBefore,
			beforeAttempt: (attempts) =>
				this.#ctx.ledger.save(pass, record.key, { s: "sent", attempts, was: pending }),
		});
		if (!result.ok) {
			// Refused outright (4xx): nothing changed. Otherwise it may have been carried out.
			const isInDoubt = result.verdict.kind !== "fail" || result.verdict.retryable;
			return this.#updateFailed(record, isInDoubt ? pending : copy, text, result);
		}
		const updated: PivotalCopy = {
			...copy,
			d: result.value.data.display_id,
			v: withValues(copy.v ?? {}, ownedValues(record.body)),
			r: this.#ctx.run,
			did: "updated",
			ch,
		};
		this.#succeeded(record, updated, "updated", result.attempts);
	}

	#updateFailed(
		record: SourceRecord,
		copy: PivotalCopy,
		text: string,
		result: SendResult<unknown> & { ok: false },
	) {
		if (result.error instanceof ApiError && result.error.status === 404) {
			this.#ctx.ledger.gone(record.pass, record, text, copy, result.attempts);
			return;
		}
		this.#failed(record, text, result, { b: bodyHash(record.body), was: copy });
	}

	// ── outcomes ─────────────────────────────────────────────────────────────

	#succeeded(
		record: SourceRecord,
		copy: PivotalCopy,
		did: "created" | "existed" | "updated" | "unchanged",
		attempts: number,
	) {
		this.#ctx.breaker.succeeded();
		this.#ctx.ledger.succeed(record.pass, record, copy, did, attempts);
	}

	#failed(
		record: SourceRecord,
		text: string,
		result: SendResult<unknown> & { ok: false },
		extra: { readonly b?: string; readonly g?: number; readonly was?: PivotalCopy },
	): void {
		const { verdict, error, attempts } = result;
		if (verdict.kind === "aborted") return;
		if (verdict.kind === "auth") {
			const status = error instanceof ApiError ? `${error.status} ${error.code}` : "401";
			this.#ctx.trip(
				"auth-failed",
				`The API key was refused (${status}); nothing more was sent. Check the key, then run the same command again to resume.`,
			);
			return;
		}
		const failure = failureOf(error, attempts, verdict.kind === "fail" && verdict.retryable);
		if (!this.#ctx.ledger.fail(record.pass, record, text, attempts, failure, extra)) return;
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
