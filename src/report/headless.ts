import { type ImportEvent, unreachable } from "../core/events.js";
import { poolHeadroom } from "../core/key-headroom.js";
import {
	etaMs,
	type PassProgress,
	type ProgressSnapshot,
	paceShownPerMinute,
	passDone,
	totals,
} from "../core/progress.js";
import { retryingMessage } from "../core/retry-message.js";
import { PASSES } from "../model/records.js";
import { formatDuration } from "./format.js";

/**
 * How long a stopped headless run lets its requests in flight answer before it gives them up: a
 * service manager sends one SIGTERM and kills a few seconds later (docker 10 s), and a stop must
 * end with its summary and `--notify` well before that, however slow the server is.
 */
export const STOP_GRACE_MS = 5_000;

export interface Writer {
	write(text: string): unknown;
}

/**
 * Failures with nothing sent that are said all the same: they name records in Pivotal the user
 * must look at (several matching one row, one deleted that is there again, a create that landed
 * and is not found: its way out, `--recreate`, is in its message; adversarial finding AF6), which
 * only the run can know.
 */
const SAID_UNSENT: ReadonlySet<string> = new Set(["ambiguous_match", "exists_again", "landed_not_found"]);

/**
 * Plain lines for logs and CI: a progress line at most every `intervalMs`, pass boundaries and
 * notable events at once, one line per record with `verbose`.
 */
export class LineReporter {
	readonly #out: Writer;
	readonly #verbose: boolean;
	readonly #intervalMs: number;
	readonly #now: () => number;
	readonly #noun: "import" | "undo";
	#lastProgressAt = 0;
	/** The keys heard answering: a pool's 429 holds one key, not the run. */
	readonly #keys = new Set<string>();

	constructor(
		out: Writer,
		options: {
			verbose?: boolean;
			intervalMs?: number;
			now?: () => number;
			/** What the run is called in its opening line. @default "import" */
			noun?: "import" | "undo";
		} = {},
	) {
		this.#out = out;
		this.#noun = options.noun ?? "import";
		this.#verbose = options.verbose ?? false;
		this.#intervalMs = options.intervalMs ?? 5_000;
		this.#now = options.now ?? Date.now;
	}

