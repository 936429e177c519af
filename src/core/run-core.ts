/**
 * What every run shares, whatever its plan (an import, a sync, an undo): the handle the UI and
 * the reporters steer it with, the run control, the requester over the run's keys, the ledger,
 * and how a run ends. Subclasses only say which operations to carry out.
 */

import { ApiError } from "../api/errors.js";
import type { Me } from "../api/types.js";
import type { PassName, RecordState } from "../model/records.js";
import { isNumbered, perPass } from "../model/resources.js";
import { CheckpointError } from "./checkpoint/index.js";
import type { ImportEvent, RunOutcome } from "./events.js";
import { LatencyFollower } from "./execute/latency-follower.js";
import type { Ledger } from "./execute/ledger.js";
import { Requester } from "./execute/requester.js";
import { DEFAULT_RETRY_POLICY } from "./execute/retry-policy.js";
import { RunControl } from "./execute/run-control.js";
import { isServerFailing, StormBrake } from "./execute/storm-brake.js";
import { lanesOf } from "./lanes.js";
import { LegacyKeys } from "./plan/legacy-keys.js";
import { buildSummary } from "./run-summary.js";
import type { FailureDetail, ImportDeps, ImportPlan, ImportRun, ImportSummary } from "./run-types.js";
import { sleep as defaultSleep } from "./sleep.js";
import type { StartOptions } from "./start-options.js";
import type { StateStore } from "./state/state-store.js";

/** Concurrency for a key's limit when the user sets none: enough to spend a burst quickly. */
export function defaultConcurrency(limit: number | undefined): number {
	return Math.min(24, Math.max(4, Math.round((limit ?? 60) / 30)));
}

export type RunSettings = Pick<ImportPlan, "concurrency" | "windowMs" | "keyFingerprint">;

export abstract class RunCore implements ImportRun {
	workspace: { readonly id: string; readonly name: string } | undefined;
	done: Promise<ImportSummary> = Promise.resolve(undefined as unknown as ImportSummary);
	protected readonly deps: ImportDeps;
	protected readonly now: () => number;
	protected readonly options: StartOptions;
	protected readonly control: RunControl;
	protected readonly requester: Requester;
	protected ledger: Ledger | undefined;
	protected run = 0;
	protected startedAt = 0;
	protected totals: Record<PassName, number> = perPass(() => 0);
	/** Of the totals, the deletes `--delete-missing` planned: not rows of the files. */
	protected deletesPlanned: Record<PassName, number> = perPass(() => 0);
	protected trip: { outcome: RunOutcome; message: string } | undefined;
	protected running: Promise<ImportSummary> = this.done;
	readonly #listeners = new Set<(event: ImportEvent) => void>();
	readonly #follower: LatencyFollower;
	readonly #brake: StormBrake;
	readonly #checkpointPath: string;
	// No concurrency was given: the first run start picks one for the keys' limit.
	#isDefaultConcurrency: boolean;
	#legacy: LegacyKeys | undefined;

	constructor(settings: RunSettings, checkpointPath: string, deps: ImportDeps, options: StartOptions) {
		this.deps = deps;
		this.now = deps.now ?? Date.now;
		this.options = options;
		this.#checkpointPath = checkpointPath;
		this.control = new RunControl(settings.concurrency ?? 1, () =>
			this.emit({ type: "paused", at: this.now() }),
		);
		this.requester = new Requester({
			lanes: lanesOf(settings, deps, this.now),
			control: this.control,
			policy: {
				...DEFAULT_RETRY_POLICY,
				...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
				...(options.backoffBaseMs === undefined ? {} : { backoffBaseMs: options.backoffBaseMs }),
				...(options.backoffCapMs === undefined ? {} : { backoffCapMs: options.backoffCapMs }),
			},
			now: this.now,
			sleep: deps.sleep ?? defaultSleep,
			random: deps.random ?? Math.random,
			emit: (event) => this.emit(event),
			count: (counters) => this.ledger?.addCounters(counters),
			durable: () => this.ledger?.durable() ?? true,
			onLaneLost: (lane, error) => {
				// With no key left the run stops and says so itself: not "goes on with the others".
				if (!this.requester.lanes.some((l) => l.isAlive)) return;
				this.notice(
					"warn",
					`The key ${lane.label} was refused (${error.status} ${error.code}); it left the pool and the run goes on with the others.`,
				);
			},
		});
		this.#follower = new LatencyFollower(settings.concurrency !== undefined);
		this.#brake = new StormBrake(options.brake);
		this.#isDefaultConcurrency = settings.concurrency === undefined;
	}

