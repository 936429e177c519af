/**
 * One run of an import or a sync: validate, open the state, then for each pass stream the
 * records, plan each one against the state and hand the work to the executor's parts. The
 * returned handle steers the run and reports on it.
 */

import { ApiError } from "../api/errors.js";
import type {
	ApiOk,
	Contact,
	Customer,
	ListPage,
	ListQuery,
	Onboarding,
	PivotalClient,
} from "../api/types.js";
import { copyOf, PASSES, type PassName, type RecordState } from "../model/records.js";
import { readRecords, validateSources } from "../source/index.js";
import { CheckpointError, type CheckpointStore } from "./checkpoint/index.js";
import type { ImportEvent, RunOutcome } from "./events.js";
import { RecordApplier } from "./execute/apply-record.js";
import { CircuitBreaker } from "./execute/circuit-breaker.js";
import { ChildDirectory, CustomerDirectory } from "./execute/existing-records.js";
import { LatencyFollower } from "./execute/latency-follower.js";
import { Ledger } from "./execute/ledger.js";
import { Requester } from "./execute/requester.js";
import { DEFAULT_RETRY_POLICY } from "./execute/retry-policy.js";
import { RunControl } from "./execute/run-control.js";
import { lanesOf } from "./lanes.js";
import { defaultCheckpointPath, finishRun, InputError, openState } from "./open-state.js";
import { type ParentView, planRecord } from "./plan/planner.js";
import { buildSummary } from "./run-summary.js";
import type {
	FailureDetail,
	ImportDeps,
	ImportPlan,
	ImportRun,
	ImportSummary,
	SourceCheckSummary,
} from "./run-types.js";
import { sleep as defaultSleep } from "./sleep.js";
import { checkUnchanged } from "./source-hash.js";
import type { StartOptions } from "./start-options.js";

export { defaultCheckpointPath, InputError };

/** Concurrency for a key's limit when the user sets none: enough to spend a burst quickly. */
export function defaultConcurrency(limit: number | undefined): number {
	return Math.min(24, Math.max(4, Math.round((limit ?? 60) / 30)));
}

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

class ImportEngine implements ImportRun {
	readonly done: Promise<ImportSummary>;
	readonly #plan: ImportPlan;
	readonly #deps: ImportDeps;
	readonly #now: () => number;
	readonly #options: StartOptions;
	readonly #listeners = new Set<(event: ImportEvent) => void>();
	readonly #control: RunControl;
	readonly #requester: Requester;
	readonly #follower: LatencyFollower;
	#trip: { outcome: RunOutcome; message: string } | undefined;
	#ledger: Ledger | undefined;
	#applier: RecordApplier | undefined;
	#run = 0;
	#isFirstSync = true;
	#resumed = false;
	#startedAt = 0;
	#totals: Record<PassName, number> = { customers: 0, contacts: 0, onboardings: 0 };
	#running: Promise<ImportSummary>;

