/**
 * One run of an import or a sync: validate, open the state, then for each pass stream the
 * records, plan each one against the state and hand the work to the executor's parts.
 */

import type {
	ApiOk,
	Contact,
	Customer,
	ListPage,
	ListQuery,
	Onboarding,
	PivotalClient,
} from "../api/types.js";
import { copyOf, PASSES, type PassName, type SourceRecord } from "../model/records.js";
import { SourceFileError, validateSources } from "../source/index.js";
import { CheckpointError } from "./checkpoint/index.js";
import type { RunOutcome } from "./events.js";
import { RecordApplier } from "./execute/apply-record.js";
import { CircuitBreaker } from "./execute/circuit-breaker.js";
import { blockDelete, deleteMissing } from "./execute/delete-missing.js";
import { ChildDirectory, CustomerDirectory } from "./execute/existing-records.js";
import { Ledger } from "./execute/ledger.js";
import { notInPivotalNote } from "./execute/sync-notes.js";
import { defaultCheckpointPath, finishRun, InputError, openState } from "./open-state.js";
import { findMissing } from "./plan/find-missing.js";
import { knownRecords } from "./plan/legacy-keys.js";
import { DELETE_ORDER, type MissingRecords } from "./plan/missing-records.js";
import { type ParentView, type PlanOptions, planRecord } from "./plan/planner.js";
import { defaultConcurrency, RunCore } from "./run-core.js";
import type { ImportDeps, ImportPlan, ImportRun, ImportSummary, SourceCheckSummary } from "./run-types.js";
import { checkUnchanged } from "./source-hash.js";
import type { StartOptions } from "./start-options.js";

export { defaultCheckpointPath, defaultConcurrency, InputError };

/** Start an import; the returned handle steers it and reports on it. */
export function startImport(plan: ImportPlan, deps: ImportDeps, options: StartOptions = {}): ImportRun {
	return new ImportEngine(plan, deps, options);
}

export function runImport(
	plan: ImportPlan,
	deps: ImportDeps,
	options: StartOptions = {},
): Promise<ImportSummary> {
	return startImport(plan, deps, options).done;
}

/** Which failed records a round sends again. */
type Selection = { readonly retryFailed: boolean; readonly picked?: ReadonlySet<string> };

class ImportEngine extends RunCore {
	readonly #plan: ImportPlan;
	#applier: RecordApplier | undefined;
	#isFirstSync = true;
	/** `--delete-missing`: what this run deletes once the passes are done, decided before anything is sent. */
	#missing: MissingRecords | undefined;
	#known: SourceCheckSummary["known"];

	constructor(plan: ImportPlan, deps: ImportDeps, options: StartOptions) {
		super(plan, plan.checkpointPath ?? defaultCheckpointPath(plan.files.customers), deps, options);
		this.#plan = plan;
		this.begin(() => this.#start());
	}

	async retryFailed(
		which?: readonly { readonly pass: PassName; readonly key: string }[],
	): Promise<ImportSummary> {
		await this.running.catch(() => undefined);
		const picked = which ? new Set(which.map((r) => `${r.pass}:${r.key}`)) : undefined;
		this.running = this.#retryRound(picked ? { retryFailed: false, picked } : { retryFailed: true });
		return this.running;
	}

	async #start(): Promise<ImportSummary> {
		this.startedAt = this.now();
		const check = this.#plan.check ?? (await this.#validate());
		if (this.#plan.check) await checkUnchanged(this.#plan.files, check);
		// The files are as validated (the hashes match): what validation learnt of them holds.
		this.#known = check.known;
		for (const pass of PASSES) this.totals[pass] = check.counts[pass] ?? 0;
		const me = await this.whoAmI();
		if (me === undefined) return this.finish();
		this.workspace = { id: me.organization.id, name: me.organization.name };
		let resumed: boolean;
		let continuesRun: boolean;
		try {
			const opened = await openState({
				path: this.#plan.checkpointPath ?? defaultCheckpointPath(this.#plan.files.customers),
				files: this.#plan.files,
				check,
				keyFingerprint: this.#plan.keyFingerprint,
				keyFingerprints: this.#plan.keyFingerprints,
				workspace: { id: me.organization.id, name: me.organization.name },
				baseUrl: this.#plan.baseUrl,
				fresh: this.#plan.fresh ?? false,
				planMark: this.#plan.planMark ?? 0,
				now: this.now,
				fs: this.deps.checkpointFs,
				open: this.deps.openState,
				isSameWorkspace: (store) => this.isSameWorkspace(store),
				notice: (level, message) => this.notice(level, message),
			});
			this.run = opened.run;
			this.#isFirstSync = opened.isFirstSync;
			resumed = opened.resumed;
			continuesRun = opened.continuesRun;
			this.ledger = new Ledger(
				opened.store,
				(e) => this.emit(e),
				this.now,
				(m) => this.tripRun("checkpoint-failed", m),
			);
		} catch (error) {
			// Unreadable, damaged beyond its backup, read-only, or locked: one sentence naming the file, not a crash.
			if (!(error instanceof CheckpointError)) throw error;
			this.tripRun("checkpoint-failed", error.message);
			return this.finish();
		}
		this.#applier = this.#newApplier(this.ledger);
		const rules = this.#plan.rules;
		if (rules?.deleteMissing) {
			const found = await findMissing(
				this.#plan.files,
				this.#plan.source,
				this.ledger.store,
				rules.maxDeletes,
			);
			if (found.refusal !== undefined) {
				await this.ledger.store.close();
				throw new InputError(found.refusal);
			}
			this.#missing = found.missing;
			for (const pass of PASSES) {
				this.totals[pass] += found.missing.deletes[pass].length;
				this.deletesPlanned[pass] = found.missing.deletes[pass].length;
			}
		}
		this.runStarted(resumed, continuesRun);
		await this.#passes({ retryFailed: this.#plan.retryFailed ?? false });
		return this.#finish();
	}

	async #retryRound(selection: Selection): Promise<ImportSummary> {
		if (!this.ledger || this.trip?.outcome === "auth-failed")
			return this.summary(this.trip?.outcome ?? "completed");
		this.trip = undefined;
		// A run the circuit breaker or a checkpoint failure stopped can be retried once the cause is fixed.
		this.control.renew();
		this.startedAt = this.now();
		this.#applier = this.#newApplier(this.ledger);
		// The files may have changed since they were checked: a retry learns from them afresh.
		this.#known = undefined;
		this.runStarted(true);
		await this.#passes(selection);
		return this.#finish();
	}

