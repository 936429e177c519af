/**
 * The run's books: every record's new state goes to the checkpoint here, with the event that
 * reports it, the pass tallies and the failures the screen and the CSV show. A checkpoint that
 * cannot be written stops the run, so no progress goes unrecorded.
 */

import {
	copyOf,
	type FieldValues,
	PASSES,
	type PassName,
	type PivotalCopy,
	type RecordState,
	type SourceRecord,
} from "../../model/records.js";
import { CheckpointError } from "../checkpoint/index.js";
import { isUnansweredCreate } from "../checkpoint/state-map.js";
import { emptyPassTally, type ImportEvent, type PassTally, type RecordOutcome } from "../events.js";
import type { FailureDetail } from "../run-types.js";
import type { StateStore } from "../state/state-store.js";

export interface Failure {
	readonly status: number | null;
	readonly code: string;
	readonly message: string;
	readonly field?: string | undefined;
	readonly retryable: boolean;
	readonly response?: unknown;
}

// Shared, never written to: the stores read a delta, they do not keep it.
const ONE_CREATED = Object.freeze({ created: 1 });
const ONE_EXISTED = Object.freeze({ existed: 1 });

/** The code a record deleted in Pivotal since the last sync is reported under. */
export const DELETED_IN_PIVOTAL = "deleted_in_pivotal";

/** What a failed state keeps beside the failure (see `RecordState`'s `failed`). */
export interface FailedExtra {
	readonly b?: string;
	readonly g?: number;
	readonly t?: number;
	readonly ts?: number;
	readonly was?: PivotalCopy | undefined;
	/** A create given up after it went out: what identifies it (see `doubtIdsOf`). */
	readonly ids?: Readonly<Record<string, string>>;
	/** A create given up after it went out: the values its sends carried. */
	readonly sv?: readonly FieldValues[];
}

export class Ledger {
	readonly #store: StateStore;
	readonly #emit: (event: ImportEvent) => void;
	readonly #now: () => number;
	readonly #onWriteFailed: (message: string) => void;
	readonly #failures = new Map<string, FailureDetail>();
	readonly #tallies = new Map<PassName, Record<keyof PassTally, number>>();
	/** Rows `--only` left out whose create stays sent with no answer: in the files, not gone from them. */
	readonly #skippedInDoubt = new Map<PassName, Set<string>>();
	// Rows left out by `--only` whose record the state holds: in the file, their changes not sent.
	readonly #skippedHeld = new Map<PassName, Set<string>>();

	constructor(
		store: StateStore,
		emit: (event: ImportEvent) => void,
		now: () => number,
		onWriteFailed: (message: string) => void,
	) {
		this.#store = store;
		this.#emit = emit;
		this.#now = now;
		this.#onWriteFailed = onWriteFailed;
		// A store that can take no more writes (its lock lost) stops the run now, not at its next
		// write, which a long rate-limit hold may put an hour away.
		store.onFailed?.((error) =>
			onWriteFailed(`${error.message} Stopped so that no progress goes unrecorded.`),
		);
		for (const pass of PASSES) {
			// Only the failures: the other records are not read (a million of them cost nothing here).
			for (const [key, state] of store.failing?.(pass) ?? store.entries(pass)) {
				const failure = failureOfState(state);
				if (failure) this.#failures.set(`${pass}:${key}`, detail(pass, key, 0, failure, 0, {}));
			}
		}
	}

	get store(): StateStore {
		return this.#store;
	}