	constructor(plan: ImportPlan, deps: ImportDeps, options: StartOptions) {
		this.#plan = plan;
		this.#deps = deps;
		this.#now = deps.now ?? Date.now;
		this.#options = options;
		this.#control = new RunControl(plan.concurrency ?? 1, () =>
			this.#emit({ type: "paused", at: this.#now() }),
		);
		const sleep = deps.sleep ?? defaultSleep;
		this.#requester = new Requester({
			lanes: lanesOf(plan, deps, this.#now),
			control: this.#control,
			policy: {
				...DEFAULT_RETRY_POLICY,
				...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
				...(options.backoffBaseMs === undefined ? {} : { backoffBaseMs: options.backoffBaseMs }),
				...(options.backoffCapMs === undefined ? {} : { backoffCapMs: options.backoffCapMs }),
			},
			now: this.#now,
			sleep,
			random: deps.random ?? Math.random,
			emit: (event) => this.#emit(event),
			count: (counters) => this.#ledger?.addCounters(counters),
			onLaneLost: (lane, error) =>
				this.#notice(
					"warn",
					`The key ${lane.label} was refused (${error.status} ${error.code}); it left the pool and the run goes on with the others.`,
				),
		});
		this.#follower = new LatencyFollower(plan.concurrency !== undefined);
		options.signal?.addEventListener("abort", () => this.stop(), { once: true });
		if (options.signal?.aborted) this.stop();
		this.#running = this.#start();
		this.done = this.#running;
	}

	// ── the handle ───────────────────────────────────────────────────────────

	subscribe(listener: (event: ImportEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
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
		this.#follower.userChose();
		this.#setConcurrency(concurrency);
	}

	failures(): readonly FailureDetail[] {
		return this.#ledger?.failures() ?? [];
	}

	state(pass: PassName, key: string): RecordState | undefined {
		return this.#ledger?.store.get(pass, key);
	}

	async retryFailed(
		which?: readonly { readonly pass: PassName; readonly key: string }[],
	): Promise<ImportSummary> {
		await this.#running.catch(() => undefined);
		const picked = which ? new Set(which.map((r) => `${r.pass}:${r.key}`)) : undefined;
		this.#running = this.#retryRound(picked ? { retryFailed: false, picked } : { retryFailed: true });
		return this.#running;
	}

	/** Close the checkpoint file. The CLI calls it once it has written its reports. */
	async close(): Promise<void> {
		try {
			await this.#ledger?.store.close();
		} catch (error) {
			// The disk that stopped the run refuses the last compaction too; every update that was
			// written is in the journal, so the checkpoint still resumes.
			if (!(error instanceof CheckpointError)) throw error;
			this.#notice("error", error.message);
		}
	}

	// ── the run ──────────────────────────────────────────────────────────────

	async #start(): Promise<ImportSummary> {
		this.#startedAt = this.#now();
		const check = this.#plan.check ?? (await this.#validate());
		if (this.#plan.check) await checkUnchanged(this.#plan.files, check);
		for (const pass of PASSES) this.#totals[pass] = check.counts[pass] ?? 0;

		const me = await this.#requester.send((client) => client.me({ signal: this.#control.signal }));
		if (!me.ok) {
			this.#openingFailed(me.verdict.kind, me.error);
			return this.#finish();
		}
		try {
			const opened = await openState({
				path: this.#plan.checkpointPath ?? defaultCheckpointPath(this.#plan.files.customers),
				files: this.#plan.files,
				check,
				keyFingerprint: this.#plan.keyFingerprint,
				baseUrl: this.#plan.baseUrl,
				fresh: this.#plan.fresh ?? false,
				now: this.#now,
				fs: this.#deps.checkpointFs,
				isSameWorkspace: (store) => this.#isSameWorkspace(store),
				notice: (level, message) => this.#notice(level, message),
			});
			this.#run = opened.run;
			this.#isFirstSync = opened.isFirstSync;
			this.#resumed = opened.resumed;
			this.#ledger = new Ledger(
				opened.store,
				(e) => this.#emit(e),
				this.#now,
				(m) => this.#tripRun("checkpoint-failed", m),
			);
		} catch (error) {
			// Unreadable, damaged beyond its backup, read-only, or locked: one sentence naming the file, not a crash.
			if (!(error instanceof CheckpointError)) throw error;
			this.#tripRun("checkpoint-failed", error.message);
			return this.#finish();
		}
		this.#applier = this.#newApplier(this.#ledger);
		if (this.#plan.concurrency === undefined)
			this.#setConcurrency(defaultConcurrency(this.#requester.limit), false);
		this.#runStarted(this.#resumed);
		await this.#passes({ retryFailed: this.#plan.retryFailed ?? false });
		return this.#finish();
	}

	async #retryRound(selection: Selection): Promise<ImportSummary> {
		if (!this.#ledger || this.#trip?.outcome === "auth-failed")
			return this.#summary(this.#trip?.outcome ?? "completed");
		this.#trip = undefined;
		// A run the circuit breaker or a checkpoint failure stopped can be retried once the cause is fixed.
		this.#control.renew();
		this.#startedAt = this.#now();
		this.#applier = this.#newApplier(this.#ledger);
		this.#runStarted(true);
		await this.#passes(selection);
		return this.#finish();
	}

	#newApplier(ledger: Ledger): RecordApplier {
		const requester = this.#requester;
		// List pages go through the requester like any other request: paced, retried, counted.
		const page =
			<T>(call: (client: PivotalClient, query: ListQuery) => Promise<ApiOk<ListPage<T>>>) =>
			async (query: ListQuery): Promise<ListPage<T>> => {
				const result = await requester.send((client) => call(client, query));
				if (!result.ok) throw result.error ?? new Error("stopped");
				return result.value.data;
			};
		const circuit = this.#options.circuitBreaker ?? { threshold: 25, action: "stop" };
		return new RecordApplier({
			importId: ledger.store.header.runId,
			run: this.#run,
			ledger,
			requester,
			customers: new CustomerDirectory(page<Customer>((client, q) => client.listCustomers(q))),
			contacts: new ChildDirectory<Contact>((id) => page<Contact>((client, q) => client.listContacts(id, q))),
			onboardings: new ChildDirectory<Onboarding>((id) =>
				page<Onboarding>((client, q) => client.listCustomerOnboardings(id, q)),
			),
			breaker: new CircuitBreaker(circuit.threshold),
			breakerAction: circuit.action,
			notice: (level, message) => this.#notice(level, message),
			trip: (outcome, message) => this.#tripRun(outcome, message),
			pause: () => this.pause(),
			isOver: () => this.#isOver(),
		});
	}

	async #passes(selection: Selection): Promise<void> {
		for (const pass of PASSES) {
			if (this.#isOver()) return;
			const file = this.#plan.files[pass];
			if (file) await this.#pass(pass, file, selection);
		}
	}

	async #pass(pass: PassName, file: string, selection: Selection): Promise<void> {
		const ledger = this.#ledger!;
		const applier = this.#applier!;
		const { store } = ledger;
		const control = this.#control;
		ledger.resetTally(pass);
		this.#emit({
			type: "pass-started",
			at: this.#now(),
			pass,
			total: this.#totals[pass],
			already: ledger.tally(pass),
		});
		const options = {
			retryFailed: selection.retryFailed,
			recreate: this.#plan.recreate ?? false,
			isFirstSync: this.#isFirstSync,
			isPicked: selection.picked ? (key: string) => selection.picked!.has(`${pass}:${key}`) : undefined,
		};
		for await (const record of readRecords(file, pass)) {
			if (this.#isOver()) break;
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
					if (state?.s !== "done" && !ledger.settle(pass, record.key, op.copy)) return;
					// Done by an earlier session of this very run: counted as what that session did.
					const did = op.copy.r === this.#run && op.copy.did ? op.copy.did : "unchanged";
					ledger.count(did, pass);
					this.#emit({
						type: "record-done",
						at: this.#now(),
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
				case "blocked":
					if (!ledger.blocked(pass, record, op.parentKey, state)) return;
					continue;
				default: {
					const slot = control.takeSlot();
					if (!(slot === true || (await slot))) break;
					void applier.apply(record, op, parentCopy).finally(() => control.releaseSlot());
				}
			}
		}
		await control.idle();
		if (!this.#isOver()) this.#emit({ type: "pass-finished", at: this.#now(), pass });
	}

	// ── helpers ──────────────────────────────────────────────────────────────

	async #validate(): Promise<SourceCheckSummary> {
		const check = await validateSources(this.#plan.files);
		if (check.problemCount > 0) {
			const first = check.problems[0];
			throw new InputError(
				`${check.problemCount} problem${check.problemCount === 1 ? "" : "s"} in the input${first ? `, first: ${first.file}:${first.line}: ${first.message}` : ""}; nothing was sent.`,
			);
		}
		return check;
	}

	/**
	 * Can this key see what the checkpoint's key created? The API answers 404 for another
	 * workspace's records, so one customer the checkpoint holds as done settles it. With none
	 * done, nothing was confirmed created anywhere and any workspace may carry on.
	 */
	async #isSameWorkspace(store: CheckpointStore): Promise<boolean> {
		for (const [, state] of store.entries("customers")) {
			if (state.s !== "done") continue;
			const result = await this.#requester.send((client) =>
				client.getCustomer(state.id, { signal: this.#control.signal }),
			);
			return result.ok;
		}
		return true;
	}

	#openingFailed(kind: string, error: unknown): void {
		if (this.#trip || this.#isOver()) return;
		if (kind === "auth") {
			const status = error instanceof ApiError ? `${error.status} ${error.code}` : "401";
			this.#tripRun(
				"auth-failed",
				`The API key was refused (${status}); nothing was sent. Check the key, then run the same command again.`,
			);
			return;
		}
		const message = error instanceof Error ? error.message : String(error);
		this.#tripRun("interrupted", `${message} Check --base-url and the network, then run again.`);
	}

	#runStarted(resumed: boolean): void {
		const store = this.#ledger!.store;
		this.#emit({
			type: "run-started",
			at: this.#now(),
			runId: store.header.runId,
			resumed,
			checkpointPath: store.path,
			concurrency: this.#control.concurrency,
			totals: { ...this.#totals },
		});
	}

	#setConcurrency(concurrency: number, announce = true): void {
		const before = this.#control.concurrency;
		const now = this.#control.setConcurrency(concurrency);
		if (announce && now !== before)
			this.#emit({ type: "concurrency-changed", at: this.#now(), concurrency: now });
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

	async #finish(): Promise<ImportSummary> {
		const outcome: RunOutcome =
			this.#trip?.outcome ?? (this.#control.isStopped ? "interrupted" : "completed");
		const message =
			this.#trip?.message ??
			(outcome === "interrupted"
				? "Stopped; the checkpoint is saved and the same command resumes."
				: undefined);
		const store = this.#ledger?.store;
		if (store) {
			try {
				if (outcome === "completed") finishRun(store, this.#run);
				store.flush();
				store.compact();
			} catch (error) {
				if (!(error instanceof CheckpointError)) throw error;
				this.#notice("error", error.message);
			}
		}
		this.#emit({ type: "run-finished", at: this.#now(), outcome, ...(message ? { message } : {}) });
		return this.#summary(outcome, message);
	}

	#summary(outcome: RunOutcome, message?: string): ImportSummary {
		return buildSummary({
			outcome,
			message,
			ledger: this.#ledger,
			totals: this.#totals,
			checkpointPath: this.#plan.checkpointPath ?? defaultCheckpointPath(this.#plan.files.customers),
			elapsedMs: this.#now() - this.#startedAt,
			run: this.#run,
		});
	}

	#notice(level: "info" | "warn" | "error", message: string): void {
		this.#emit({ type: "notice", at: this.#now(), level, message });
	}

	#emit(event: ImportEvent): void {
		if (event.type === "response") {
			const next = this.#follower.observe(
				event.durationMs,
				this.#requester.limit,
				this.#requester.governor?.windowMs,
				this.#control.concurrency,
			);
			if (next !== undefined) this.#setConcurrency(next);
		}
		for (const listener of this.#listeners) listener(event);
	}
}
