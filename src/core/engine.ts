import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { existsSync } from "node:fs";
import pLimit, { type LimitFunction } from "p-limit";
import { ApiError, NetworkError } from "../api/errors.js";
import type { ApiOk, Customer, ListPage, Onboarding, RateLimit } from "../api/types.js";
import { PASSES, type PassName, type RecordState, type SourceRecord } from "../model/records.js";
import { readRecords, validateSources } from "../source/index.js";
import {
	CheckpointError,
	type CheckpointHeader,
	type CheckpointStore,
	openCheckpoint,
} from "./checkpoint/index.js";
import { CustomerIndex } from "./customer-index.js";
import type { ImportEvent, PassTally, RunOutcome } from "./events.js";
import { Governor, type Permit } from "./governor.js";
import { idempotencyKey } from "./idempotency.js";
import type {
	FailureDetail,
	ImportDeps,
	ImportPlan,
	ImportRun,
	ImportSummary,
	PassSummary,
	SourceCheckSummary,
} from "./run-types.js";
import { sleep as defaultSleep } from "./sleep.js";

/** Input the engine refuses before sending anything (invalid rows, a checkpoint of another import). */
export class InputError extends Error {
	override readonly name = "InputError";
}

export interface StartOptions {
	/** Aborting it is a graceful stop, like `run.stop()`. */
	readonly signal?: AbortSignal;
	/**
	 * Permanent failures of one kind in a row (same pass, status, code and field) that stop the
	 * run, or pause it for the user, before it fails every remaining record the same way.
	 * @default { threshold: 25, action: "stop" }
	 */
	readonly circuitBreaker?: { readonly threshold: number; readonly action: "stop" | "pause" };
	/**
	 * Attempts for a record whose failures are transient (5xx, resets, timeouts) before it is
	 * recorded as failed (retryable on the next run).
	 * @default 8
	 */
	readonly maxAttempts?: number;
	/** Backoff after the first transient failure, doubled each time, with jitter. @default 500 */
	readonly backoffBaseMs?: number;
	/** @default 30000 */
	readonly backoffCapMs?: number;
}

/** Which records a round sends. */
interface RoundSelection {
	/** Failed records to send again: all retryable ones (a normal run), or those the user picked. */
	readonly retry: (pass: PassName, key: string, state: Extract<RecordState, { s: "failed" }>) => boolean;
}

const RETRYABLE_ON_RESUME: RoundSelection = { retry: (_pass, _key, state) => state.retryable };
const EVERY_FAILURE: RoundSelection = { retry: () => true };

/** Start an import; the returned handle steers it and reports on it. */
export function startImport(plan: ImportPlan, deps: ImportDeps, options: StartOptions = {}): ImportRun {
	return new ImportEngine(plan, deps, options);
}

/** Run an import to its end. */
export function runImport(
	plan: ImportPlan,
	deps: ImportDeps,
	options: StartOptions = {},
): Promise<ImportSummary> {
	return startImport(plan, deps, options).done;
}

export function defaultCheckpointPath(customersFile: string): string {
	return `${customersFile}.checkpoint.json`;
}

/** Concurrency for a key's limit when the user sets none: enough to spend a burst quickly. */
export function defaultConcurrency(limit: number | undefined): number {
	return Math.min(24, Math.max(4, Math.round((limit ?? 60) / 30)));
}

class ImportEngine implements ImportRun {
	readonly done: Promise<ImportSummary>;
	readonly #plan: ImportPlan;
	readonly #client: ImportDeps["client"];
	readonly #now: () => number;
	readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	readonly #random: () => number;
	readonly #checkpointFs: ImportDeps["checkpointFs"];
	readonly #options: Required<Omit<StartOptions, "signal">>;
	readonly #listeners = new Set<(event: ImportEvent) => void>();
	readonly #governor: Governor;
	// Aborted on stop: cuts waits short. Requests on the wire are never aborted: they drain.
	#stopController = new AbortController();
	#store: CheckpointStore | undefined;
	#index: CustomerIndex | undefined;
	#limit: LimitFunction;
	#isUserConcurrency: boolean;
	#paused = false;
	#pauseWaiters: (() => void)[] = [];
	// Requests on the wire right now (not those waiting to retry).
	#onWire = 0;
	#trip: { outcome: RunOutcome; message: string } | undefined;
	#streak = { signature: "", count: 0 };
	// Records sent in this process: their "sent" state is ours, not a previous run's doubt.
	readonly #sentHere = new Set<string>();
	readonly #failures = new Map<string, FailureDetail>();
	readonly #totals: Record<PassName, number> = { customers: 0, contacts: 0, onboardings: 0 };
	#latencyEwma = 0;
	#responses = 0;
	#startedAt = 0;
	#running: Promise<ImportSummary>;