	failures(): readonly FailureDetail[] {
		return [...this.#failures.values()];
	}

	/** What this run did in `pass` so far (reset when a round streams the pass again). */
	tally(pass: PassName): Readonly<PassTally> {
		return this.#tallyOf(pass);
	}

	/**
	 * Was the row `key` of `pass` left out by `--only` while the state holds its record (an update
	 * `--only create` did not send)? Its results row says `skipped`, not `unchanged` (finding X5).
	 */
	isSkippedHeld(pass: PassName, key: string): boolean {
		return this.#skippedHeld.get(pass)?.has(key) ?? false;
	}

	/** How many rows `isSkippedHeld` holds for `pass`: in the file, not "no longer in the file". */
	skippedHeld(pass: PassName): number {
		return this.#skippedHeld.get(pass)?.size ?? 0;
	}

	/** Rows of `pass` left out by `--only` whose create the state holds in doubt. */
	skippedInDoubt(pass: PassName): number {
		return this.#skippedInDoubt.get(pass)?.size ?? 0;
	}

	resetTally(pass: PassName): void {
		this.#tallies.set(pass, emptyPassTally());
	}

	count(bucket: keyof PassTally, pass: PassName, n = 1): void {
		this.#tallyOf(pass)[bucket] += n;
	}

	/**
	 * Write one record's state. Deferred writes (done, blocked) go out together once per
	 * event-loop turn: losing one to a kill costs a re-send that its key, a uniqueness rule or a
	 * look-up answers. An in-doubt mark (`sent`) goes out in that same write, and the request it
	 * precedes waits for it (the requester awaits `durable()`): the requests that leave together
	 * share one write. Failures are written before this returns.
	 */
	save(
		pass: PassName,
		key: string,
		state: RecordState,
		isDeferred = state.s === "done" || state.s === "blocked",
	): boolean {
		try {
			this.#store.set(pass, key, state, { isDeferred, isBeforeRequest: state.s === "sent" });
			return true;
		} catch (error) {
			// A state refused as malformed is made from what the store held of the record: that
			// was damaged. Nothing of it is written and nothing more is sent.
			if (error instanceof TypeError) {
				this.#onWriteFailed(
					`The state's record ${pass} ${JSON.stringify(key)} is damaged (what it holds does not make a record's state); nothing more is sent: restore the state from its backup, or start over with --fresh.`,
				);
				return false;
			}
			if (!(error instanceof CheckpointError)) throw error;
			// A damaged record says what to do itself: resuming would meet it again.
			this.#onWriteFailed(
				error.code === "corrupt"
					? error.message
					: `${error.message} Stopped so that no progress goes unrecorded.`,
			);
			return false;
		}
	}

	/**
	 * Whether every non-deferred state update so far is durable: for the file at once or after
	 * this turn's write of in-doubt marks, for Postgres after its commit. A store that refused stops the run, as a failed `save()` does.
	 */
	durable(): boolean | Promise<boolean> {
		const fail = (error: unknown): false => {
			if (!(error instanceof CheckpointError)) throw error;
			this.#onWriteFailed(`${error.message} Stopped so that no progress goes unrecorded.`);
			return false;
		};
		try {
			const done = this.#store.durable();
			return done === true ? true : done.catch(fail);
		} catch (error) {
			return fail(error);
		}
	}

	addCounters(delta: Readonly<Record<string, number>>): void {
		this.#store.addCounters(delta);
	}

	/** A record is in Pivotal as `copy` after this run `did` something with it (or nothing). */
	succeed(
		pass: PassName,
		record: SourceRecord,
		copy: PivotalCopy,
		did: RecordOutcome,
		attempts: number,
	): boolean {
		if (did !== "unchanged" && !this.save(pass, record.key, { s: "done", attempts, ...copy })) return false;
		if (this.#failures.size > 0) this.#failures.delete(`${pass}:${record.key}`);
		if (did === "created") this.#store.addCounters(ONE_CREATED);
		else if (did === "existed") this.#store.addCounters(ONE_EXISTED);
		this.count(did, pass);
		this.#emit({
			type: "record-done",
			at: this.#now(),
			pass,
			key: record.key,
			outcome: did,
			id: copy.id,
			attempts,
		});
		return true;
	}

	/**
	 * A record the state holds as failed or blocked whose row is back at the copy Pivotal was last
	 * known to hold: done again, and no longer a failure.
	 */
	settle(pass: PassName, key: string, copy: PivotalCopy): boolean {
		if (!this.save(pass, key, { s: "done", attempts: 0, ...copy })) return false;
		this.#failures.delete(`${pass}:${key}`);
		return true;
	}

	fail(
		pass: PassName,
		record: SourceRecord,
		requestBody: string,
		attempts: number,
		failure: Failure,
		extra: FailedExtra = {},
	): boolean {
		const state: RecordState = {
			s: "failed",
			status: failure.status,
			code: failure.code,
			message: failure.message,
			...(failure.field === undefined ? {} : { field: failure.field }),
			attempts,
			retryable: failure.retryable,
			...(extra.b === undefined ? {} : { b: extra.b }),
			...(extra.g ? { g: extra.g } : {}),
			...(extra.t === undefined ? {} : { t: extra.t }),
			...(extra.ts === undefined ? {} : { ts: extra.ts }),
			...(extra.was ? { was: extra.was } : {}),
			...(extra.ids === undefined ? {} : { ids: extra.ids }),
			...(extra.sv === undefined ? {} : { sv: extra.sv }),
		};
		if (!this.save(pass, record.key, state)) return false;
		this.#store.addCounters({ failed: 1 });
		this.#recordFailure(pass, record, requestBody, attempts, failure);
		return true;
	}

	/**
	 * A failure that leaves the record's state as it is (an undo's re-create of a deleted record:
	 * the state still says deleted, so the same command tries it again).
	 */
	reportFailure(
		pass: PassName,
		record: SourceRecord,
		requestBody: string,
		attempts: number,
		failure: Failure,
	): void {
		this.#store.addCounters({ failed: 1 });
		this.#recordFailure(pass, record, requestBody, attempts, failure);
	}

	/** An update answered 404: someone deleted the record in Pivotal. Reported, not re-created. */
	gone(
		pass: PassName,
		record: SourceRecord,
		requestBody: string,
		copy: PivotalCopy,
		attempts: number,
	): boolean {
		if (!this.save(pass, record.key, { s: "removed", why: "gone", id: copy.id, g: (copy.g ?? 0) + 1 }))
			return false;
		this.#recordFailure(pass, record, requestBody, attempts, goneFailure(copy.id));
		return true;
	}

	/**
	 * A child's create answered that its customer is not there: someone deleted the customer in
	 * Pivotal since it was last seen. Recorded as `gone`, as an update's 404 is, so its other
	 * children wait blocked and `--recreate` makes it again, instead of each child failing on
	 * every later run. Met again by this run, the customer's row fills in its line and cells.
	 */
	parentGone(pass: PassName, key: string, copy: PivotalCopy): boolean {
		if (!this.save(pass, key, { s: "removed", why: "gone", id: copy.id, g: (copy.g ?? 0) + 1 })) return false;
		this.#failures.set(`${pass}:${key}`, detail(pass, key, 0, goneFailure(copy.id), 0, {}));
		this.#emit({
			type: "notice",
			at: this.#now(),
			level: "warn",
			message: `${pass} ${key} (${copy.id}) was deleted in Pivotal: what belongs to it waits blocked; the next run with --recreate creates it again.`,
		});
		return true;
	}

	/** Undo deleted it (or found it deleted already): a later import creates it anew. */
	removed(pass: PassName, record: SourceRecord, copy: PivotalCopy, attempts: number): boolean {
		const state: RecordState = { s: "removed", why: "undone", id: copy.id, g: (copy.g ?? 0) + 1 };
		return this.#deleted(pass, record.key, state, copy.id, attempts);
	}

	/**
	 * An undo's DELETE found landed by a later run: the record taken back by that undo, saved as
	 * the undo would have saved it; not counted in this run, which did not delete it.
	 */
	undoneBefore(pass: PassName, key: string, copy: PivotalCopy): boolean {
		return this.save(pass, key, { s: "removed", why: "undone", id: copy.id, g: (copy.g ?? 0) + 1 });
	}

	/** A DELETE answered (or the record found gone): saved, counted and told, its failure cleared. */
	#deleted(pass: PassName, key: string, state: RecordState, id: string, attempts: number): boolean {
		if (!this.save(pass, key, state)) return false;
		this.#failures.delete(`${pass}:${key}`);
		this.count("deleted", pass);
		this.#emit({ type: "record-done", at: this.#now(), pass, key, outcome: "deleted", id, attempts });
		return true;
	}

	/**
	 * In doubt until its answer is written: written before a DELETE (and, once merged, a PATCH)
	 * leaves, so a kill between the request and its answer leaves a state that says so. The copy
	 * stays as `was`: a resume that finds the record gone (404) knows what it was.
	 */
	markInDoubt(pass: PassName, key: string, copy: PivotalCopy, attempts: number, deleteRun?: number): boolean {
		const del = deleteRun === undefined ? {} : { del: deleteRun };
		return this.save(pass, key, { s: "sent", attempts, was: copy, ...del }, false);
	}

	/**
	 * `--delete-missing` deleted it (or found it deleted already): its copy is kept, so undo can
	 * create it again with the values last written, under a new idempotency generation.
	 */
	deletedMissing(
		pass: PassName,
		record: SourceRecord,
		copy: PivotalCopy,
		run: number,
		parentKey: string | undefined,
		attempts: number,
	): boolean {
		const state: RecordState = {
			s: "removed",
			why: "deleted",
			id: copy.id,
			g: (copy.g ?? 0) + 1,
			was: copy,
			run,
			...(parentKey === undefined ? {} : { p: parentKey }),
		};
		return this.#deleted(pass, record.key, state, copy.id, attempts);
	}

	/**
	 * Left out by `--only`: nothing sent, the state untouched. A row with no record under
	 * `--only update` is listed (`not_in_pivotal`) with the failures, though it is not one.
	 */
	skipped(pass: PassName, record: SourceRecord, note: Failure | undefined): void {
		if (note) this.note(pass, record, note);
		const state = this.#store.get(pass, record.key);
		if (isUnansweredCreate(state)) {
			const keys = this.#skippedInDoubt.get(pass) ?? new Set<string>();
			this.#skippedInDoubt.set(pass, keys.add(record.key));
		}
		if (state?.s === "done") {
			const keys = this.#skippedHeld.get(pass) ?? new Set<string>();
			this.#skippedHeld.set(pass, keys.add(record.key));
		}
		this.count("skipped", pass);
		this.#emit({
			type: "record-done",
			at: this.#now(),
			pass,
			key: record.key,
			outcome: "skipped",
			id: "",
			attempts: 0,
		});
	}

	/**
	 * Something the screen and the results CSV should show that is not a failure of the record:
	 * a field undo left alone because it was edited in Pivotal since.
	 */
	note(pass: PassName, record: SourceRecord, failure: Failure): void {
		this.#failures.set(`${pass}:${record.key}`, {
			...detail(pass, record.key, record.line, failure, 0, record.columns),
			isNote: true,
		});
	}

	blocked(
		pass: PassName,
		record: SourceRecord,
		parentKey: string,
		previous: RecordState | undefined,
	): boolean {
		// Whatever copy the state knows (an update in doubt or failed too): forgetting it would
		// have the record created a second time once its customer is back.
		const was = copyOf(previous);
		// A create that left with no final answer keeps its mark: the next run with the customer
		// back then looks it up, where a blocked mark would have it created a second time.
		const isCreateInDoubt =
			was === undefined &&
			(previous?.s === "sent" || (previous?.s === "failed" && previous.retryable)) &&
			previous.attempts > 0;
		if (!isCreateInDoubt && (previous?.s !== "blocked" || previous.parentKey !== parentKey)) {
			if (!this.save(pass, record.key, { s: "blocked", parentKey, ...(was ? { was } : {}) })) return false;
		}
		this.count("blocked", pass);
		this.#emit({ type: "record-blocked", at: this.#now(), pass, key: record.key, parentKey });
		return true;
	}

	/**
	 * A failure the checkpoint brought from an earlier session knows only its outcome: the
	 * record, met again while streaming the pass, adds its line, cells and request body.
	 */
	/**
	 * A record kept as an earlier run left it (failed for good, or deleted in Pivotal): counted
	 * failed, and reported again as that failure (`attempts` 0: nothing was sent for it), so that
	 * every record the summary counts failed has its `record-failed` event.
	 */
	keptFailure(pass: PassName, record: SourceRecord): void {
		this.count("failed", pass);
		const known = this.#failures.get(`${pass}:${record.key}`);
		if (known !== undefined) this.#failedEvent(pass, record, known, 0);
	}

	#failedEvent(
		pass: PassName,
		record: SourceRecord,
		failure: Pick<Failure, "status" | "code" | "message">,
		attempts: number,
	): void {
		const { status, code, message } = failure;
		this.#emit({
			type: "record-failed",
			at: this.#now(),
			pass,
			key: record.key,
			line: record.line,
			status,
			code,
			message,
			attempts,
		});
	}

	describeEarlierFailure(pass: PassName, record: SourceRecord, requestBody: string): void {
		const id = `${pass}:${record.key}`;
		const known = this.#failures.get(id);
		if (known?.line !== 0) return;
		this.#failures.set(id, { ...known, line: record.line, columns: record.columns, requestBody });
	}

	#recordFailure(
		pass: PassName,
		record: SourceRecord,
		requestBody: string,
		attempts: number,
		failure: Failure,
	): void {
		this.count("failed", pass);
		this.#failures.set(`${pass}:${record.key}`, {
			...detail(pass, record.key, record.line, failure, attempts, record.columns),
			requestBody,
			response: failure.response,
		});
		this.#failedEvent(pass, record, failure, attempts);
	}

	#tallyOf(pass: PassName): Record<keyof PassTally, number> {
		let tally = this.#tallies.get(pass);
		if (!tally) {
			tally = emptyPassTally();
			this.#tallies.set(pass, tally);
		}
		return tally;
	}
}

function goneFailure(id: string): Failure {
	return {
		status: 404,
		code: DELETED_IN_PIVOTAL,
		message: `deleted in Pivotal since the last sync (${id}); not re-created in this run: the next run with --recreate creates it again.`,
		retryable: false,
	};
}

function failureOfState(state: RecordState): Failure | undefined {
	if (state.s === "failed") return state;
	if (state.s === "removed" && state.why === "gone") return goneFailure(state.id);
	return undefined;
}

function detail(
	pass: PassName,
	key: string,
	line: number,
	failure: Failure,
	attempts: number,
	columns: Readonly<Record<string, string>>,
): FailureDetail {
	return {
		pass,
		key,
		line,
		status: failure.status,
		code: failure.code,
		message: failure.message,
		field: failure.field,
		attempts: "attempts" in failure && typeof failure.attempts === "number" ? failure.attempts : attempts,
		columns,
	};
}
