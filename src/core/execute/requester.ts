/**
 * Every request of a run goes through here: a governor permit from a key with headroom, the
 * pause gate, the call, the answer handed back to that key's governor, the 429 hold, and the
 * retries the policy decides. Callers get the final answer or the final error.
 */

import { ApiError } from "../../api/errors.js";
import type { ApiOk, PivotalClient, RateLimit } from "../../api/types.js";
import type { PassName } from "../../model/records.js";
import type { ImportEvent, WaitReason } from "../events.js";
import type { Governor, Permit } from "../governor.js";
import { type AskBudget, MAX_ASKS_PER_RUN, pinClock } from "./clock-pin.js";
import { type AttemptCounts, decide, type RetryPolicy, type Verdict } from "./retry-policy.js";
import type { RunControl } from "./run-control.js";
import { clampedWaitNotice } from "./wait-notice.js";

/** One API key of the run, with its own governor. */
export interface Lane {
	readonly client: PivotalClient;
	readonly governor: Governor;
	/** The masked key, for the screen. */
	readonly label: string;
	readonly fingerprint: string;
	isAlive: boolean;
}

/** The record a request is for, for the in-flight table; lookups have none. */
export interface RequestSubject {
	readonly pass: PassName;
	readonly key: string;
	readonly line: number;
}

export interface SendOptions {
	readonly subject?: RequestSubject | undefined;
	/** Attempts made for this record by earlier runs. @default 0 */
	readonly attemptsBefore?: number;
	/** Runs before each attempt, once a permit is held; false gives the permit back and ends. */
	readonly beforeAttempt?: ((attempt: number) => boolean) | undefined;
	/** The key that sent it last: an in-doubt record goes through it again while it works. */
	readonly lane?: Lane | undefined;
	/** What a request with no subject is, for its retries' event (e.g. "GET /me"). @default "a look-up" */
	readonly what?: string | undefined;
	/**
	 * A redirect ends it at once instead of being retried as a misconfigured server: the opening
	 * `GET /me`, where it means --base-url points at the wrong place.
	 */
	readonly isRedirectFinal?: boolean | undefined;
}

export type SendResult<T> =
	| { readonly ok: true; readonly value: ApiOk<T>; readonly attempts: number; readonly lane: Lane }
	| {
			readonly ok: false;
			readonly error: unknown;
			/** `aborted` also when the run stopped before an attempt. */
			readonly verdict: Verdict;
			readonly attempts: number;
	  };

export interface RequesterDeps {
	readonly lanes: readonly Lane[];
	readonly control: RunControl;
	readonly policy: RetryPolicy;
	readonly now: () => number;
	readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	readonly random: () => number;
	readonly emit: (event: ImportEvent) => void;
	readonly count: (counters: Readonly<Record<string, number>>) => void;
	/**
	 * Before a request leaves: whether every state update so far is durable (awaited when the
	 * store writes over the network). False stops the send: the state could not be written.
	 */
	readonly durable?: (() => boolean | Promise<boolean>) | undefined;
	/** A key was refused; the run goes on with the others. */
	readonly onLaneLost: (lane: Lane, error: ApiError) => void;
}

const STOPPED: Verdict = { kind: "aborted" };
// Shared, never written to: a send replaces its counts rather than changing them.
const NO_ATTEMPTS: AttemptCounts = Object.freeze({ transient: 0, keyInUse: 0 });
const ONE_REQUEST: Readonly<Record<string, number>> = Object.freeze({ requests: 1 });
/** A 3xx answer: never followed, the key would go where it points. */
function isRedirect(error: unknown): boolean {
	return error instanceof ApiError && error.status >= 300 && error.status < 400;
}

const ONE_RETRY: Readonly<Record<string, number>> = Object.freeze({ retries: 1 });
const ONE_RATE_LIMITED: Readonly<Record<string, number>> = Object.freeze({ rateLimited: 1 });

export class Requester {
	readonly #deps: RequesterDeps;
	#turn = 0;
	// Keys whose client is asking the server's clock now (see clock-pin.ts), and what each may still ask.
	readonly #pinning = new Set<Lane>();
	readonly #clockAsks = new Map<Lane, AskBudget>();
	// A clamped wait is said once per run: a hostile server would otherwise say it on every answer.
	#isClampSaid = false;