	/** Called by the subclass's constructor once its own fields are set. */
	protected begin(work: () => Promise<ImportSummary>): void {
		this.options.signal?.addEventListener("abort", () => this.stop(), { once: true });
		if (this.options.signal?.aborted) this.stop();
		this.running = work();
		this.done = this.running;
	}

	// ── the handle ───────────────────────────────────────────────────────────

	subscribe(listener: (event: ImportEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	get isPaused(): boolean {
		return this.control.isPaused;
	}

	get concurrency(): number {
		return this.control.concurrency;
	}

	pause(): void {
		if (this.control.isStopped || this.control.isPaused) return;
		this.emit({ type: "pause-requested", at: this.now() });
		this.control.pause();
	}

	resume(): void {
		if (this.control.resume()) this.emit({ type: "resumed", at: this.now() });
	}

	stop(): void {
		if (this.control.stop()) this.emit({ type: "stop-requested", at: this.now() });
	}

	setConcurrency(concurrency: number): void {
		this.#follower.userChose();
		this.#isDefaultConcurrency = false;
		this.changeConcurrency(concurrency);
	}

	failures(): readonly FailureDetail[] {
		return this.ledger?.failures() ?? [];
	}

	state(pass: PassName, key: string): RecordState | undefined {
		const store = this.ledger?.store;
		const state = store?.get(pass, key);
		if (state !== undefined || store === undefined || !isNumbered(pass)) return state;
		// An onboarding the state knows under the key positional keying gave it.
		this.#legacy ??= new LegacyKeys({ get: (k) => store.get(pass, k), entries: () => store.entries(pass) });
		const legacy = this.#legacy.stateKeyOf(key);
		return legacy === undefined ? undefined : store.get(pass, legacy);
	}

	abstract retryFailed(
		which?: readonly { readonly pass: PassName; readonly key: string }[],
	): Promise<ImportSummary>;

	/** Close the checkpoint file. The CLI calls it once it has written its reports. */
	async close(): Promise<void> {
		try {
			await this.ledger?.store.close();
		} catch (error) {
			// The disk that stopped the run refuses the last compaction too; every update that was
			// written is in the journal, so the checkpoint still resumes.
			if (!(error instanceof CheckpointError)) throw error;
			this.notice("error", error.message);
		}
	}

	// ── for the subclasses ───────────────────────────────────────────────────

	/** The opening `GET /me`: proves the key and learns the limit. Undefined when the run cannot go on. */
	protected async whoAmI(): Promise<Me | undefined> {
		const me = await this.requester.send((client) => client.me({ signal: this.control.signal }));
		if (me.ok) return me.value.data;
		if (this.trip || this.isOver()) return undefined;
		if (me.verdict.kind === "auth") {
			const status = me.error instanceof ApiError ? `${me.error.status} ${me.error.code}` : "401";
			this.tripRun(
				"auth-failed",
				`The API key was refused (${status}); nothing was sent. Check the key, then run the same command again.`,
			);
		} else {
			this.tripRun("interrupted", `${meProblem(me.error)} Check --base-url and the network, then run again.`);
		}
		return undefined;
	}

	/**
	 * Can this key see what the checkpoint's key created? The API answers 404 for another
	 * workspace's records, so one customer the checkpoint holds as done settles it. With none
	 * done, nothing was confirmed created anywhere and any workspace may carry on.
	 */
	protected async isSameWorkspace(store: StateStore): Promise<boolean> {
		for (const [, state] of store.entries("customers")) {
			if (state.s !== "done") continue;
			const result = await this.requester.send((client) =>
				client.getCustomer(state.id, { signal: this.control.signal }),
			);
			return result.ok;
		}
		return true;
	}

	/** `continuesRun`: an interrupted run goes on (false: a new sync of a state that exists). */
	protected runStarted(resumed: boolean, continuesRun?: boolean): void {
		const store = this.ledger!.store;
		if (this.#isDefaultConcurrency) {
			this.#isDefaultConcurrency = false;
			this.changeConcurrency(defaultConcurrency(this.requester.limit), false);
		}
		this.emit({
			type: "run-started",
			at: this.now(),
			runId: store.header.runId,
			resumed,
			...(continuesRun === undefined ? {} : { continuesRun }),
			checkpointPath: store.path,
			concurrency: this.control.concurrency,
			totals: { ...this.totals },
		});
	}

	protected changeConcurrency(concurrency: number, announce = true): void {
		const before = this.control.concurrency;
		const now = this.control.setConcurrency(concurrency);
		if (announce && now !== before)
			this.emit({ type: "concurrency-changed", at: this.now(), concurrency: now });
	}

	protected isOver(): boolean {
		return this.control.isStopped || this.trip !== undefined;
	}

	protected tripRun(outcome: RunOutcome, message: string): void {
		if (this.trip) return;
		this.trip = { outcome, message };
		this.notice("error", message);
		this.control.stop();
	}

	/** Flush and compact the state, report the end, and sum up. `onCompleted` runs first when nothing stopped the run. */
	protected async finish(onCompleted?: (store: StateStore) => void): Promise<ImportSummary> {
		let outcome: RunOutcome = this.trip?.outcome ?? (this.control.isStopped ? "interrupted" : "completed");
		let message =
			this.trip?.message ??
			(outcome === "interrupted"
				? "Stopped; the checkpoint is saved and the same command resumes."
				: undefined);
		const store = this.ledger?.store;
		if (store) {
			try {
				if (outcome === "completed") onCompleted?.(store);
				store.noteOutcome?.(outcome);
				await store.flush();
				await store.compact();
			} catch (error) {
				if (!(error instanceof CheckpointError)) throw error;
				if (error.message !== message) this.notice("error", error.message);
				// The state does not say the run finished: not done, but resumable (exit 3), never "done".
				if (outcome === "completed") {
					outcome = "checkpoint-failed";
					message = error.message;
				}
			}
		}
		this.emit({ type: "run-finished", at: this.now(), outcome, ...(message ? { message } : {}) });
		return this.summary(outcome, message);
	}

	protected summary(outcome: RunOutcome, message?: string): ImportSummary {
		return buildSummary({
			outcome,
			message,
			ledger: this.ledger,
			totals: this.totals,
			deletes: this.deletesPlanned,
			checkpointPath: this.#checkpointPath,
			elapsedMs: this.now() - this.startedAt,
			run: this.run,
		});
	}

	protected notice(level: "info" | "warn" | "error", message: string): void {
		this.emit({ type: "notice", at: this.now(), level, message });
	}

	protected emit(event: ImportEvent): void {
		// Only sound answers say how fast the server is: a storm of fast 500s or of timeouts must
		// not raise the concurrency (the brake lowers it).
		if (event.type === "response" && !isServerFailing(event.status) && !this.#brake.isBraking) {
			const next = this.#follower.observe(
				event.durationMs,
				this.requester.limit,
				this.requester.governor?.windowMs,
				this.control.concurrency,
			);
			if (next !== undefined) this.changeConcurrency(next);
		}
		for (const listener of this.#listeners) listener(event);
		if (event.type === "response" && !this.control.isStopped) this.#brakeOn(event.status);
	}

	#brakeOn(status: number): void {
		const verdict = this.#brake.observe(status, this.control.concurrency);
		if (verdict.concurrency !== undefined) {
			this.changeConcurrency(verdict.concurrency, verdict.concurrency < this.control.concurrency);
		}
		const tripped = verdict.tripped;
		if (tripped !== undefined) {
			this.tripRun(
				"circuit-open",
				tripped.kind === "failing"
					? `The server is failing: ${tripped.count} requests in a row got a 5xx or no answer; stopped so as not to add to its load. The checkpoint is saved: run the same command again to resume once the server answers.`
					: `The server refused ${tripped.count} requests in a row with 429 and let none through; stopped rather than asking for ever. The checkpoint is saved: run the same command again to resume later.`,
			);
		}
	}
}

/**
 * Why the opening `GET /me` failed, as a sentence of its own: the server's text quoted, never
 * glued to the advice that follows it.
 */
export function meProblem(error: unknown): string {
	if (error instanceof ApiError) {
		const said = error.message.trim();
		return `GET /me was answered ${error.status} ${error.code}${said ? ` (${JSON.stringify(said)})` : ""}.`;
	}
	const message = (error instanceof Error ? error.message : String(error)).trim();
	return /[.!?)]$/.test(message) ? message : `${message}.`;
}
