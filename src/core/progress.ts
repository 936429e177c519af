import type { RateLimit } from "../api/types.js";
import type { PassName } from "../model/records.js";
import { perPass } from "../model/resources.js";
import {
	emptyPassTally,
	type ImportEvent,
	type PassTally,
	type RunOutcome,
	unreachable,
	type WaitReason,
	type WindowSource,
} from "./events.js";
import { type KeyMap, keyRateLimited } from "./key-headroom.js";
import { emptyPace, type PaceHistory, pauseEnded, pauseStarted } from "./pace-history.js";
import { isRequestEvent, ProgressDraft, type RequestEvent } from "./progress-draft.js";
import { sendingCount } from "./progress-select.js";
import { retryingMessage } from "./retry-message.js";

// The selectors live beside the reducer; screens and reporters import them from here.
export {
	etaMs,
	pacePerMinute,
	paceShownPerMinute,
	passDone,
	passPending,
	passSucceeded,
	passWritten,
	sendingCount,
	totals,
} from "./progress-select.js";

/** A pass's rows by what this run did with them (the tally of `PassTally`), and where it is. */
export interface PassProgress extends PassTally {
	readonly total: number;
	readonly status: "waiting" | "running" | "finished";
}

export interface InFlightRow {
	readonly pass: PassName;
	readonly key: string;
	readonly line: number;
	readonly attempt: number;
	readonly state: "sending" | WaitReason;
	/** When the current state began. */
	readonly since: number;
	/** When a wait ends. */
	readonly untilMs?: number;
	/** What the previous attempt got (for waits). */
	readonly cause?: string;
}

export type RunStatus = "starting" | "running" | "pausing" | "paused" | "stopping" | "finished";

/** Waits that are retries of a request that went out; a wait for a slot is not one. */
const RETRY_REASONS: ReadonlySet<WaitReason> = new Set(["retry-after", "backoff", "key-in-use"]);

export interface ProgressSnapshot {
	readonly runId: string;
	readonly status: RunStatus;
	readonly outcome: RunOutcome | undefined;
	readonly outcomeMessage: string | undefined;
	readonly checkpointPath: string;
	readonly resumed: boolean;
	readonly startedAt: number;
	readonly finishedAt: number | undefined;
	readonly currentPass: PassName | undefined;
	readonly passes: Readonly<Record<PassName, PassProgress>>;
	/** Keyed by `pass:key`. */
	readonly inFlight: ReadonlyMap<string, InFlightRow>;
	readonly headroom: RateLimit | undefined;
	/** The window the governor paces to (learnt from the headers unless given), once an answer said. */
	readonly windowMs: number | undefined;
	readonly windowSource: WindowSource | undefined;
	/** Dispatch is held by a 429 until then. */
	readonly rateLimitedUntil: number | undefined;
	readonly concurrency: number;
	readonly requests: number;
	readonly rateLimited: number;
	readonly retries: number;
	readonly failuresByCode: Readonly<Record<string, number>>;
	/** Answers per second: the last minutes and the whole run, with 429s and pauses. */
	readonly pace: PaceHistory;
	/** The same per key, for answers that said which key sent them. */
	readonly paceByKey: ReadonlyMap<string, PaceHistory>;
	/** Each key's window, answers and 429s by its masked label, in the order the keys were first used. */
	readonly keys: KeyMap;
	/** Recent notable lines, newest last, at most 50. */
	readonly log: readonly LogLine[];
	/** Sent and answered requests for records since this run began (for ETA). */
	readonly recordsFinishedThisRun: number;
	readonly lastEventAt: number;
}

export interface LogLine {
	readonly at: number;
	readonly level: "info" | "warn" | "error";
	readonly message: string;
}

const emptyPass: PassProgress = { total: 0, ...emptyPassTally(), status: "waiting" };

export function initialSnapshot(at = 0): ProgressSnapshot {
	return {
		runId: "",
		status: "starting",
		outcome: undefined,
		outcomeMessage: undefined,
		checkpointPath: "",
		resumed: false,
		startedAt: at,
		finishedAt: undefined,
		currentPass: undefined,
		passes: perPass(() => emptyPass),
		inFlight: new Map(),
		headroom: undefined,
		windowMs: undefined,
		windowSource: undefined,
		rateLimitedUntil: undefined,
		concurrency: 0,
		requests: 0,
		rateLimited: 0,
		retries: 0,
		failuresByCode: {},
		pace: emptyPace(),
		paceByKey: new Map(),
		keys: new Map(),
		log: [],
		recordsFinishedThisRun: 0,
		lastEventAt: at,
	};
}

const MAX_LOG = 50;

function withLog(s: ProgressSnapshot, line: LogLine): readonly LogLine[] {
	const log = s.log.length >= MAX_LOG ? s.log.slice(s.log.length - MAX_LOG + 1) : s.log.slice();
	log.push(line);
	return log;
}

function updatePass(
	s: ProgressSnapshot,
	pass: PassName,
	change: (p: PassProgress) => PassProgress,
): Readonly<Record<PassName, PassProgress>> {
	return { ...s.passes, [pass]: change(s.passes[pass]) };
}

function withoutInFlight(s: ProgressSnapshot, pass: PassName, key: string): ReadonlyMap<string, InFlightRow> {
	const id = `${pass}:${key}`;
	if (!s.inFlight.has(id)) return s.inFlight;
	const next = new Map(s.inFlight);
	next.delete(id);
	return next;
}

/** The pure reducer: every face of the engine (TUI, headless lines, NDJSON summary) reads its result. */
export function reduceProgress(s: ProgressSnapshot, e: ImportEvent): ProgressSnapshot {
	return reduceProgressAll(s, [e]);
}

