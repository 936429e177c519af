/**
 * Takes an import back, as a job of the run driver: one more plan for the same executor parts. Deletes what the runs
 * created (onboardings, then contacts, then customers) and puts back fields their updates
 * changed, leaving alone any field edited in Pivotal since. Paced, retried, checkpointed after
 * every record: the same command resumes, and nothing is done twice.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import {
	type FieldValues,
	PASSES,
	type PassName,
	type PivotalCopy,
	type SourceRecord,
} from "../../model/records.js";
import { perPass } from "../../model/resources.js";
import { RUNS } from "../checkpoint/checkpoint-format.js";
import { CheckpointError, openCheckpoint } from "../checkpoint/index.js";
import { type FailedSend, failureToRecord, UNDO_STOPPED } from "../execute/failure-mapping.js";
import { ExistingFinder } from "../execute/find-existing.js";
import { IdHolders } from "../execute/id-holders.js";
import type { Ledger } from "../execute/ledger.js";
import { carriesMaskedKey, metadataHoldsKeyFailure } from "../execute/masked-metadata.js";
import type { SendResult } from "../execute/requester.js";
import {
	InputError,
	interruptedRun,
	isOtherWorkspace,
	lastRun,
	otherServer,
	refusedState,
} from "../open-state.js";
import { withValues } from "../plan/field-diff.js";
import { EDITED_IN_PIVOTAL } from "../plan/sync-rules.js";
import { startRun } from "../run-driver.js";
import type { OpenedRun, RunBooks, RunJob, RunPass, RunScope } from "../run-job.js";
import type { ImportDeps, ImportRun } from "../run-types.js";
import type { StartOptions } from "../start-options.js";
import type { StateStore } from "../state/state-store.js";
import { type RecreateContext, recreateRecord } from "./recreate-record.js";
import { restoreFields } from "./restore-fields.js";
import {
	planUndo,
	UNDO_ORDER,
	UNDONE_AT_RUNS,
	UNDONE_RUN,
	type UndoOperation,
	type UndoPlan,
	type UndoScope,
} from "./undo-plan.js";

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
	return startRun(new UndoJob(request), deps, options);
}

export { EDITED_IN_PIVOTAL };

type Sent = Exclude<UndoOperation, { kind: "recreate" }>;
type Recreate = Extract<UndoOperation, { kind: "recreate" }>;

class UndoJob implements RunJob {
	readonly settings: UndoRequest;
	readonly checkpointPath: string;
	readonly #request: UndoRequest;

	constructor(request: UndoRequest) {
		this.settings = request;
		this.checkpointPath = request.checkpointPath;
		this.#request = request;
	}

	async open(scope: RunScope): Promise<OpenedRun | undefined> {
		let store: StateStore;
		try {
			const create = () => {
				throw new CheckpointError({
					code: "read-failed",
					path: this.#request.checkpointPath,
					message: "no state",
				});
			};
			const { deps } = scope;
			const opened = deps.openState
				? await deps.openState({ create })
				: await openCheckpoint({
						path: this.#request.checkpointPath,
						create,
						...(deps.checkpointFs ? { fs: deps.checkpointFs } : {}),
					});
			store = opened.store;
		} catch (error) {
			if (!(error instanceof CheckpointError)) throw error;
			const refused = refusedState(error);
			if (refused instanceof InputError) throw refused;
			// A write the disk refused: resumable once there is room, as before.
			scope.trip("checkpoint-failed", error.message);
			return undefined;
		}
		// Another server answers 404 to every DELETE, which would count as done: refused before any request.
		const server = otherServer(store.header, this.#request.baseUrl, this.#request.checkpointPath);
		if (server) {
			await store.close();
			throw new InputError(server);
		}
		const me = await scope.whoAmI();
		if (me === undefined) {
			await store.close();
			return undefined;
		}
		// The records are another workspace's: a DELETE would answer 404 for each and prove nothing.
		const isForeign =
			isOtherWorkspace(store.header, me.organization) ||
			(store.header.workspace === undefined &&
				store.header.keyFingerprint !== this.#request.keyFingerprint &&
				!(await scope.isSameWorkspace(store)));
		if (isForeign) {
			await store.close();
			throw new InputError(
				`This key belongs to the workspace ${me.organization.name}, not the one ${this.#request.checkpointPath} was imported into; nothing was sent. Use a key of that workspace.`,
			);
		}
		// A finished undo of an interrupted run ends it too (the driver marks it), so the next undo walks further back.
		return { store, run: lastRun(store), resumed: false };
	}

	/** The undo plan from the state as it is now, every round; its counts are the run's totals from the start. */
	async round(scope: RunScope, { ledger }: RunBooks): Promise<Iterable<RunPass<unknown>>> {
		const plan = planUndo(
			(pass) => ledger.store.entries(pass),
			this.#request.scope,
			interruptedRun(ledger.store.counters()),
		);
		const totals = perPass(() => 0);
		for (const pass of UNDO_ORDER) totals[pass] = plan.operations[pass].length;
		noteRunUndone(ledger.store, this.#request.scope, plan.runs);
		scope.setTotals(totals);
		return undoPasses(plan, new UndoApplier(scope, ledger));
	}
}