	constructor(plan: ImportPlan, deps: ImportDeps, options: StartOptions) {
		this.#plan = plan;
		this.#client = deps.client;
		this.#now = deps.now ?? Date.now;
		this.#sleep = deps.sleep ?? defaultSleep;
		this.#random = deps.random ?? Math.random;
		this.#checkpointFs = deps.checkpointFs;
		this.#options = {
			circuitBreaker: options.circuitBreaker ?? { threshold: 25, action: "stop" },
			maxAttempts: options.maxAttempts ?? 8,
			backoffBaseMs: options.backoffBaseMs ?? 500,
			backoffCapMs: options.backoffCapMs ?? 30_000,
		};
		this.#stopController = this.#newStopController();
		this.#governor = new Governor({
			...(plan.windowMs === undefined ? {} : { windowMs: plan.windowMs }),
			now: this.#now,
		});
		this.#isUserConcurrency = plan.concurrency !== undefined;
		this.#limit = pLimit(Math.max(1, plan.concurrency ?? 1));
		options.signal?.addEventListener("abort", () => this.stop(), { once: true });
		if (options.signal?.aborted) this.stop();
		this.#running = this.#run();
		this.done = this.#running;
	}

	// ── the handle ────────────────────────────────────────────────────────────

	subscribe(listener: (event: ImportEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	get isPaused(): boolean {
		return this.#paused;
	}

	get concurrency(): number {
		return this.#limit.concurrency;
	}

	pause(): void {
		if (this.#paused || this.#stopController.signal.aborted) return;
		this.#paused = true;
		this.#emit({ type: "pause-requested", at: this.#now() });
		if (this.#onWire === 0) this.#emit({ type: "paused", at: this.#now() });
	}

	resume(): void {
		if (!this.#paused) return;
		this.#paused = false;
		this.#emit({ type: "resumed", at: this.#now() });
		this.#releasePauseWaiters();
	}

	stop(): void {
		if (this.#stopController.signal.aborted) return;
		this.#stopController.abort();
		this.#emit({ type: "stop-requested", at: this.#now() });
		this.#releasePauseWaiters();
	}

	setConcurrency(concurrency: number): void {
		const next = Math.max(1, Math.min(256, Math.round(concurrency)));
		this.#isUserConcurrency = true;
		if (next === this.#limit.concurrency) return;
		this.#limit.concurrency = next;
		this.#emit({ type: "concurrency-changed", at: this.#now(), concurrency: next });
	}

	failures(): readonly FailureDetail[] {
		return [...this.#failures.values()];
	}

	state(pass: PassName, key: string): RecordState | undefined {
		return this.#store?.get(pass, key);
	}

	async retryFailed(
		which?: readonly { readonly pass: PassName; readonly key: string }[],
	): Promise<ImportSummary> {
		await this.#running.catch(() => undefined);
		const chosen = which ? new Set(which.map((r) => `${r.pass}:${r.key}`)) : undefined;
		const selection: RoundSelection = chosen
			? { retry: (pass, key) => chosen.has(`${pass}:${key}`) }
			: EVERY_FAILURE;
		this.#running = this.#retryRound(selection);
		return this.#running;
	}

	#newStopController(): AbortController {
		const controller = new AbortController();
		// Every waiting record listens for the stop: many listeners on one signal is the design.
		setMaxListeners(0, controller.signal);
		return controller;
	}

	// ── the run ───────────────────────────────────────────────────────────────

	async #run(): Promise<ImportSummary> {
		this.#startedAt = this.#now();
		const check = this.#plan.check ?? (await this.#validate());
		for (const pass of PASSES) this.#totals[pass] = check.counts[pass] ?? 0;

		const me = await this.#call(() => this.#client.me({ signal: this.#stopController.signal }));
		if (me === undefined) return this.#finish();

		let store: CheckpointStore;
		try {
			store = await this.#openStore(check);
		} catch (error) {
			// Unreadable, damaged beyond its backup, read-only, or locked: one sentence naming the file, not a crash.
			if (!(error instanceof CheckpointError)) throw error;
			this.#tripRun("checkpoint-failed", error.message);
			return this.#finish();
		}
		this.#store = store;
		this.#index = new CustomerIndex((cursor, signal) => this.#lookupPage(cursor, signal));
		if (!this.#isUserConcurrency) this.#limit.concurrency = defaultConcurrency(this.#governor.limit);
		this.#loadPreviousFailures(store);
		this.#emit({
			type: "run-started",
			at: this.#now(),
			runId: store.header.runId,
			resumed: this.#resumed,
			checkpointPath: store.path,
			concurrency: this.#limit.concurrency,
			totals: { ...this.#totals },
		});
		await this.#passes(this.#plan.retryFailed ? EVERY_FAILURE : RETRYABLE_ON_RESUME);
		return this.#finish();
	}

	async #retryRound(selection: RoundSelection): Promise<ImportSummary> {
		if (!this.#store || this.#trip?.outcome === "auth-failed")
			return this.#summary(this.#trip?.outcome ?? "completed");
		this.#trip = undefined;
		this.#streak = { signature: "", count: 0 };
		// A run the circuit breaker or a checkpoint failure stopped can be retried once the cause is fixed.
		if (this.#stopController.signal.aborted) this.#stopController = this.#newStopController();
		this.#startedAt = this.#now();
		this.#emit({
			type: "run-started",
			at: this.#now(),
			runId: this.#store.header.runId,
			resumed: true,
			checkpointPath: this.#store.path,
			concurrency: this.#limit.concurrency,
			totals: { ...this.#totals },
		});
		await this.#passes(selection);
		return this.#finish();
	}

	#resumed = false;
	// Set by --fresh over an existing checkpoint: every record no uniqueness rule guards is looked up first.
	#isLookingUpAll = false;
	readonly #onboardingsByParent = new Map<string, Promise<readonly Onboarding[]>>();

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

	async #openStore(check: SourceCheckSummary): Promise<CheckpointStore> {
		const path = this.#plan.checkpointPath ?? defaultCheckpointPath(this.#plan.files.customers);
		const sources = Object.fromEntries(
			PASSES.map((pass) => {
				const file = this.#plan.files[pass];
				const sha256 = check.fingerprints[pass];
				return [pass, file && sha256 ? { path: file, sha256, rows: check.counts[pass] ?? 0 } : undefined];
			}),
		) as CheckpointHeader["sources"];
		const header: CheckpointHeader = {
			runId: randomBytes(6).toString("hex"),
			createdAt: new Date(this.#now()).toISOString(),
			keyFingerprint: this.#plan.keyFingerprint,
			baseUrl: this.#plan.baseUrl,
			sources,
		};
		// Starting over on top of an earlier run: its records may be on the server under other keys.
		this.#isLookingUpAll = (this.#plan.fresh ?? false) && existsSync(path);
		const opened = await openCheckpoint({
			path,
			fresh: this.#plan.fresh ?? false,
			create: () => header,
			...(this.#checkpointFs ? { fs: this.#checkpointFs } : {}),
		});
		this.#resumed = opened.resumed;
		if (this.#isLookingUpAll) {
			this.#notice(
				"info",
				"Started over: the earlier checkpoint was set aside, so customers without a slug and onboardings are looked up before they are sent.",
			);
		}
		if (opened.recoveredFrom) {
			this.#notice(
				"warn",
				`The checkpoint was damaged; resumed from its last good copy ${opened.recoveredFrom}.`,
			);
		}
		if (opened.resumed) {
			let mismatch = checkpointMismatch(opened.store.header, header);
			// A revoked or rotated key is replaced by another key of the same workspace, and only
			// resuming keeps the run id (the idempotency keys) and the in-doubt lookups: starting
			// over would create unguarded records twice.
			if (mismatch === ANOTHER_KEY && (await this.#isSameWorkspace(opened.store))) mismatch = undefined;
			if (mismatch) {
				await opened.store.close();
				throw new InputError(
					`${path} belongs to another import (${mismatch}); run again with --fresh to set it aside and start over, or use --checkpoint to pick another file.`,
				);
			}
		}
		return opened.store;
	}

	/**
	 * Can this key see what the checkpoint's key created? The API answers 404 for another
	 * workspace's records, so one customer the checkpoint holds as done settles it. With none
	 * done, nothing was confirmed created anywhere and any workspace may carry on.
	 */
	async #isSameWorkspace(store: CheckpointStore): Promise<boolean> {
		let id: string | undefined;
		for (const [, state] of store.entries("customers")) {
			if (state.s === "done") {
				id = state.id;
				break;
			}
		}
		if (id === undefined) return true;
		const customerId = id;
		try {
			await this.#paced(() => this.#client.getCustomer(customerId, { signal: this.#stopController.signal }));
			return true;
		} catch {
			return false;
		}
	}

	#loadPreviousFailures(store: CheckpointStore): void {
		for (const pass of PASSES) {
			for (const [key, state] of store.entries(pass)) {
				if (state.s === "failed") this.#failures.set(`${pass}:${key}`, failureFrom(pass, key, 0, state, {}));
			}
		}
	}

	async #passes(selection: RoundSelection): Promise<void> {
		for (const pass of PASSES) {
			if (this.#isOver()) return;
			const file = this.#plan.files[pass];
			if (!file) continue;
			await this.#pass(pass, file, selection);
		}
	}

	#isOver(): boolean {
		return this.#stopController.signal.aborted || this.#trip !== undefined;
	}

	async #pass(pass: PassName, file: string, selection: RoundSelection): Promise<void> {
		const store = this.#requireStore();
		const already = this.#tallyFinal(pass, selection);
		const claimed = pass === "onboardings" ? this.#doneIds(pass) : new Set<string>();
		this.#emit({ type: "pass-started", at: this.#now(), pass, total: this.#totals[pass], already });
		// Records being worked on, and the dispatch loop's wake-up when one finishes: the loop is
		// the only waiter, so one slot suffices.
		let active = 0;
		let wake: (() => void) | undefined;
		const finished = () => {
			active -= 1;
			const resume = wake;
			wake = undefined;
			resume?.();
		};
		const slotFreed = () =>
			new Promise<void>((resolve) => {
				wake = resolve;
			});
		for await (const record of readRecords(file, pass)) {
			if (this.#isOver()) break;
			const state = store.get(pass, record.key);
			if (state?.s === "failed") this.#describeEarlierFailure(pass, record, state);
			if (!this.#shouldSend(pass, record, state, selection)) continue;
			while (active >= this.#limit.concurrency) await slotFreed();
			if (!(this.#isOpen() || (await this.#gate()))) break;
			active += 1;
			void this.#limit(() => this.#send(pass, record, claimed)).finally(finished);
		}
		while (active > 0) await slotFreed();
		if (!this.#isOver()) this.#emit({ type: "pass-finished", at: this.#now(), pass });
	}

	/**
	 * A failure the checkpoint brought from an earlier session knows only its outcome: the
	 * record, met again while streaming the pass, adds its line, cells and request body.
	 */
	#describeEarlierFailure(
		pass: PassName,
		record: SourceRecord,
		state: Extract<RecordState, { s: "failed" }>,
	) {
		const id = `${pass}:${record.key}`;
		const known = this.#failures.get(id);
		if (known && known.line !== 0) return;
		const parent =
			record.parentKey === undefined ? undefined : this.#store?.get("customers", record.parentKey);
		const body =
			pass === "onboardings" && parent?.s === "done"
				? { customer_id: parent.id, ...record.body }
				: record.body;
		this.#failures.set(id, {
			...failureFrom(pass, record.key, record.line, state, record.columns),
			requestBody: JSON.stringify(body),
		});
	}

	/** Final states of a pass that this round leaves alone. */
	#tallyFinal(pass: PassName, selection: RoundSelection): PassTally {
		const store = this.#requireStore();
		const tally = { created: 0, existed: 0, failed: 0, blocked: 0 };
		for (const [key, state] of store.entries(pass)) {
			if (state.s === "done") tally[state.outcome] += 1;
			else if (state.s === "failed" && !selection.retry(pass, key, state)) tally.failed += 1;
			else if (state.s === "blocked" && store.get("customers", state.parentKey)?.s !== "done")
				tally.blocked += 1;
		}
		return tally;
	}

	#shouldSend(
		pass: PassName,
		record: SourceRecord,
		state: RecordState | undefined,
		selection: RoundSelection,
	) {
		if (state === undefined || state.s === "sent") return true;
		if (state.s === "done") return false;
		if (state.s === "failed") return selection.retry(pass, record.key, state);
		// Blocked: worth another look only once its parent made it.
		return this.#requireStore().get("customers", state.parentKey)?.s === "done";
	}

	#doneIds(pass: PassName): Set<string> {
		const ids = new Set<string>();
		for (const [, state] of this.#requireStore().entries(pass)) if (state.s === "done") ids.add(state.id);
		return ids;
	}

	// ── one record ────────────────────────────────────────────────────────────

	async #send(pass: PassName, record: SourceRecord, claimed: Set<string>): Promise<void> {
		const store = this.#requireStore();
		const id = `${pass}:${record.key}`;
		const previous = store.get(pass, record.key);
		let parentId: string | undefined;
		if (pass !== "customers") {
			const parent = record.parentKey === undefined ? undefined : store.get("customers", record.parentKey);
			if (parent?.s !== "done") {
				const parentKey = record.parentKey ?? "";
				if (!this.#save(pass, record.key, { s: "blocked", parentKey })) return;
				this.#emit({ type: "record-blocked", at: this.#now(), pass, key: record.key, parentKey });
				return;
			}
			parentId = parent.id;
		}

		// A previous run may have created it and the server may have forgotten the key since:
		// records no uniqueness rule guards are looked up first.
		const isInDoubt =
			!this.#sentHere.has(id) &&
			((this.#isLookingUpAll && previous === undefined) ||
				previous?.s === "sent" ||
				(previous?.s === "failed" && previous.retryable && previous.status !== 429));
		if (isInDoubt) {
			const found = await this.#findExisting(pass, record, parentId, claimed);
			if (found === null) return;
			if (found !== undefined) {
				this.#succeed(pass, record, "existed", found, previous?.s === "sent" ? previous.attempts : 0);
				return;
			}
		}

		const body = pass === "onboardings" ? { customer_id: parentId, ...record.body } : record.body;
		const text = JSON.stringify(body);
		const key = idempotencyKey(store.header.runId, pass, record.key);
		let attempts = previous?.s === "sent" || previous?.s === "failed" ? previous.attempts : 0;
		let transient = 0;
		let keyInUse = 0;
		this.#sentHere.add(id);

		for (;;) {
			if (!(this.#isOpen() || (await this.#gate()))) return;
			// Most of the time a slot is free: take it without a trip through the microtask queue.
			const permit =
				this.#governor.tryAcquire() ??
				(await this.#governor.acquire(this.#stopController.signal, (until) =>
					this.#waitingForSlot(pass, record, attempts + 1, until),
				));
			if (!permit) return;
			// A pause that came while this record waited for its slot holds it before it is sent.
			if (this.#paused) {
				this.#governor.release(permit, { rateLimited: true });
				continue;
			}
			attempts += 1;
			// Written before the request leaves only where a resume must know to look the record up.
			if (!this.#save(pass, record.key, { s: "sent", attempts }, isGuarded(pass, record))) {
				this.#governor.release(permit, { rateLimited: true });
				return;
			}
			this.#emit({
				type: "request-started",
				at: this.#now(),
				pass,
				key: record.key,
				line: record.line,
				attempt: attempts,
			});
			const outcome = await this.#attempt(permit, () => this.#create(pass, parentId, text, key));
			if (outcome.ok) {
				if (pass === "customers") this.#index?.remember(outcome.value.data as unknown as Customer);
				this.#succeed(pass, record, "created", outcome.value.data.id, attempts);
				return;
			}
			const error = outcome.error;
			if (error instanceof ApiError) {
				if (error.status === 429) {
					this.#waiting(pass, record.key, attempts, "retry-after", this.#governor.blockedUntil, "429");
					continue;
				}
				if (error.status === 401 || error.status === 403) {
					this.#tripRun(
						"auth-failed",
						`The API key was refused (${error.status} ${error.code}); nothing more was sent. Check the key, then run the same command again to resume.`,
					);
					return;
				}
				if (error.status === 409) {
					const existing = await this.#existingOnConflict(pass, record, error);
					if (existing === null) return;
					if (existing !== undefined) {
						this.#succeed(pass, record, "existed", existing, attempts);
						return;
					}
					if (error.code === "idempotency_key_in_use" && keyInUse < 5) {
						keyInUse += 1;
						const until = this.#now() + 1000 + Math.floor(this.#random() * 1000);
						this.#waiting(pass, record.key, attempts, "key-in-use", until, "409");
						await this.#sleep(until - this.#now(), this.#stopController.signal);
						continue;
					}
				}
				if (error.status < 500) {
					this.#fail(pass, record, text, attempts, {
						status: error.status,
						code: error.code,
						message: error.message,
						field: error.field,
						retryable: false,
						response: error.responseBody,
					});
					return;
				}
			} else if (error instanceof NetworkError && error.reason === "aborted") {
				return;
			} else if (!(error instanceof NetworkError)) {
				this.#fail(pass, record, text, attempts, {
					status: null,
					code: "unexpected_error",
					message: error instanceof Error ? error.message : String(error),
					retryable: true,
				});
				return;
			}
			// 5xx, resets, timeouts: the write may or may not have happened; the same key and bytes make a retry safe.
			transient += 1;
			const cause = error instanceof ApiError ? String(error.status) : error.reason;
			if (transient >= this.#options.maxAttempts) {
				this.#fail(pass, record, text, attempts, {
					status: error instanceof ApiError ? error.status : null,
					code: error instanceof ApiError ? error.code : `network_${error.reason}`,
					message: `gave up after ${attempts} attempts: ${error.message}`,
					retryable: true,
					response: error instanceof ApiError ? error.responseBody : undefined,
				});
				return;
			}
			const delay = this.#backoff(transient);
			this.#waiting(pass, record.key, attempts, "backoff", this.#now() + delay, cause);
			await this.#sleep(delay, this.#stopController.signal);
		}
	}

	#create(
		pass: PassName,
		parentId: string | undefined,
		text: string,
		key: string,
	): Promise<ApiOk<{ readonly id: string }>> {
		switch (pass) {
			case "customers":
				return this.#client.createCustomer(text, key);
			case "contacts":
				return this.#client.createContact(parentId ?? "", text, key);
			case "onboardings":
				return this.#client.createOnboarding(text, key);
		}
	}

	/** One request under a governor permit: the permit is handed back with what the server said. */
	async #attempt<T>(
		permit: Permit,
		request: () => Promise<ApiOk<T>>,
	): Promise<{ ok: true; value: ApiOk<T> } | { ok: false; error: unknown }> {
		const started = this.#now();
		this.#onWire += 1;
		try {
			const value = await request();
			this.#governor.release(permit, { rateLimited: false, rateLimit: value.rateLimit, isCounted: true });
			this.#responded(value.status, started, value.rateLimit);
			return { ok: true, value };
		} catch (error) {
			const rateLimit = error instanceof ApiError ? error.rateLimit : undefined;
			const isRateLimited = error instanceof ApiError && error.status === 429;
			this.#governor.release(permit, { rateLimited: isRateLimited, rateLimit });
			this.#responded(error instanceof ApiError ? error.status : 0, started, rateLimit);
			if (isRateLimited) {
				const until = this.#now() + (error.retryAfterMs ?? 1000);
				this.#governor.block(until);
				this.#emit({ type: "rate-limited", at: this.#now(), untilMs: until });
				this.#store?.addCounters({ rateLimited: 1 });
			}
			return { ok: false, error };
		} finally {
			this.#onWire -= 1;
			if (this.#paused && this.#onWire === 0) this.#emit({ type: "paused", at: this.#now() });
		}
	}

	#responded(status: number, started: number, rateLimit: RateLimit | undefined): void {
		const now = this.#now();
		const duration = now - started;
		this.#store?.addCounters({ requests: 1 });
		this.#emit({
			type: "response",
			at: now,
			status,
			durationMs: duration,
			rateLimit,
			windowMs: this.#governor.windowMs,
			windowSource: this.#governor.windowSource,
		});
		this.#latencyEwma = this.#responses === 0 ? duration : this.#latencyEwma * 0.9 + duration * 0.1;
		this.#responses += 1;
		if (this.#responses % 50 === 0) this.#followLatency();
	}

	/** Keep enough requests in flight to sustain the key's rate at the latency we see. */
	#followLatency(): void {
		const limit = this.#governor.limit;
		if (this.#isUserConcurrency || limit === undefined) return;
		const perMs = limit / this.#governor.windowMs;
		const needed = Math.ceil(perMs * this.#latencyEwma * 1.5) + 2;
		if (needed > this.#limit.concurrency) {
			this.#limit.concurrency = Math.min(64, needed);
			this.#emit({ type: "concurrency-changed", at: this.#now(), concurrency: this.#limit.concurrency });
		}
	}

	#backoff(failures: number): number {
		const ceiling = Math.min(this.#options.backoffCapMs, this.#options.backoffBaseMs * 2 ** (failures - 1));
		return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
	}

	/**
	 * A 409 that says the record is already there: the customer's slug (adopt that customer) or
	 * the contact's e-mail. Resolves the existing id, undefined when it is another conflict, or
	 * null when the run is over.
	 */
	async #existingOnConflict(
		pass: PassName,
		record: SourceRecord,
		error: ApiError,
	): Promise<string | undefined | null> {
		if (pass === "contacts" && error.code === "email_taken") return "";
		if (pass !== "customers" || error.code !== "slug_taken") return undefined;
		const slug = record.body.slug;
		if (typeof slug !== "string") return undefined;
		const index = this.#index!;
		try {
			await index.load(this.#stopController.signal);
			if (index.bySlug(slug) === undefined) {
				index.invalidate();
				await index.load(this.#stopController.signal);
			}
		} catch (lookupError) {
			if (this.#isOver()) return null;
			throw lookupError;
		}
		return index.bySlug(slug);
	}

	/**
	 * Look up a record a previous run may have created. Undefined: not found (send it); a
	 * string: its id; null: the run is over.
	 */
	async #findExisting(
		pass: PassName,
		record: SourceRecord,
		parentId: string | undefined,
		claimed: Set<string>,
	): Promise<string | undefined | null> {
		try {
			if (pass === "customers" && typeof record.body.slug !== "string") {
				await this.#index!.load(this.#stopController.signal);
				return this.#index!.byExternalId(record.key);
			}
			if (pass === "onboardings" && parentId !== undefined) {
				const found = await this.#findOnboarding(parentId, record, claimed);
				if (found) {
					claimed.add(found);
					this.#notice(
						"info",
						`onboarding ${record.key} was already created by an earlier run; adopted ${found}`,
					);
				}
				return found;
			}
			// Customers with a slug and contacts: their uniqueness rule answers a re-send.
			return undefined;
		} catch (error) {
			if (this.#isOver()) return null;
			const message = error instanceof Error ? error.message : String(error);
			this.#notice("warn", `could not look up ${pass} ${record.key} before re-sending it: ${message}`);
			return undefined;
		}
	}

	async #findOnboarding(
		parentId: string,
		record: SourceRecord,
		claimed: Set<string>,
	): Promise<string | undefined> {
		const existing = await this.#onboardingsOf(parentId, record.parentKey ?? parentId);
		return existing.find((o) => !claimed.has(o.id) && matchesOnboarding(o, record.body))?.id;
	}

	/** A customer's onboardings on the server, walked once per customer and run. */
	#onboardingsOf(parentId: string, parentKey: string): Promise<readonly Onboarding[]> {
		let walk = this.#onboardingsByParent.get(parentId);
		if (!walk) {
			walk = this.#walkOnboardings(parentId, parentKey);
			walk.catch(() => this.#onboardingsByParent.delete(parentId));
			this.#onboardingsByParent.set(parentId, walk);
		}
		return walk;
	}

	async #walkOnboardings(parentId: string, parentKey: string): Promise<readonly Onboarding[]> {
		const what = `onboardings of ${parentKey}`;
		this.#emit({ type: "lookup", at: this.#now(), pass: "onboardings", what, phase: "started" });
		const found: Onboarding[] = [];
		let cursor: string | undefined;
		do {
			const page = await this.#paced(() =>
				this.#client.listCustomerOnboardings(
					parentId,
					cursor === undefined ? { limit: 100 } : { limit: 100, cursor },
				),
			);
			found.push(...page.data);
			cursor = page.has_more && page.next_cursor !== null ? page.next_cursor : undefined;
		} while (cursor !== undefined);
		this.#emit({
			type: "lookup",
			at: this.#now(),
			pass: "onboardings",
			what,
			phase: "finished",
			found: found.length,
		});
		return found;
	}

	#lookupPage(cursor: string | undefined, signal?: AbortSignal): Promise<ListPage<Customer>> {
		return this.#paced(() =>
			this.#client.listCustomers(
				cursor === undefined ? { limit: 100 } : { limit: 100, cursor },
				signal ? { signal } : {},
			),
		);
	}

	/** A read under the governor, retried on 429 and transient faults; throws on anything else. */
	async #paced<T>(request: () => Promise<ApiOk<T>>): Promise<T> {
		let transient = 0;
		for (;;) {
			const permit = await this.#governor.acquire(this.#stopController.signal);
			if (!permit) throw new Error("stopped");
			const outcome = await this.#attempt(permit, request);
			if (outcome.ok) return outcome.value.data;
			const error = outcome.error;
			if (error instanceof ApiError && error.status === 429) continue;
			if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
				this.#tripRun(
					"auth-failed",
					`The API key was refused (${error.status} ${error.code}); nothing more was sent.`,
				);
				throw error;
			}
			const isTransient = (error instanceof ApiError && error.status >= 500) || error instanceof NetworkError;
			transient += 1;
			if (!isTransient || transient >= this.#options.maxAttempts) throw error;
			await this.#sleep(this.#backoff(transient), this.#stopController.signal);
			if (this.#isOver()) throw error;
		}
	}

	/** The opening `GET /me`: learns the limit, proves the key. Undefined when the run cannot go on. */
	async #call<T>(request: () => Promise<ApiOk<T>>): Promise<T | undefined> {
		try {
			return await this.#paced(request);
		} catch (error) {
			if (this.#trip || this.#isOver()) return undefined;
			if (error instanceof ApiError) {
				this.#tripRun("interrupted", `The API answered ${error.status} ${error.code}: ${error.message}`);
			} else if (error instanceof NetworkError) {
				this.#tripRun("interrupted", `${error.message} Check --base-url and the network, then run again.`);
			} else throw error;
			return undefined;
		}
	}

	#succeed(
		pass: PassName,
		record: SourceRecord,
		outcome: "created" | "existed",
		id: string,
		attempts: number,
	): void {
		this.#streak = { signature: "", count: 0 };
		if (!this.#save(pass, record.key, { s: "done", outcome, id, attempts })) return;
		this.#failures.delete(`${pass}:${record.key}`);
		this.#store?.addCounters(outcome === "created" ? { created: 1 } : { existed: 1 });
		this.#emit({ type: "record-done", at: this.#now(), pass, key: record.key, outcome, id, attempts });
	}

	#fail(
		pass: PassName,
		record: SourceRecord,
		requestBody: string,
		attempts: number,
		failure: {
			status: number | null;
			code: string;
			message: string;
			field?: string | undefined;
			retryable: boolean;
			response?: unknown;
		},
	): void {
		const state: RecordState = {
			s: "failed",
			status: failure.status,
			code: failure.code,
			message: failure.message,
			...(failure.field === undefined ? {} : { field: failure.field }),
			attempts,
			retryable: failure.retryable,
		};
		if (!this.#save(pass, record.key, state)) return;
		this.#store?.addCounters({ failed: 1 });
		this.#failures.set(`${pass}:${record.key}`, {
			...failureFrom(pass, record.key, record.line, state, record.columns),
			requestBody,
			response: failure.response,
		});
		this.#emit({
			type: "record-failed",
			at: this.#now(),
			pass,
			key: record.key,
			line: record.line,
			status: failure.status,
			code: failure.code,
			message: failure.message,
			attempts,
		});
		if (!failure.retryable) this.#countStreak(pass, failure);
	}

	#countStreak(
		pass: PassName,
		failure: { status: number | null; code: string; field?: string | undefined },
	): void {
		const signature = `${pass} ${failure.status} ${failure.code}${failure.field ? ` (field ${failure.field})` : ""}`;
		this.#streak =
			this.#streak.signature === signature
				? { signature, count: this.#streak.count + 1 }
				: { signature, count: 1 };
		const { threshold, action } = this.#options.circuitBreaker;
		if (this.#streak.count < threshold) return;
		const message = `${this.#streak.count} ${pass} in a row failed with ${failure.status} ${failure.code}${failure.field ? ` on ${failure.field}` : ""}; stopped before failing the rest the same way. Fix the cause, then retry the failed records (the failures screen, or the same command with --retry-failed).`;
		this.#streak = { signature: "", count: 0 };
		if (action === "pause") {
			this.#notice("error", message.replace("stopped", "paused"));
			this.pause();
		} else {
			this.#tripRun("circuit-open", message);
		}
	}

	#waiting(
		pass: PassName,
		key: string,
		attempt: number,
		reason: "retry-after" | "backoff" | "key-in-use",
		untilMs: number,
		cause: string,
	): void {
		this.#store?.addCounters({ retries: 1 });
		this.#emit({ type: "request-waiting", at: this.#now(), pass, key, attempt, reason, untilMs, cause });
	}

	/** Waiting for a slot in the window, or for a 429's hold to end: not a retry, a reason to show. */
	#waitingForSlot(pass: PassName, record: SourceRecord, attempt: number, untilMs: number): void {
		const now = this.#now();
		const isHeld = this.#governor.blockedUntil > now;
		this.#emit({
			type: "request-waiting",
			at: now,
			pass,
			key: record.key,
			line: record.line,
			attempt,
			reason: "slot",
			// Infinite: only an answer in flight can free a slot, so no time can be promised.
			untilMs: Number.isFinite(untilMs) ? untilMs : now,
			cause: isHeld ? "429" : "window full",
		});
	}

	/** Write one record's state; a checkpoint that cannot be written stops the run. */
	#save(
		pass: PassName,
		key: string,
		state: RecordState,
		// Losing a done or blocked line to a kill costs a re-send that its key, a uniqueness rule
		// or a look-up answers; failures are rare and worth keeping at once.
		isDeferred = state.s === "done" || state.s === "blocked",
	): boolean {
		try {
			this.#requireStore().set(pass, key, state, { isDeferred });
			return true;
		} catch (error) {
			if (!(error instanceof CheckpointError)) throw error;
			this.#tripRun("checkpoint-failed", `${error.message} Stopped so that no progress goes unrecorded.`);
			return false;
		}
	}

	#tripRun(outcome: RunOutcome, message: string): void {
		if (this.#trip) return;
		this.#trip = { outcome, message };
		this.#notice("error", message);
		this.#stopController.abort();
		this.#releasePauseWaiters();
	}

	/** Hold while paused; false once the run is stopping. */
	/** Neither paused nor over: the common case, answered without awaiting. */
	#isOpen(): boolean {
		return !this.#paused && !this.#isOver();
	}

	async #gate(): Promise<boolean> {
		while (this.#paused && !this.#isOver()) {
			await new Promise<void>((resolve) => this.#pauseWaiters.push(resolve));
		}
		return !this.#isOver();
	}

	#releasePauseWaiters(): void {
		const waiters = this.#pauseWaiters;
		this.#pauseWaiters = [];
		for (const wake of waiters) wake();
	}

	async #finish(): Promise<ImportSummary> {
		const outcome: RunOutcome =
			this.#trip?.outcome ?? (this.#stopController.signal.aborted ? "interrupted" : "completed");
		const message =
			this.#trip?.message ??
			(outcome === "interrupted"
				? "Stopped; the checkpoint is saved and the same command resumes."
				: undefined);
		if (this.#store) {
			try {
				this.#store.flush();
				this.#store.compact();
			} catch (error) {
				if (!(error instanceof CheckpointError)) throw error;
				this.#notice("error", error.message);
			}
		}
		this.#emit({ type: "run-finished", at: this.#now(), outcome, ...(message ? { message } : {}) });
		return this.#summary(outcome, message);
	}

	#summary(outcome: RunOutcome, message?: string): ImportSummary {
		const store = this.#store;
		const passes = Object.fromEntries(
			PASSES.map((pass): [PassName, PassSummary] => {
				const total = this.#totals[pass];
				const c = store?.count(pass) ?? { done: 0, created: 0, existed: 0, failed: 0, blocked: 0 };
				const final = c.created + c.existed + c.failed + c.blocked;
				return [
					pass,
					{
						total,
						created: c.created,
						existed: c.existed,
						failed: c.failed,
						blocked: c.blocked,
						pending: Math.max(0, total - final),
						checkpointDone: c.created + c.existed,
					},
				];
			}),
		) as Record<PassName, PassSummary>;
		const failuresByCode: Record<string, number> = {};
		for (const failure of this.#failures.values()) {
			failuresByCode[failure.code] = (failuresByCode[failure.code] ?? 0) + 1;
		}
		const counters = store?.counters();
		return {
			outcome,
			message,
			runId: store?.header.runId ?? "",
			checkpointPath:
				store?.path ?? this.#plan.checkpointPath ?? defaultCheckpointPath(this.#plan.files.customers),
			passes,
			failuresByCode,
			requests: counters?.requests ?? 0,
			rateLimited: counters?.rateLimited ?? 0,
			retries: counters?.retries ?? 0,
			elapsedMs: this.#now() - this.#startedAt,
		};
	}

	/** Close the checkpoint file. The CLI calls it once it has written its reports. */
	async close(): Promise<void> {
		try {
			await this.#store?.close();
		} catch (error) {
			// The disk that stopped the run refuses the last compaction too; every update that was
			// written is in the journal, so the checkpoint still resumes.
			if (!(error instanceof CheckpointError)) throw error;
			this.#notice("error", error.message);
		}
	}

	#notice(level: "info" | "warn" | "error", message: string): void {
		this.#emit({ type: "notice", at: this.#now(), level, message });
	}

	#emit(event: ImportEvent): void {
		for (const listener of this.#listeners) listener(event);
	}

	#requireStore(): CheckpointStore {
		if (!this.#store) throw new Error("checkpoint not open");
		return this.#store;
	}
}

