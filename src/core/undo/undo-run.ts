/**
 * Takes an import back: one more plan for the same executor parts. Deletes what the runs
 * created (onboardings, then contacts, then customers) and puts back fields their updates
 * changed, leaving alone any field edited in Pivotal since. Paced, retried, checkpointed after
 * every record: the same command resumes, and nothing is done twice.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import { PASSES, type PassName, type PivotalCopy, type SourceRecord } from "../../model/records.js";
import { CheckpointError, openCheckpoint } from "../checkpoint/index.js";
import { Ledger } from "../execute/ledger.js";
import type { SendResult } from "../execute/requester.js";
import {
	finishRun,
	InputError,
	interruptedRun,
	isOtherWorkspace,
	lastRun,
	otherServer,
	refusedState,
} from "../open-state.js";
import { withValues } from "../plan/field-diff.js";
import { RunCore } from "../run-core.js";
import type { ImportDeps, ImportRun, ImportSummary } from "../run-types.js";
import type { StartOptions } from "../start-options.js";
import type { StateStore } from "../state/state-store.js";
import { type RecreateContext, recreateRecord } from "./recreate-record.js";
import { restoreFields } from "./restore-fields.js";
import { planUndo, UNDO_ORDER, type UndoOperation, type UndoPlan, type UndoScope } from "./undo-plan.js";

export interface UndoRequest {
	readonly checkpointPath: string;
	readonly scope: UndoScope;
	readonly keyFingerprint: string;
	readonly baseUrl: string;
	readonly concurrency?: number;
	readonly windowMs?: number;
}

/** Start an undo; the handle is the one an import gives, so the same screens show it. */
export function startUndo(request: UndoRequest, deps: ImportDeps, options: StartOptions = {}): ImportRun {
	return new UndoEngine(request, deps, options);
}

/** The code under which a field left alone by undo is reported. */
export const EDITED_IN_PIVOTAL = "edited_in_pivotal";

class UndoEngine extends RunCore {
	readonly #request: UndoRequest;

	constructor(request: UndoRequest, deps: ImportDeps, options: StartOptions) {
		super(request, request.checkpointPath, deps, options);
		this.#request = request;
		this.begin(() => this.#start());
	}

	retryFailed(): Promise<ImportSummary> {
		this.running = this.#again();
		return this.running;
	}

	async #again(): Promise<ImportSummary> {
		if (!this.ledger || this.trip?.outcome === "auth-failed")
			return this.summary(this.trip?.outcome ?? "completed");
		this.trip = undefined;
		this.control.renew();
		this.startedAt = this.now();
		const plan = this.#plan();
		this.runStarted(true);
		await this.#passes(plan);
		return this.#finish();
	}

	async #start(): Promise<ImportSummary> {
		this.startedAt = this.now();
		let store: StateStore;
		try {
			const create = () => {
				throw new CheckpointError({
					code: "read-failed",
					path: this.#request.checkpointPath,
					message: "no state",
				});
			};
			const opened = this.deps.openState
				? await this.deps.openState({ create })
				: await openCheckpoint({
						path: this.#request.checkpointPath,
						create,
						...(this.deps.checkpointFs ? { fs: this.deps.checkpointFs } : {}),
					});
			store = opened.store;
		} catch (error) {
			if (!(error instanceof CheckpointError)) throw error;
			const refused = refusedState(error);
			if (refused instanceof InputError) throw refused;
			// A write the disk refused: resumable once there is room, as before.
			this.tripRun("checkpoint-failed", error.message);
			return this.finish();
		}
		// Another server answers 404 to every DELETE, which would count as done: refused before any request.
		const server = otherServer(store.header, this.#request.baseUrl, this.#request.checkpointPath);
		if (server) {
			await store.close();
			throw new InputError(server);
		}
		const me = await this.whoAmI();
		if (me === undefined) {
			await store.close();
			return this.finish();
		}
		// The records are another workspace's: a DELETE would answer 404 for each and prove nothing.
		const isForeign =
			isOtherWorkspace(store.header, me.organization) ||
			(store.header.workspace === undefined &&
				store.header.keyFingerprint !== this.#request.keyFingerprint &&
				!(await this.isSameWorkspace(store)));
		if (isForeign) {
			await store.close();
			throw new InputError(
				`This key belongs to the workspace ${me.organization.name}, not the one ${this.#request.checkpointPath} was imported into; nothing was sent. Use a key of that workspace.`,
			);
		}
		this.run = lastRun(store);
		this.ledger = new Ledger(
			store,
			(e) => this.emit(e),
			this.now,
			(m) => this.tripRun("checkpoint-failed", m),
		);
		const plan = this.#plan();
		this.runStarted(false);
		await this.#passes(plan);
		return this.#finish();
	}