	/**
	 * Call with each event and the snapshot after it, or how to get it: it is read only when a
	 * progress line is due (a store folds what it counted when read: progress-store.ts).
	 */
	onEvent(event: ImportEvent, snapshotAfter: ProgressSnapshot | (() => ProgressSnapshot)): void {
		if (event.type === "response" && event.keyLabel !== undefined) this.#keys.add(event.keyLabel);
		const line = this.#lineFor(event);
		if (line) this.#out.write(`${line}\n`);
		if (event.type !== "response") return;
		const now = this.#now();
		if (now - this.#lastProgressAt < this.#intervalMs) return;
		const snapshot = typeof snapshotAfter === "function" ? snapshotAfter() : snapshotAfter;
		// Nothing to report before the run has started (the opening GET /me) or after it ended.
		if (snapshot.runId !== "" && snapshot.status !== "finished") {
			this.#lastProgressAt = now;
			this.#out.write(`${progressLine(snapshot, now, this.#noun)}\n`);
		}
	}

	#lineFor(e: ImportEvent): string | undefined {
		switch (e.type) {
			case "run-started":
				// A new sync of an existing state is not a resume: only an interrupted run is.
				return `${e.resumed ? (e.continuesRun === false ? "Syncing" : "Resuming") : "Starting"} ${this.#noun} ${e.runId}: ${PASSES.map((p) => `${e.totals[p]} ${p}`).join(", ")}; checkpoint ${e.checkpointPath}; concurrency ${e.concurrency}`;
			case "pass-started": {
				const already = Object.values(e.already).reduce((n, count) => n + count, 0);
				return `Pass ${e.pass}: ${e.total} records${already ? `, ${already} already final in the checkpoint` : ""}`;
			}
			case "pass-finished":
				return `Pass ${e.pass} finished`;
			case "record-done":
				if (!this.#verbose) return undefined;
				// Left out by --only: nothing was sent, so no tick and no id.
				if (e.outcome === "skipped") return `  – ${e.pass} ${e.key}: left out by --only`;
				return `  ✓ ${e.pass} ${e.key} → ${e.id || "(existing)"} (${e.outcome})`;
			case "records-unchanged":
				// Counted only for a reporter that shows no record one by one (not --verbose).
				return undefined;
			case "record-failed":
				return this.#verbose || e.attempts > 0 || SAID_UNSENT.has(e.code)
					? `  ✗ ${e.pass} ${e.key}${e.line > 0 ? ` (line ${e.line})` : ""}: ${e.status === null ? "" : `${e.status} `}${e.code}: ${e.message}`
					: undefined;
			case "record-blocked":
				return this.#verbose ? `  – ${e.pass} ${e.key}: blocked by customer ${e.parentKey}` : undefined;
			case "request-waiting":
				return this.#verbose
					? `  … ${e.pass} ${e.key}: ${e.cause}, ${e.reason} for ${Math.max(0, Math.round((e.untilMs - e.at) / 100) / 10)} s`
					: undefined;
			case "retrying":
				return retryingMessage(e);
			case "rate-limited":
				// With several keys only the refused one is held; the others go on (finding AA5).
				return `Rate limited (429): holding ${e.keyLabel !== undefined && this.#keys.size > 1 ? `the requests of key ${e.keyLabel}` : "all requests"} for ${Math.max(0, Math.round((e.untilMs - e.at) / 1000))} s`;
			case "pause-requested":
				return "Pausing: letting requests in flight finish";
			case "paused":
				return "Paused";
			case "resumed":
				return "Resumed";
			case "stop-requested":
				return `Stopping: requests in flight get ${STOP_GRACE_MS / 1000} s to finish, then are given up (in doubt: the next run checks them), and the checkpoint is saved (Ctrl+C again to leave now)`;
			case "concurrency-changed":
				return `Concurrency ${e.concurrency}`;
			case "notice":
				return `${e.level === "info" ? "" : `${e.level}: `}${e.message}`;
			case "lookup":
				return e.phase === "finished" ? `Looked up ${e.what}: ${e.found ?? 0} found` : undefined;
			case "run-finished":
			case "request-started":
			case "response":
				return undefined;
			default:
				return unreachable(e);
		}
	}
}

export function progressLine(s: ProgressSnapshot, now: number, noun: "import" | "undo" = "import"): string {
	const all = totals(s);
	const done = passDone(all);
	const percent = all.total > 0 ? Math.floor((done / all.total) * 100) : 100;
	const eta = etaMs(s, now);
	const headroom = headroomText(s, now);
	const pass = s.currentPass ?? "customers";
	return `[${pass}] ${done}/${all.total} (${percent}%) · ${progressCounts(all, noun)}, ${all.failed} failed, ${all.blocked} blocked · ${paceShownPerMinute(s, now)}/min, ${headroom}, ${s.rateLimited} × 429 · ETA ${eta === undefined ? "?" : formatDuration(eta)}`;
}

/**
 * What is left of the window: the pool's sum over its working keys with several keys (each key's
 * own, unlabelled, read 598/600 then 5/30 on consecutive lines: adversarial finding AA2).
 */
function headroomText(s: ProgressSnapshot, now: number): string {
	if (s.keys.size > 1) {
		const pool = poolHeadroom(s.keys, now);
		if (pool.limit > 0) return `${pool.remaining}/${pool.limit} left in window over ${pool.working} keys`;
	}
	return s.headroom ? `${s.headroom.remaining}/${s.headroom.limit} left in window` : "limit unknown";
}

/** What the run did so far, naming only what happened (an import creates, a sync updates, an undo deletes). */
function progressCounts(p: PassProgress, noun: "import" | "undo"): string {
	// An undo deletes and puts fields back: those lead, whatever it has done so far.
	if (noun === "undo") {
		const parts = [`${p.deleted} deleted`, `${p.restored} restored`];
		if (p.unchanged > 0) parts.push(`${p.unchanged} kept`);
		if (p.created > 0) parts.push(`${p.created} created again`);
		return parts.join(", ");
	}
	const parts = [`${p.created} created`, `${p.existed} existed`];
	if (p.updated > 0) parts.push(`${p.updated} updated`);
	if (p.unchanged > 0) parts.push(`${p.unchanged} unchanged`);
	if (p.deleted > 0) parts.push(`${p.deleted} deleted`);
	if (p.restored > 0) parts.push(`${p.restored} restored`);
	return parts.join(", ");
}