	constructor(deps: RequesterDeps) {
		this.#deps = deps;
	}

	get lanes(): readonly Lane[] {
		return this.#deps.lanes;
	}

	/** The first working key's governor: the limit and window the run is paced to. */
	get governor(): Governor | undefined {
		return this.#deps.lanes.find((lane) => lane.isAlive)?.governor;
	}

	/** Requests per window over the working keys. */
	get limit(): number | undefined {
		let sum: number | undefined;
		for (const lane of this.#deps.lanes) {
			if (lane.isAlive && lane.governor.limit !== undefined) sum = (sum ?? 0) + lane.governor.limit;
		}
		return sum;
	}

	async send<T>(
		call: (client: PivotalClient) => Promise<ApiOk<T>>,
		options: SendOptions = {},
	): Promise<SendResult<T>> {
		const { control, policy, random, emit, now } = this.#deps;
		const subject = options.subject;
		let attempts = options.attemptsBefore ?? 0;
		let counts = NO_ATTEMPTS;
		let lane = options.lane;
		for (;;) {
			const isOpen = control.gate();
			if (!(isOpen === true || (await isOpen)))
				return { ok: false, error: undefined, verdict: STOPPED, attempts };
			// Most of the time a slot is free: taken without a trip through the microtask queue.
			const held =
				this.#freePermit(lane) ??
				(await this.#permit(
					lane,
					subject && ((untilMs) => this.#waitingForSlot(subject, attempts + 1, untilMs)),
				));
			if (held === undefined) {
				const isAuth = this.#deps.lanes.every((l) => !l.isAlive);
				return { ok: false, error: undefined, verdict: isAuth ? { kind: "auth" } : STOPPED, attempts };
			}
			// A pause that came while waiting for the slot holds this request too: "paused" means
			// nothing more goes out.
			if (control.isPaused || control.isStopped) {
				held.lane.governor.release(held.permit, { rateLimited: true });
				continue;
			}
			lane = held.lane;
			attempts += 1;
			if (options.beforeAttempt && !options.beforeAttempt(attempts)) {
				lane.governor.release(held.permit, { rateLimited: true });
				return { ok: false, error: undefined, verdict: STOPPED, attempts };
			}
			const durable = this.#deps.durable?.() ?? true;
			if (!(durable === true || (await durable))) {
				lane.governor.release(held.permit, { rateLimited: true });
				return { ok: false, error: undefined, verdict: STOPPED, attempts };
			}
			// Its key was refused while this waited for its slot or for the state: nothing goes out
			// through a key that left the pool; another carries it (its mark stays in doubt).
			if (!lane.isAlive) {
				lane.governor.release(held.permit, { rateLimited: true });
				attempts -= 1;
				lane = undefined;
				continue;
			}
			// The subject is the record itself: its pass, key and line, not its body and cells.
			if (subject) {
				const { pass, key, line } = subject;
				emit({
					type: "request-started",
					at: now(),
					pass,
					key,
					line,
					attempt: attempts,
					keyLabel: lane.label,
				});
			}
			const outcome = await this.#attempt(lane, held.permit, call);
			if (outcome.ok) return { ok: true, value: outcome.value, attempts, lane };
			const verdict = decide(outcome.error, counts, policy, random);
			if (options.isRedirectFinal && verdict.kind === "backoff" && isRedirect(outcome.error))
				return { ok: false, error: outcome.error, verdict: { kind: "fail", retryable: true }, attempts };
			switch (verdict.kind) {
				case "rate-limited":
					this.#waiting(options, attempts, "retry-after", lane.governor.blockedUntil, "429");
					// A 429 was never applied: any key with room may carry the retry.
					if (options.lane === undefined) lane = undefined;
					continue;
				case "backoff":
					counts = { ...counts, transient: counts.transient + 1 };
					this.#waiting(options, attempts, "backoff", now() + verdict.waitMs, verdict.cause);
					await this.#deps.sleep(verdict.waitMs, control.signal);
					continue;
				case "key-in-use":
					counts = { ...counts, keyInUse: counts.keyInUse + 1 };
					this.#waiting(options, attempts, "key-in-use", now() + verdict.waitMs, "409");
					await this.#deps.sleep(verdict.waitMs, control.signal);
					continue;
				case "auth":
					if (lane.isAlive) {
						lane.isAlive = false;
						this.#deps.onLaneLost(lane, outcome.error as ApiError);
					}
					if (this.#deps.lanes.some((l) => l.isAlive)) {
						lane = undefined;
						continue;
					}
					return { ok: false, error: outcome.error, verdict, attempts };
				case "aborted":
				case "fail":
					return { ok: false, error: outcome.error, verdict, attempts };
			}
		}
	}