function failureFrom(
	pass: PassName,
	key: string,
	line: number,
	state: Extract<RecordState, { s: "failed" }>,
	columns: Readonly<Record<string, string>>,
): FailureDetail {
	return {
		pass,
		key,
		line,
		status: state.status,
		code: state.code,
		message: state.message,
		field: state.field,
		attempts: state.attempts,
		columns,
	};
}

/**
 * Does a uniqueness rule answer a second create of this record (customer slug, contact
 * e-mail)? If so, a resume may simply send it again; otherwise it must be looked up first.
 */
function isGuarded(pass: PassName, record: SourceRecord): boolean {
	if (pass === "contacts") return true;
	if (pass === "customers") return typeof record.body.slug === "string";
	return false;
}

/** Why a checkpoint cannot be resumed by this import, or undefined when it can. */
function checkpointMismatch(saved: CheckpointHeader, current: CheckpointHeader): string | undefined {
	for (const pass of PASSES) {
		const was = saved.sources[pass];
		const now = current.sources[pass];
		if (was?.sha256 !== now?.sha256) {
			return was && now ? `the ${pass} file changed since it was written` : `the ${pass} file differs`;
		}
	}
	if (saved.baseUrl !== current.baseUrl) return `it was made against ${saved.baseUrl}`;
	if (saved.keyFingerprint !== current.keyFingerprint) return ANOTHER_KEY;
	return undefined;
}

const ANOTHER_KEY = "it was made with another API key, which cannot see the customers it created";

/** Does an onboarding on the server carry every field this record sets? */
function matchesOnboarding(onboarding: Onboarding, body: Readonly<Record<string, unknown>>): boolean {
	for (const [field, value] of Object.entries(body)) {
		const actual = onboarding[field];
		if (field === "target_launch_date" && typeof value === "string" && typeof actual === "string") {
			if (!actual.startsWith(value.slice(0, 10))) return false;
		} else if (JSON.stringify(actual) !== JSON.stringify(value)) {
			return false;
		}
	}
	return true;
}
