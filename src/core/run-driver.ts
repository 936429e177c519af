/**
 * The one driver of every run, whatever its job (an import or sync, an undo): the handle the UI
 * and the reporters steer it with, the run control, the requester over the run's keys, the
 * ledger, the pass loop, and how a run ends. The job only says how to open the run and which
 * operations each pass carries out (`run-job.ts`).
 */

import type { Me } from "../api/types.js";
import type { PassName, RecordState } from "../model/records.js";
import { isNumbered, perPass } from "../model/resources.js";
import { escapeControls } from "../model/terminal-text.js";
import { CheckpointError } from "./checkpoint/index.js";
import type { ImportEvent, RunOutcome } from "./events.js";
import { Ledger } from "./execute/ledger.js";
import type { Requester } from "./execute/requester.js";
import { RunControl } from "./execute/run-control.js";
import { LegacyKeys, type PassState, passStateOf } from "./plan/legacy-keys.js";
import { ConcurrencyTap, warmConnections } from "./run-concurrency.js";
import { closeRun, endOf } from "./run-ending.js";
import type { OpenedRun, RetryRequest, RunJob, RunPass, RunScope } from "./run-job.js";
import { askMe, isSameWorkspace } from "./run-opening.js";
import { runRequester } from "./run-requester.js";
import { buildSummary } from "./run-summary.js";
import type { FailureDetail, ImportDeps, ImportRun, ImportSummary, SubscribeOptions } from "./run-types.js";
import type { StartOptions } from "./start-options.js";

/** Start a run of `job`; the returned handle steers it and reports on it. */
export function startRun(job: RunJob, deps: ImportDeps, options: StartOptions = {}): ImportRun {
	return new RunDriver(job, deps, options);
}

const NO_PASSES = (): Record<PassName, number> => perPass(() => 0);

class RunDriver implements ImportRun {
	readonly done: Promise<ImportSummary>;
	readonly #job: RunJob;
	readonly #now: () => number;
	readonly #control: RunControl;
	readonly #requester: Requester;
	readonly #tap: ConcurrencyTap;
	readonly #scope: RunScope;
	readonly #listeners = new Set<(event: ImportEvent) => void>();
	/** The listeners that hear of each record settled unchanged (`SubscribeOptions`). */
	readonly #toldEach = new Set<(event: ImportEvent) => void>();
	// Set once the state is open; a run without one ends without passes.
	#ledger: Ledger | undefined;
	// What the opening sent before the state was open (GET /me and its 429s and retries): the
	// state's counters take it once it opens, so the run's report matches what the server saw.
	readonly #early = new Map<string, number>();
	#run = 0;
	#startedAt = 0;
	// The error sentences said so far, so that closing the state does not say one again.
	readonly #saidErrors = new Set<string>();
	#totals = NO_PASSES();
	#deletes = NO_PASSES();
	// The first trip wins: its outcome and sentence are the run's.
	#trip: { outcome: RunOutcome; message: string } | undefined;
	// The round going on (the first, then each retry): a retry starts once it is over.
	#running: Promise<ImportSummary>;
	#legacy: LegacyKeys | undefined;
	#workspace: { readonly id: string; readonly name: string } | undefined;