/**
 * Deletes and restores, children first; then the records a sync deleted, created again,
 * customers first, so their children have a parent.
 */
function* undoPasses(plan: UndoPlan, applier: UndoApplier): Generator<RunPass<unknown>> {
	for (const pass of UNDO_ORDER) {
		const ops = plan.operations[pass].filter((op): op is Sent => op.kind !== "recreate");
		// Re-creates wait for the second round, parents first.
		if (ops.length === 0 && plan.operations[pass].length > 0) continue;
		const sent: RunPass<Sent> = {
			pass,
			announce: "fresh",
			operations: ops,
			apply: (op) => applier.apply(op),
		};
		yield sent;
	}
	for (const pass of PASSES) {
		const ops = plan.operations[pass].filter((op): op is Recreate => op.kind === "recreate");
		if (ops.length === 0) continue;
		const recreates: RunPass<Recreate> = {
			pass,
			announce: "continued",
			operations: ops,
			apply: (op) => recreateRecord(applier.recreateContext, op),
		};
		yield recreates;
	}
}

/** Sends one delete or restore of an undo and writes its outcome. */
class UndoApplier {
	readonly #scope: RunScope;
	readonly #ledger: Ledger;
	readonly recreateContext: RecreateContext;

	constructor(scope: RunScope, ledger: Ledger) {
		this.#scope = scope;
		this.#ledger = ledger;
		this.recreateContext = {
			ledger,
			requester: scope.requester,
			trip: scope.trip,
			finder: new ExistingFinder(scope),
			heldAgain: new Set(),
			idHolders: perPass((pass) => new IdHolders(ledger.store, pass)),
		};
	}

	apply(op: Sent): Promise<void> {
		return op.kind === "delete" ? this.#delete(op) : this.#restore(op);
	}