	/** A finished undo of an interrupted run ends it too, so the next undo walks further back. */
	#finish(): Promise<ImportSummary> {
		return this.finish((store) => finishRun(store, this.run));
	}

	/** The undo plan from the state as it is now; its counts are the run's totals from the start. */
	#plan(): UndoPlan {
		const ledger = this.ledger!;
		const plan = planUndo(
			(pass) => ledger.store.entries(pass),
			this.#request.scope,
			interruptedRun(ledger.store.counters()),
		);
		for (const pass of UNDO_ORDER) this.totals[pass] = plan.operations[pass].length;
		return plan;
	}

	async #passes(plan: UndoPlan): Promise<void> {
		const ledger = this.ledger!;
		for (const pass of UNDO_ORDER) {
			if (this.isOver()) return;
			// Re-creates wait for the second round, parents first.
			const ops = plan.operations[pass];
			if (ops.length > 0 && ops.every((op) => op.kind === "recreate")) continue;
			ledger.resetTally(pass);
			this.emit({
				type: "pass-started",
				at: this.now(),
				pass,
				total: this.totals[pass],
				already: ledger.tally(pass),
			});
			for (const op of plan.operations[pass]) {
				if (this.isOver()) break;
				if (op.kind === "recreate") continue;
				const slot = this.control.takeSlot();
				if (!(slot === true || (await slot))) break;
				void this.#apply(op).finally(() => this.control.releaseSlot());
			}
			await this.control.idle();
			if (!this.isOver()) this.emit({ type: "pass-finished", at: this.now(), pass });
		}
		await this.#recreates(plan);
	}

	/** Records a sync deleted, created again: customers first, so their children have a parent. */
	async #recreates(plan: UndoPlan): Promise<void> {
		const ledger = this.ledger!;
		for (const pass of PASSES) {
			const ops = plan.operations[pass].filter((op) => op.kind === "recreate");
			if (ops.length === 0) continue;
			if (this.isOver()) return;
			this.emit({
				type: "pass-started",
				at: this.now(),
				pass,
				total: this.totals[pass],
				already: ledger.tally(pass),
			});
			for (const op of ops) {
				if (this.isOver()) break;
				const slot = this.control.takeSlot();
				if (!(slot === true || (await slot))) break;
				void recreateRecord(this.#recreateContext(), op).finally(() => this.control.releaseSlot());
			}
			await this.control.idle();
			if (!this.isOver()) this.emit({ type: "pass-finished", at: this.now(), pass });
		}
	}

	#recreateContext(): RecreateContext {
		return {
			ledger: this.ledger!,
			requester: this.requester,
			trip: (outcome, message) => this.tripRun(outcome, message),
		};
	}

	#apply(op: Exclude<UndoOperation, { kind: "recreate" }>): Promise<void> {
		return op.kind === "delete" ? this.#delete(op) : this.#restore(op);
	}

	async #delete(op: Extract<UndoOperation, { kind: "delete" }>): Promise<void> {
		const record = subject(op.pass, op.key);
		const result = await this.requester.send((client) => client.deleteRecord(op.pass, op.copy.id), {
			subject: record,
			beforeAttempt: (attempts) => this.#inDoubt(op, attempts),
		});
		// Already gone (deleted by hand, or by an undo killed before it wrote its answer): done all the same.
		if (result.ok || isNotFound(result)) {
			this.ledger!.removed(op.pass, record, op.copy, result.attempts);
			return;
		}
		this.#failed(record, op.copy, "", result);
	}

	async #restore(op: Extract<UndoOperation, { kind: "restore" }>): Promise<void> {
		const record = subject(op.pass, op.key);
		const current = await this.requester.send((client) => client.getRecord(op.pass, op.copy.id), {
			subject: record,
		});
		if (!current.ok) return this.#failed(record, op.copy, "", current);
		const decision = restoreFields(op.before, op.after, current.value.data as PivotalRecord);
		let attempts = current.attempts;
		let text = "";
		if (decision.patch) {
			text = JSON.stringify(decision.patch);
			const patched = await this.requester.send((client) => client.updateRecord(op.pass, op.copy.id, text), {
				subject: record,
				attemptsBefore: attempts,
				beforeAttempt: (n) => this.#inDoubt(op, n),
			});
			if (!patched.ok) return this.#failed(record, op.copy, text, patched);
			attempts = patched.attempts;
		}
		const restored: PivotalCopy = {
			...op.copy,
			v: withValues(op.copy.v ?? {}, op.before),
			ch: (op.copy.ch ?? []).filter((revision) => !op.runs.includes(revision.run)),
		};
		if (!this.ledger!.succeed(op.pass, record, restored, "restored", attempts)) return;
		if (decision.kept.length > 0) {
			const fields = decision.kept.join(", ");
			this.notice(
				"warn",
				`${op.pass} ${op.key}: ${fields} changed in Pivotal after the import; kept as it is.`,
			);
			this.ledger!.note(op.pass, record, {
				status: null,
				code: EDITED_IN_PIVOTAL,
				message: `${fields} changed in Pivotal after the import; kept as it is, not put back.`,
				retryable: false,
			});
		}
	}

	/**
	 * Written before a DELETE or a restoring PATCH leaves: a kill before its answer is written
	 * leaves the record in doubt, so a later import reads it back by id instead of trusting the
	 * copy, and the same undo sends it again.
	 */
	#inDoubt(op: UndoOperation, attempts: number): boolean {
		return this.ledger!.save(op.pass, op.key, { s: "sent", attempts, was: op.copy });
	}

	#failed(
		record: SourceRecord,
		copy: PivotalCopy,
		text: string,
		result: SendResult<unknown> & { ok: false },
	): void {
		const { verdict, error, attempts } = result;
		if (verdict.kind === "aborted") return;
		if (verdict.kind === "auth") {
			this.tripRun(
				"auth-failed",
				"The API key was refused (401); the undo stopped. Check the key, then run the same command again.",
			);
			return;
		}
		const failure =
			error instanceof ApiError
				? {
						status: error.status,
						code: error.code,
						message: error.message,
						field: error.field,
						retryable: verdict.kind === "fail" && verdict.retryable,
						response: error.responseBody,
					}
				: {
						status: null,
						code: "network_error",
						message: error instanceof Error ? error.message : String(error),
						retryable: true,
					};
		// The failed state keeps the record's copy (`was`): the same command tries it again.
		this.ledger!.fail(record.pass, record, text, attempts, failure, { was: copy });
	}
}

function subject(pass: PassName, key: string): SourceRecord {
	return { pass, key, line: 0, body: {}, columns: {} };
}

function isNotFound(result: SendResult<unknown>): boolean {
	return !result.ok && result.error instanceof ApiError && result.error.status === 404;
}