	constructor(job: RunJob, deps: ImportDeps, options: StartOptions) {
		this.#job = job;
		this.#now = deps.now ?? Date.now;
		const settings = job.settings;
		this.#control = new RunControl(settings.concurrency ?? 1, () =>
			this.#emit({ type: "paused", at: this.#now() }),
		);
		this.#requester = runRequester(settings, deps, options, {
			control: this.#control,
			now: this.#now,
			emit: (event) => this.#emit(event),
			notice: (level, message) => this.#notice(level, message),
			ledger: () => this.#ledger,
			count: (counters) => this.#count(counters),
		});
		this.#tap = new ConcurrencyTap({
			isChosen: settings.concurrency !== undefined,
			control: this.#control,
			requester: this.#requester,
			brake: options.brake,
			announce: (concurrency) => this.#emit({ type: "concurrency-changed", at: this.#now(), concurrency }),
			trip: (message) => this.#tripRun("circuit-open", message),
		});
		this.#scope = this.#newScope(deps);
		options.signal?.addEventListener("abort", () => this.stop(), { once: true });
		if (options.signal?.aborted) this.stop();
		this.#running = this.#start();
		this.done = this.#running;
	}

	// ── the handle ───────────────────────────────────────────────────────────

	subscribe(listener: (event: ImportEvent) => void, options: SubscribeOptions = {}): () => void {
		this.#listeners.add(listener);
		if (options.unchangedCounted !== true) this.#toldEach.add(listener);
		return () => {
			this.#listeners.delete(listener);
			this.#toldEach.delete(listener);
		};
	}

	get workspace(): { readonly id: string; readonly name: string } | undefined {
		return this.#workspace;
	}

	get isPaused(): boolean {
		return this.#control.isPaused;
	}

	get concurrency(): number {
		return this.#control.concurrency;
	}

	pause(): void {
		if (this.#control.isStopped || this.#control.isPaused) return;
		this.#emit({ type: "pause-requested", at: this.#now() });
		this.#control.pause();
	}

	resume(): void {
		if (this.#control.resume()) this.#emit({ type: "resumed", at: this.#now() });
	}

	stop(): void {
		if (this.#control.stop()) this.#emit({ type: "stop-requested", at: this.#now() });
	}

	setConcurrency(concurrency: number): void {
		this.#tap.userChose(concurrency);
	}

	failures(): readonly FailureDetail[] {
		return this.#ledger?.failures() ?? [];
	}

	isSkipped(pass: PassName, key: string): boolean {
		return this.#ledger?.isSkippedHeld(pass, key) ?? false;
	}

	passState(pass: PassName): PassState | undefined {
		const store = this.#ledger?.store;
		return store && passStateOf(store, pass);
	}

	state(pass: PassName, key: string): RecordState | undefined {
		const store = this.#ledger?.store;
		const state = store?.get(pass, key);
		if (state !== undefined || store === undefined || !isNumbered(pass)) return state;
		// An onboarding the state knows under the key positional keying gave it.
		this.#legacy ??= new LegacyKeys(passStateOf(store, pass));
		const legacy = this.#legacy.stateKeyOf(key);
		return legacy === undefined ? undefined : store.get(pass, legacy);
	}

	async retryFailed(which?: RetryRequest["which"]): Promise<ImportSummary> {
		await this.#running.catch(() => undefined);
		this.#running = this.#retry({ which });
		return this.#running;
	}

	/** Close the state. The CLI calls it once it has written its reports. */
	async close(): Promise<void> {
		try {
			await this.#ledger?.store.close();
		} catch (error) {
			// The disk that stopped the run refuses the last compaction too; every update that was
			// written is in the journal, so the checkpoint still resumes.
			if (!(error instanceof CheckpointError)) throw error;
			// Said already when it stopped the run (or ended it): a sentence is said once.
			if (![...this.#saidErrors].some((said) => said.startsWith(error.message)))
				this.#notice("error", error.message);
		}
	}

	// ── the rounds ───────────────────────────────────────────────────────────

	async #start(): Promise<ImportSummary> {
		this.#startedAt = this.#now();
		const opened = await this.#job.open(this.#scope);
		if (opened === undefined) return this.#finish();
		this.#run = opened.run;
		this.#ledger = new Ledger(
			opened.store,
			(e) => this.#emit(e),
			this.#now,
			(m) => this.#tripRun("checkpoint-failed", m),
		);
		if (this.#early.size > 0) this.#ledger.addCounters(Object.fromEntries(this.#early));
		return this.#round(this.#ledger, undefined, opened);
	}

	async #retry(retry: RetryRequest): Promise<ImportSummary> {
		if (!this.#ledger || this.#trip?.outcome === "auth-failed")
			return this.#summary(this.#trip?.outcome ?? "completed");
		this.#trip = undefined;
		// A run the circuit breaker or a checkpoint failure stopped can be retried once the cause is fixed.
		this.#control.renew();
		this.#startedAt = this.#now();
		return this.#round(this.#ledger, retry, { resumed: true });
	}

	async #round(
		ledger: Ledger,
		retry: RetryRequest | undefined,
		start: Pick<OpenedRun, "resumed" | "continuesRun">,
	): Promise<ImportSummary> {
		const isFresh = retry === undefined && start.continuesRun === false;
		const passes = await this.#job.round(this.#scope, { ledger, run: this.#run, isFresh }, retry);
		this.#runStarted(ledger, start);
		for (const pass of passes) {
			if (this.#isOver()) break;
			await this.#pass(ledger, pass);
		}
		return this.#finish();
	}

	/** The pass loop: a slot per operation, as many in flight as the concurrency lets, then drained. */
	async #pass(ledger: Ledger, work: RunPass<unknown>): Promise<void> {
		const { pass, announce } = work;
		const control = this.#control;
		if (announce !== "silent") {
			if (announce === "fresh") ledger.resetTally(pass);
			this.#emit({
				type: "pass-started",
				at: this.#now(),
				pass,
				total: this.#totals[pass],
				// A copy: the ledger goes on counting into its tally, and the event is read later (a
				// progress store folds events when its snapshot is read), which counted this pass's
				// records twice (4/3 done, an update shown as unchanged).
				already: { ...ledger.tally(pass) },
			});
		}
		// One pair of callbacks for the pass, not a `finally` (two closures, two promises) per record.
		const released = () => control.releaseSlot();
		// A record's work that throws (a state damaged under a digest made to match) stops the run
		// with its sentence: rethrown here it would crash the process with a stack trace.
		const releasedOnError = (error: unknown) => {
			control.releaseSlot();
			this.#stopOn(error);
		};
		try {
			for await (const operation of work.operations) {
				if (this.#isOver()) break;
				const slot = control.takeSlot();
				if (!(slot === true || (await slot))) break;
				void work.apply(operation).then(released, releasedOnError);
			}
		} catch (error) {
			if (!(error instanceof CheckpointError)) throw error;
			this.#stopOn(error);
		}
		await control.idle();
		if (announce !== "silent" && !this.#isOver())
			this.#emit({ type: "pass-finished", at: this.#now(), pass });
	}

	#runStarted(ledger: Ledger, start: Pick<OpenedRun, "resumed" | "continuesRun">): void {
		const store = ledger.store;
		this.#tap.runStarting();
		this.#emit({
			type: "run-started",
			at: this.#now(),
			runId: store.header.runId,
			resumed: start.resumed,
			...(start.continuesRun === undefined ? {} : { continuesRun: start.continuesRun }),
			checkpointPath: store.path,
			concurrency: this.#control.concurrency,
			totals: { ...this.#totals },
		});
	}

	/** Write the end into the state, report it, and sum up. */
	async #finish(): Promise<ImportSummary> {
		const end = await closeRun(
			this.#ledger?.store,
			endOf(this.#trip, this.#control.isStopped),
			this.#run,
			(message) => this.#notice("error", message),
		);
		const { outcome, message } = end;
		this.#emit({ type: "run-finished", at: this.#now(), outcome, ...(message ? { message } : {}) });
		return this.#summary(outcome, message);
	}

	#summary(outcome: RunOutcome, message?: string): ImportSummary {
		return buildSummary({
			outcome,
			message,
			ledger: this.#ledger,
			totals: this.#totals,
			deletes: this.#deletes,
			checkpointPath: this.#job.checkpointPath,
			elapsedMs: this.#now() - this.#startedAt,
			run: this.#run,
		});
	}

	// ── the run's voice ──────────────────────────────────────────────────────

	#newScope(deps: ImportDeps): RunScope {
		const signal = this.#control.signal;
		return {
			deps,
			requester: this.#requester,
			signal,
			now: this.#now,
			emit: (event) => this.#emit(event),
			isUnchangedCounted: () => this.#toldEach.size === 0,
			notice: (level, message) => this.#notice(level, message),
			trip: (outcome, message) => this.#tripRun(outcome, message),
			isOver: () => this.#isOver(),
			pause: () => this.pause(),
			whoAmI: () => this.#whoAmI(),
			isSameWorkspace: (store) => isSameWorkspace(this.#requester, this.#control.signal, store),
			setWorkspace: (workspace) => {
				this.#workspace = { id: workspace.id, name: workspace.name };
			},
			setTotals: (totals, deletes) => {
				this.#totals = { ...totals };
				this.#deletes = deletes ? { ...deletes } : NO_PASSES();
			},
		};
	}

	async #whoAmI(): Promise<Me | undefined> {
		const answer = await askMe(this.#requester, this.#control.signal);
		if ("me" in answer) {
			// The first burst's connections open while the state opens and the first list page is
			// out, not beside GET /me: the server's arrival of GET /me dates the window's first
			// slot (see WholeSecondWindow), and a burst of connects beside it made that date vaguer.
			const lanes = this.#requester.lanes;
			const chosen = this.#job.settings.concurrency;
			for (const lane of lanes)
				lane.client.warm?.(warmConnections(chosen, lanes.length, lane.governor.limit));
			return answer.me;
		}
		if (!this.#isOver()) this.#tripRun(answer.refusal.outcome, answer.refusal.message);
		return undefined;
	}

	/** Stops the run on an error a record's work threw: the state's sentence, or the error's own. */
	#stopOn(error: unknown): void {
		if (error instanceof CheckpointError) {
			this.#tripRun("checkpoint-failed", error.message);
			return;
		}
		const message = error instanceof Error ? error.message : String(error);
		this.#tripRun(
			"interrupted",
			`Stopped on an unexpected error (${escapeControls(message.slice(0, 300))}); every record written so far is in the state: run the same command again.`,
		);
	}

	#count(counters: Readonly<Record<string, number>>): void {
		if (this.#ledger) {
			this.#ledger.addCounters(counters);
			return;
		}
		for (const [name, n] of Object.entries(counters)) this.#early.set(name, (this.#early.get(name) ?? 0) + n);
	}

	#isOver(): boolean {
		return this.#control.isStopped || this.#trip !== undefined;
	}

	#tripRun(outcome: RunOutcome, message: string): void {
		if (this.#trip) return;
		this.#trip = { outcome, message };
		this.#notice("error", message);
		this.#control.stop();
	}

	#notice(level: "info" | "warn" | "error", message: string): void {
		if (level === "error") this.#saidErrors.add(message);
		this.#emit({ type: "notice", at: this.#now(), level, message });
	}

	#emit(event: ImportEvent): void {
		this.#tap.before(event);
		for (const listener of this.#listeners) listener(event);
		this.#tap.after(event);
	}
}