	async #delete(op: Extract<UndoOperation, { kind: "delete" }>): Promise<void> {
		const record = subject(op.pass, op.key);
		const result = await this.#scope.requester.send((client) => client.deleteRecord(op.pass, op.copy.id), {
			subject: record,
			beforeAttempt: (attempts) => this.#inDoubt(op, attempts),
		});
		// Already gone (deleted by hand, or by an undo killed before it wrote its answer): done all the same.
		if (result.ok || isNotFound(result)) {
			this.#ledger.removed(op.pass, record, op.copy, result.attempts);
			return;
		}
		this.#failed(record, op.copy, "", result);
	}

	async #restore(op: Extract<UndoOperation, { kind: "restore" }>): Promise<void> {
		const record = subject(op.pass, op.key);
		const { requester } = this.#scope;
		const current = await requester.send((client) => client.getRecord(op.pass, op.copy.id), {
			subject: record,
		});
		if (!current.ok) return this.#failed(record, op.copy, "", current);
		const server = current.value.data as PivotalRecord;
		const decision = restoreFields(op.pass, op.before, op.after, server);
		let attempts = current.attempts;
		const metadata = decision.patch?.metadata as Record<string, unknown> | undefined;
		// What the PATCH sets itself is the state's; the rest of its metadata is Pivotal's, carried.
		const own = Object.fromEntries(
			decision.restored.filter((f) => f.startsWith("metadata.")).map((f) => [f.slice(9), true]),
		);
		if (carriesMaskedKey(metadata, own)) {
			// Left as it is in the state: the same undo tries it again once the key is taken out.
			this.#ledger.reportFailure(op.pass, record, "", attempts, metadataHoldsKeyFailure());
			return;
		}
		let text = "";
		if (decision.patch) {
			text = JSON.stringify(decision.patch);
			const patched = await requester.send((client) => client.updateRecord(op.pass, op.copy.id, text), {
				subject: record,
				attemptsBefore: attempts,
				beforeAttempt: (n) => this.#inDoubt(op, n),
			});
			if (!patched.ok) return this.#failed(record, op.copy, text, patched);
			attempts = patched.attempts;
		}
		const restored: PivotalCopy = {
			...op.copy,
			// A field kept (edited in Pivotal since) keeps the value the import wrote: put back to the
			// earlier one, the next sync of the same file would PATCH it over the edit.
			v: withValues(op.copy.v ?? {}, withoutKept(op.before, decision.kept)),
			ch: (op.copy.ch ?? []).filter((revision) => !op.runs.includes(revision.run)),
		};
		// Every field it would put back was edited in Pivotal since: the record is left as it is,
		// counted as such (`unchanged`, shown as "kept"), not as put back.
		const isAllKept = decision.restored.length === 0 && decision.kept.length > 0;
		if (isAllKept && !this.#ledger.save(op.pass, op.key, { s: "done", attempts, ...restored })) return;
		if (!this.#ledger.succeed(op.pass, record, restored, isAllKept ? "unchanged" : "restored", attempts))
			return;
		if (decision.kept.length > 0) {
			const fields = decision.kept.join(", ");
			this.#scope.notice(
				"warn",
				`${op.pass} ${op.key}: ${fields} changed in Pivotal after the import; kept as it is.`,
			);
			this.#ledger.note(op.pass, record, {
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
		// A DELETE says it is the undo's: an import that reads the record gone then knows whose delete it was.
		const undoing = op.kind === "delete" ? { un: 1 } : {};
		return this.#ledger.save(op.pass, op.key, { s: "sent", attempts, was: op.copy, ...undoing });
	}

	#failed(record: SourceRecord, copy: PivotalCopy, text: string, result: FailedSend): void {
		const failure = failureToRecord(result, this.#scope.trip, UNDO_STOPPED);
		// The failed state keeps the record's copy (`was`): the same command tries it again.
		if (failure !== undefined)
			this.#ledger.fail(record.pass, record, text, result.attempts, failure, { was: copy });
	}
}

function subject(pass: PassName, key: string): SourceRecord {
	return { pass, key, line: 0, body: {}, columns: {} };
}

function isNotFound(result: SendResult<unknown>): boolean {
	return !result.ok && result.error instanceof ApiError && result.error.status === 404;
}

/** `before` without the fields (and `metadata.<key>` keys) an undo left as edited in Pivotal. */
function withoutKept(before: FieldValues, kept: readonly string[]): FieldValues {
	if (kept.length === 0) return before;
	const out: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(before)) {
		if (kept.includes(field)) continue;
		if (field === "metadata" && typeof value === "object" && value !== null) {
			out.metadata = Object.fromEntries(
				Object.entries(value as Record<string, unknown>).filter(([key]) => !kept.includes(`metadata.${key}`)),
			);
			continue;
		}
		out[field] = value;
	}
	return out;
}

/**
 * Notes in the state the run this undo takes back, and the import's runs now: the next undo that
 * would reach past it must be asked for (`runTakenBackAlready`).
 */
function noteRunUndone(store: StateStore, scope: UndoScope, runs: readonly number[]): void {
	const target = runs[runs.length - 1];
	if (scope.kind !== "last" || target === undefined) return;
	const counters = store.counters();
	const runsNow = counters[RUNS] ?? 0;
	if (counters[UNDONE_RUN] === target && counters[UNDONE_AT_RUNS] === runsNow) return;
	store.addCounters({
		[UNDONE_RUN]: target - (counters[UNDONE_RUN] ?? 0),
		[UNDONE_AT_RUNS]: runsNow - (counters[UNDONE_AT_RUNS] ?? 0),
	});
}