/**
 * The snapshot after `events`, as `reduceProgress` one at a time would leave it: a run of the
 * events every request brings (progress-draft.ts) is folded into one copy of the snapshot.
 */
export function reduceProgressAll(s: ProgressSnapshot, events: readonly ImportEvent[]): ProgressSnapshot {
	let snapshot = s;
	let draft: ProgressDraft | undefined;
	for (const e of events) {
		if (isRequestEvent(e)) {
			draft ??= new ProgressDraft(snapshot);
			draft.apply(e);
			continue;
		}
		if (draft !== undefined) {
			snapshot = draft.snapshot();
			draft = undefined;
		}
		snapshot = reduceOther(snapshot, e);
	}
	return draft === undefined ? snapshot : draft.snapshot();
}

function reduceOther(s: ProgressSnapshot, e: Exclude<ImportEvent, RequestEvent>): ProgressSnapshot {
	const base = { ...s, lastEventAt: e.at };
	switch (e.type) {
		case "run-started":
			return {
				...initialSnapshot(e.at),
				runId: e.runId,
				status: "running",
				resumed: e.resumed,
				checkpointPath: e.checkpointPath,
				concurrency: e.concurrency,
				passes: perPass((pass) => ({ ...emptyPass, total: e.totals[pass] ?? 0 })),
				log: s.log,
				// What was sent before (the opening's GET /me, its 429s and retries; an earlier round)
				// is this session's too: the report says every request the server saw from it.
				requests: s.requests,
				rateLimited: s.rateLimited,
				retries: s.retries,
				// A retry round of the same run draws on from where the curve was.
				pace: s.pace,
				paceByKey: s.paceByKey,
				keys: s.keys,
				windowMs: s.windowMs,
				windowSource: s.windowSource,
				headroom: s.headroom,
			};
		case "pass-started":
			return {
				...base,
				currentPass: e.pass,
				passes: updatePass(s, e.pass, (p) => ({ ...p, ...e.already, total: e.total, status: "running" })),
			};
		case "pass-finished":
			return { ...base, passes: updatePass(s, e.pass, (p) => ({ ...p, status: "finished" })) };
		case "lookup":
			return e.phase === "finished"
				? {
						...base,
						log: withLog(s, {
							at: e.at,
							level: "info",
							message: `${e.what}: ${e.found ?? 0} found`,
						}),
					}
				: base;
		case "request-waiting": {
			const id = `${e.pass}:${e.key}`;
			const row = s.inFlight.get(id);
			const inFlight = new Map(s.inFlight);
			inFlight.set(id, {
				pass: e.pass,
				key: e.key,
				line: e.line ?? row?.line ?? 0,
				attempt: e.attempt,
				state: e.reason,
				// A slot wait after a slot wait is the same wait, told a new time.
				since: row && row.state === e.reason ? row.since : e.at,
				untilMs: e.untilMs,
				cause: e.cause,
			});
			return { ...base, inFlight, retries: s.retries + (RETRY_REASONS.has(e.reason) ? 1 : 0) };
		}
		case "retrying":
			return {
				...base,
				retries: s.retries + 1,
				log: withLog(s, { at: e.at, level: "warn", message: retryingMessage(e) }),
			};
		case "rate-limited":
			return {
				...base,
				rateLimited: s.rateLimited + 1,
				rateLimitedUntil: Math.max(e.untilMs, s.rateLimitedUntil ?? 0),
				keys: e.keyLabel === undefined ? s.keys : keyRateLimited(s.keys, e.keyLabel, e.untilMs),
			};
		case "record-failed":
			return {
				...base,
				inFlight: withoutInFlight(s, e.pass, e.key),
				passes: updatePass(s, e.pass, (p) => ({ ...p, failed: p.failed + 1 })),
				failuresByCode: { ...s.failuresByCode, [e.code]: (s.failuresByCode[e.code] ?? 0) + 1 },
				recordsFinishedThisRun: s.recordsFinishedThisRun + 1,
			};
		case "records-unchanged":
			return {
				...base,
				passes: updatePass(s, e.pass, (p) => ({ ...p, unchanged: p.unchanged + e.count })),
				recordsFinishedThisRun: s.recordsFinishedThisRun + e.count,
			};
		case "record-blocked":
			return {
				...base,
				passes: updatePass(s, e.pass, (p) => ({ ...p, blocked: p.blocked + 1 })),
			};
		case "pause-requested":
			return {
				...base,
				status: sendingCount(s) === 0 ? "paused" : "pausing",
				pace: pauseStarted(s.pace, e.at),
			};
		case "paused":
			return { ...base, status: "paused", pace: pauseStarted(s.pace, e.at) };
		case "resumed":
			return { ...base, status: "running", pace: pauseEnded(s.pace, e.at) };
		case "stop-requested": {
			// Nothing waiting leaves any more: only the requests on the wire are left to show, and
			// an estimate is moot (the wizard kept 64 rows "waiting for a slot": finding AA5).
			const inFlight = new Map([...s.inFlight].filter(([, row]) => row.state === "sending"));
			return { ...base, status: "stopping", inFlight };
		}
		case "concurrency-changed":
			return { ...base, concurrency: e.concurrency };
		case "notice":
			return { ...base, log: withLog(s, { at: e.at, level: e.level, message: e.message }) };
		case "run-finished":
			return {
				...base,
				status: "finished",
				outcome: e.outcome,
				outcomeMessage: e.message,
				finishedAt: e.at,
				inFlight: new Map(),
				pace: pauseEnded(s.pace, e.at),
				log: e.message ? withLog(s, { at: e.at, level: "warn", message: e.message }) : s.log,
			};
		default:
			return unreachable(e);
	}
}