	/**
	 * A permit at once from `preferred` while it works, else from the first working key with a free
	 * slot; undefined when none has one now (or the run is stopping: `#permit` says which).
	 * Keys take turns, so each one's window is spent and a refused key shows at once.
	 */
	#freePermit(preferred: Lane | undefined): { lane: Lane; permit: Permit } | undefined {
		if (this.#deps.control.signal.aborted) return undefined;
		if (preferred?.isAlive) {
			const permit = preferred.governor.tryAcquire();
			return permit ? { lane: preferred, permit } : undefined;
		}
		const lanes = this.#deps.lanes;
		for (let i = 0; i < lanes.length; i++) {
			const turn = (this.#turn + i) % lanes.length;
			const lane = lanes[turn]!;
			if (!lane.isAlive) continue;
			const permit = lane.governor.tryAcquire();
			if (permit) {
				this.#turn = (turn + 1) % lanes.length;
				return { lane, permit };
			}
		}
		return undefined;
	}

	/**
	 * A permit from `preferred` while it works, else from whichever working key has a slot first.
	 * Undefined when the run stops or no key is left.
	 */
	async #permit(
		preferred: Lane | undefined,
		onWait: ((untilMs: number) => void) | undefined,
	): Promise<{ lane: Lane; permit: Permit } | undefined> {
		const signal = this.#deps.control.signal;
		const lanes = preferred?.isAlive ? [preferred] : this.#deps.lanes.filter((lane) => lane.isAlive);
		if (lanes.length === 0 || signal.aborted) return undefined;
		// Most of the time a slot is free: take it without a trip through the microtask queue.
		// Keys take turns, so each one's window is spent and a refused key shows at once.
		for (let i = 0; i < lanes.length; i++) {
			const lane = lanes[(this.#turn + i) % lanes.length]!;
			const permit = lane.governor.tryAcquire();
			if (permit) {
				this.#turn = (this.#turn + i + 1) % lanes.length;
				return { lane, permit };
			}
		}
		if (lanes.length === 1) {
			const lane = lanes[0]!;
			const permit = await lane.governor.acquire(signal, onWait);
			return permit ? { lane, permit } : undefined;
		}
		// Several keys: the first to open wins; a permit another one grants meanwhile goes back unused.
		const race = new AbortController();
		const onStop = () => race.abort();
		signal.addEventListener("abort", onStop, { once: true });
		let winner: { lane: Lane; permit: Permit } | undefined;
		// The record waits for whichever key frees a slot first: say that key's time.
		let soonest = Number.POSITIVE_INFINITY;
		const onLaneWait = (untilMs: number) => {
			if (untilMs >= soonest) return;
			soonest = untilMs;
			onWait?.(untilMs);
		};
		await Promise.all(
			lanes.map(async (lane) => {
				const permit = await lane.governor.acquire(race.signal, onLaneWait);
				if (!permit) return;
				if (winner === undefined && !signal.aborted) {
					winner = { lane, permit };
					race.abort();
				} else {
					lane.governor.release(permit, { rateLimited: true });
				}
			}),
		);
		signal.removeEventListener("abort", onStop);
		return winner;
	}

	/** One request under a permit: the permit goes back with what the server said. */
	async #attempt<T>(
		lane: Lane,
		permit: Permit,
		call: (client: PivotalClient) => Promise<ApiOk<T>>,
	): Promise<{ ok: true; value: ApiOk<T> } | { ok: false; error: unknown }> {
		const { control, now } = this.#deps;
		const started = now();
		control.wireStarted();
		try {
			const value = await call(lane.client);
			this.#sayClamped({ rateLimit: value.rateLimit });
			lane.governor.release(permit, { rateLimited: false, rateLimit: value.rateLimit, isCounted: true });
			this.#responded(lane, value.status, started, value.rateLimit);
			this.#pinClock(lane);
			return { ok: true, value };
		} catch (error) {
			const rateLimit = error instanceof ApiError ? error.rateLimit : undefined;
			this.#sayClamped({ error });
			const isRateLimited = error instanceof ApiError && error.status === 429;
			lane.governor.release(permit, { rateLimited: isRateLimited, rateLimit });
			this.#responded(lane, error instanceof ApiError ? error.status : 0, started, rateLimit);
			if (isRateLimited) {
				const until = now() + (error.retryAfterMs ?? 1000);
				lane.governor.block(until);
				this.#deps.emit({ type: "rate-limited", at: now(), untilMs: until, keyLabel: lane.label });
				this.#deps.count(ONE_RATE_LIMITED);
			}
			return { ok: false, error };
		} finally {
			control.wireEnded();
		}
	}

	/** The window is full and its bound may be a second long: ask the server's clock, once at a time per key. */
	#pinClock(lane: Lane): void {
		if (this.#pinning.has(lane) || lane.client.health === undefined) return;
		let budget = this.#clockAsks.get(lane);
		if (budget === undefined) {
			budget = { left: MAX_ASKS_PER_RUN };
			this.#clockAsks.set(lane, budget);
		}
		if (budget.left <= 0 || lane.governor.clockPinAt(this.#deps.now()) === undefined) return;
		this.#pinning.add(lane);
		void pinClock(lane.client, lane.governor, this.#deps.now, this.#deps.control.signal, budget).finally(() =>
			this.#pinning.delete(lane),
		);
	}

	#sayClamped(answer: Parameters<typeof clampedWaitNotice>[0]): void {
		if (this.#isClampSaid) return;
		const now = this.#deps.now();
		const message = clampedWaitNotice(answer, now);
		if (message === undefined) return;
		this.#isClampSaid = true;
		this.#deps.emit({ type: "notice", at: now, level: "warn", message });
	}

	#responded(lane: Lane, status: number, started: number, rateLimit: RateLimit | undefined): void {
		const now = this.#deps.now();
		this.#deps.count(ONE_REQUEST);
		this.#deps.emit({
			type: "response",
			at: now,
			status,
			durationMs: now - started,
			rateLimit,
			windowMs: lane.governor.windowMs,
			windowSource: lane.governor.windowSource,
			keyLabel: lane.label,
		});
	}