	#finish(): Promise<ImportSummary> {
		return this.finish((store) => finishRun(store, this.run));
	}

	#newApplier(ledger: Ledger): RecordApplier {
		const requester = this.requester;
		// List pages go through the requester like any other request: paced, retried, counted.
		const page =
			<T>(call: (client: PivotalClient, query: ListQuery) => Promise<ApiOk<ListPage<T>>>) =>
			async (query: ListQuery): Promise<ListPage<T>> => {
				const result = await requester.send((client) => call(client, query));
				if (!result.ok) throw result.error ?? new Error("stopped");
				return result.value.data;
			};
		const circuit = this.options.circuitBreaker ?? { threshold: 25, action: "stop" };
		return new RecordApplier({
			importId: ledger.store.header.runId,
			run: this.run,
			ledger,
			requester,
			customers: new CustomerDirectory(page<Customer>((client, q) => client.listCustomers(q))),
			contacts: new ChildDirectory<Contact>((id) => page<Contact>((client, q) => client.listContacts(id, q))),
			onboardings: new ChildDirectory<Onboarding>((id) =>
				page<Onboarding>((client, q) => client.listCustomerOnboardings(id, q)),
			),
			breaker: new CircuitBreaker(circuit.threshold),
			rules: this.#plan.rules ?? {},
			breakerAction: circuit.action,
			notice: (level, message) => this.notice(level, message),
			trip: (outcome, message) => this.tripRun(outcome, message),
			pause: () => this.pause(),
			isOver: () => this.isOver(),
		});
	}

	async #passes(selection: Selection): Promise<void> {
		for (const pass of PASSES) {
			if (this.isOver()) return;
			const file = this.#plan.files[pass];
			if (file) await this.#pass(pass, file, selection);
		}
		if (this.#missing) await this.#deletes(this.#missing);
	}

	/** `--delete-missing`, once every pass is done: children first, each DELETE marked in doubt first. */
	async #deletes(missing: MissingRecords): Promise<void> {
		const ledger = this.ledger!;
		const ctx = {
			ledger,
			requester: this.requester,
			run: this.run,
			trip: (o: RunOutcome, m: string) => this.tripRun(o, m),
		};
		// A customer whose child was not deleted keeps it in Pivotal: its DELETE waits for a later run.
		const undeleted = new Map<string, string>();
		for (const pass of DELETE_ORDER) {
			for (const planned of missing.deletes[pass]) {
				if (this.isOver()) return;
				// Deleted by an earlier session of this run (or since): nothing to send.
				const state = ledger.store.get(pass, planned.key);
				if (state?.s === "removed") continue;
				const child = pass === "customers" ? undeleted.get(planned.key) : undefined;
				if (child !== undefined) {
					blockDelete(ledger, planned, child);
					continue;
				}
				const slot = this.control.takeSlot();
				if (!(slot === true || (await slot))) return;
				void deleteMissing(ctx, planned).finally(() => this.control.releaseSlot());
			}
			// Children are gone before their customer is sent its DELETE.
			await this.control.idle();
			for (const planned of missing.deletes[pass]) {
				if (planned.parentKey === undefined || ledger.store.get(pass, planned.key)?.s === "removed") continue;
				if (!undeleted.has(planned.parentKey)) undeleted.set(planned.parentKey, `${pass} ${planned.key}`);
			}
		}
	}

	async #pass(pass: PassName, file: string, selection: Selection): Promise<void> {
		const ledger = this.ledger!;
		const { store } = ledger;
		const control = this.control;
		ledger.resetTally(pass);
		this.emit({
			type: "pass-started",
			at: this.now(),
			pass,
			total: this.totals[pass],
			already: ledger.tally(pass),
		});
		const options = {
			retryFailed: selection.retryFailed,
			recreate: this.#plan.recreate ?? false,
			isFirstSync: this.#isFirstSync,
			isPicked: selection.picked ? (key: string) => selection.picked!.has(`${pass}:${key}`) : undefined,
			rules: this.#plan.rules,
		};
		const known = { get: (key: string) => store.get(pass, key), entries: () => store.entries(pass) };
		try {
			const isGoing = await this.#send(
				knownRecords(file, pass, this.#plan.source, known, this.#known?.[pass]),
				pass,
				options,
			);
			if (!isGoing) return;
		} catch (error) {
			// The file changed under the run (or can no longer be read): the rows before the change
			// were sent as checked, none after it. The state is saved; a new run checks the file again.
			if (!(error instanceof SourceFileError)) throw error;
			this.tripRun(
				"interrupted",
				`${error.message} The records before that point were sent; the state is saved.`,
			);
		}
		await control.idle();
		if (!this.isOver()) this.emit({ type: "pass-finished", at: this.now(), pass });
	}

	/** Plans and sends the records of one pass; false when the run must stop at once (the state cannot be written). */
	async #send(records: AsyncIterable<SourceRecord>, pass: PassName, options: PlanOptions): Promise<boolean> {
		const ledger = this.ledger!;
		const applier = this.#applier!;
		const { store } = ledger;
		const control = this.control;
		for await (const record of records) {
			if (this.isOver()) break;
			const state = store.get(pass, record.key);
			const parentCopy =
				record.parentKey === undefined ? undefined : copyOf(store.get("customers", record.parentKey));
			const parent: ParentView | undefined =
				pass === "customers"
					? undefined
					: parentCopy
						? { kind: "ready", copy: parentCopy }
						: { kind: "missing" };
			if (state?.s === "failed" || state?.s === "removed") {
				const body =
					pass === "onboardings" && parentCopy ? { customer_id: parentCopy.id, ...record.body } : record.body;
				ledger.describeEarlierFailure(pass, record, JSON.stringify(body));
			}
			const op = planRecord(record, state, parent, options);
			switch (op.kind) {
				case "unchanged": {
					// Failed or blocked since, and back at what Pivotal was last known to hold: done again.
					if (state?.s !== "done" && !ledger.settle(pass, record.key, op.copy)) return false;
					// Done by an earlier session of this very run: counted as what that session did.
					const did = op.copy.r === this.run && op.copy.did ? op.copy.did : "unchanged";
					ledger.count(did, pass);
					this.emit({
						type: "record-done",
						at: this.now(),
						pass,
						key: record.key,
						outcome: did,
						id: op.copy.id,
						attempts: 0,
					});
					continue;
				}
				case "kept":
					ledger.count("failed", pass);
					continue;
				case "skipped":
					ledger.skipped(pass, record, op.reason === "not_in_pivotal" ? notInPivotalNote(pass) : undefined);
					continue;
				case "blocked":
					if (!ledger.blocked(pass, record, op.parentKey, state)) return false;
					continue;
				default: {
					const slot = control.takeSlot();
					if (!(slot === true || (await slot))) break;
					void applier.apply(record, op, parentCopy).finally(() => control.releaseSlot());
				}
			}
		}
		return true;
	}

	async #validate(): Promise<SourceCheckSummary> {
		const check = await validateSources(this.#plan.files, this.#plan.source);
		if (check.problemCount > 0) {
			const first = check.problems[0];
			throw new InputError(
				`${check.problemCount} problem${check.problemCount === 1 ? "" : "s"} in the input${first ? `, first: ${first.file}:${first.line}: ${first.message}` : ""}; nothing was sent.`,
			);
		}
		return check;
	}
}