	/** Waiting for a slot in the window, or for a 429's hold to end: not a retry, a reason to show. */
	#waitingForSlot(subject: RequestSubject, attempt: number, untilMs: number): void {
		const now = this.#deps.now();
		const isHeld = this.#deps.lanes.some((lane) => lane.isAlive && lane.governor.blockedUntil > now);
		this.#deps.emit({
			type: "request-waiting",
			at: now,
			pass: subject.pass,
			key: subject.key,
			line: subject.line,
			attempt,
			reason: "slot",
			// Infinite: only an answer in flight can free a slot, so no time can be promised.
			untilMs: Number.isFinite(untilMs) ? untilMs : now,
			cause: isHeld ? "429" : "window full",
		});
	}

	/** A retry: counted, and shown on the record's row, or as a line for a request with no record. */
	#waiting(options: SendOptions, attempt: number, reason: WaitReason, untilMs: number, cause: string): void {
		// Stopping: nothing is asked again, so nothing says it will be.
		if (this.#deps.control.isStopped) return;
		this.#deps.count(ONE_RETRY);
		const subject = options.subject;
		if (subject === undefined) {
			this.#deps.emit({
				type: "retrying",
				at: this.#deps.now(),
				what: options.what ?? "a look-up",
				attempt,
				maxAttempts: this.#deps.policy.maxAttempts,
				reason,
				untilMs,
				cause,
			});
			return;
		}
		this.#deps.emit({
			type: "request-waiting",
			at: this.#deps.now(),
			pass: subject.pass,
			key: subject.key,
			attempt,
			reason,
			untilMs,
			cause,
		});
	}
}
