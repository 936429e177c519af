import { type ImportEvent, unreachable } from "../core/events.js";
import {
	etaMs,
	type PassProgress,
	type ProgressSnapshot,
	pacePerMinute,
	passDone,
	totals,
} from "../core/progress.js";
import { retryingMessage } from "../core/retry-message.js";
import { STOPPED_MESSAGE } from "../core/run-ending.js";
import type { FailureDetail, ImportSummary, PassSummary } from "../core/run-types.js";
import { PASSES } from "../model/records.js";
import { unansweredLine } from "../ui/model/unanswered-line.js";
import { formatDuration } from "./format.js";
import { syncSummaryLines } from "./sync-summary.js";

/**
 * How long a stopped headless run lets its requests in flight answer before it gives them up: a
 * service manager sends one SIGTERM and kills a few seconds later (docker 10 s), and a stop must
 * end with its summary and `--notify` well before that, however slow the server is.
 */
export const STOP_GRACE_MS = 5_000;

/** Requests of one session, as the progress snapshot counts them. */
export interface SessionCounts {
	readonly requests: number;
	readonly rateLimited: number;
	readonly retries: number;
}

export interface Writer {
	write(text: string): unknown;
}

/**
 * Failures with nothing sent that are said all the same: they name records in Pivotal the user
 * must look at (several matching one row, one deleted that is there again), which only the run
 * can know.
 */
const SAID_UNSENT: ReadonlySet<string> = new Set(["ambiguous_match", "exists_again"]);

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
				return `Rate limited (429): holding all requests for ${Math.max(0, Math.round((e.untilMs - e.at) / 1000))} s`;
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
	const headroom = s.headroom
		? `${s.headroom.remaining}/${s.headroom.limit} left in window`
		: "limit unknown";
	const pass = s.currentPass ?? "customers";
	return `[${pass}] ${done}/${all.total} (${percent}%) · ${progressCounts(all, noun)}, ${all.failed} failed, ${all.blocked} blocked · ${pacePerMinute(s, now)}/min, ${headroom}, ${s.rateLimited} × 429 · ETA ${eta === undefined ? "?" : formatDuration(eta)}`;
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

/** A summary table's column: its name, and its count of a pass. */
type Column = readonly [string, (p: PassSummary) => number];

const UNDO_COLUMNS: readonly Column[] = [
	["planned", (p) => p.total],
	["deleted", (p) => p.deleted],
	["restored", (p) => p.restored],
	["kept", (p) => p.unchanged],
	["failed", (p) => p.failed],
	["pending", (p) => p.pending],
];

/**
 * A first import's table fits 80 columns (updated and unchanged are always 0 then: the two
 * columns of a sync wrapped every line of it in a terminal of 80).
 */
const IMPORT_COLUMNS: readonly Column[] = [
	// The files' rows: the deletes the run planned are no rows of them.
	["source", (p) => p.total - (p.deletes ?? 0)],
	["checkpoint", (p) => p.checkpointDone],
	["created", (p) => p.created],
	["existed", (p) => p.existed],
	["failed", (p) => p.failed],
	["blocked", (p) => p.blocked],
	["pending", (p) => p.pending],
];

const SYNC_COLUMNS: readonly Column[] = [
	...IMPORT_COLUMNS.slice(0, 4),
	["updated", (p) => p.updated],
	["unchanged", (p) => p.unchanged],
	...IMPORT_COLUMNS.slice(4),
];

/** A run that updated or found unchanged any record: a sync, whose table has their columns. */
function isSync(summary: ImportSummary): boolean {
	return PASSES.some((pass) => summary.passes[pass].updated + summary.passes[pass].unchanged > 0);
}

/** The closing block: what a person checks before calling the import done. */
export function summaryText(
	summary: ImportSummary,
	extra: {
		failuresCsv?: string | undefined;
		resultsCsv?: string | undefined;
		/** Notes that are not failures: the fields `--keep-pivotal-edits` kept, listed record by record. */
		notes?: readonly FailureDetail[] | undefined;
		/** This session's own requests; the summary's counters add up every run of the import. */
		session?: SessionCounts | undefined;
		/** What to do about a run that did not complete. @default run the same command again */
		resume?: string | undefined;
		/** Invalid rows `--skip-invalid` left out: records not imported, whatever was sent. */
		leftOut?: number | undefined;
	} = {},
	title = "Import",
): string {
	const lines: string[] = [];
	lines.push("");
	const isUndo = title === "Undo";
	lines.push(
		`${title} ${summary.runId || "(not started)"}: ${outcomeText(summary, isUndo, extra.leftOut ?? 0)}`,
	);
	const columns = isUndo ? UNDO_COLUMNS : isSync(summary) ? SYNC_COLUMNS : IMPORT_COLUMNS;
	lines.push(`  ${"pass".padEnd(12)}${columns.map(([name]) => name.padStart(name.length + 2)).join("")}`);
	for (const pass of PASSES) {
		const p = summary.passes[pass];
		if (p.total === 0 && p.checkpointDone === 0) continue;
		lines.push(
			`  ${pass.padEnd(12)}${columns.map(([name, value]) => String(value(p)).padStart(name.length + 2)).join("")}`,
		);
	}
	for (const pass of isUndo ? [] : PASSES) {
		const p = summary.passes[pass];
		if (p.gone > 0)
			lines.push(
				`  ${pass}: ${p.gone} deleted in Pivotal since the last sync, not re-created in this run (the next run with --recreate creates them)`,
			);
		if (p.notInFiles > 0)
			lines.push(`  ${pass}: ${p.notInFiles} in the state but no longer in the file (left in Pivotal)`);
		if (p.inDoubt) lines.push(`  ${pass}: ${inDoubtLine(p.pending, p.inDoubt)}`);
		if (p.unansweredNotInFiles) lines.push(`  ${pass}: ${unansweredLine(p.unansweredNotInFiles)}`);
		lines.push(...syncSummaryLines(pass, p, extra.notes ?? []));
	}
	const own = extra.session ?? summary;
	const allRuns =
		extra.session && summary.requests > own.requests
			? ` (${summary.requests} over every run of the import)`
			: "";
	lines.push(
		`  requests ${own.requests}${allRuns}, rate limited ${own.rateLimited}, retries ${own.retries}, time ${formatDuration(summary.elapsedMs)}`,
	);
	const codes = Object.entries(summary.failuresByCode).sort((a, b) => b[1] - a[1]);
	if (codes.length > 0) {
		lines.push(`  failures by code: ${codes.map(([code, n]) => `${code} ×${n}`).join(", ")}`);
	}
	lines.push(`  checkpoint: ${summary.checkpointPath}`);
	if (extra.resultsCsv) lines.push(`  results CSV: ${extra.resultsCsv}`);
	if (extra.failuresCsv) lines.push(`  failures CSV: ${extra.failuresCsv}`);
	// Undo takes no --failures-csv: its failures are the records the state lists as failed.
	else if (codes.length > 0 && !isUndo) lines.push("  (add --failures-csv FILE to export the failed rows)");
	// A refused key is not resumed by the same command: the stopping sentence says what to do.
	// A run refused at its opening has nothing to resume: it sent no record.
	if (summary.outcome !== "completed" && summary.outcome !== "auth-failed")
		lines.push(
			`  ${summary.runId === "" ? (summary.message === STOPPED_MESSAGE ? "Stopped before the run began: no record was sent; run the same command again." : "No record was sent: fix what is said above, then run the same command again.") : (extra.resume ?? "Run the same command again to resume.")}`,
		);
	return `${lines.join("\n")}\n`;
}

function outcomeText(summary: ImportSummary, isUndo: boolean, leftOut: number): string {
	const failed = PASSES.reduce((n, p) => n + summary.passes[p].failed + summary.passes[p].blocked, 0);
	// Rows left out as invalid are not in Pivotal: the headline must not say every record is
	// (adversarial finding Q4).
	const left =
		leftOut > 0 ? `; ${leftOut} invalid row${leftOut === 1 ? "" : "s"} left out (--skip-invalid)` : "";
	switch (summary.outcome) {
		case "completed":
			if (isUndo) return failed === 0 ? "taken back" : `finished, ${failed} records could not be taken back`;
			if (failed > 0) return `finished, ${failed} records not imported${left}`;
			return leftOut > 0 ? `every record sent is in Pivotal${left}` : "every record is in Pivotal";
		case "interrupted":
		case "auth-failed":
		case "circuit-open":
		case "checkpoint-failed":
			return summary.message ?? summary.outcome;
		default:
			return unreachable(summary.outcome);
	}
}

/**
 * How many of a stopped pass's pending records went out without an answer and how many never
 * went (adversarial finding L1: "pending 18" did not say that 16 of them were in doubt).
 */
export function inDoubtLine(pending: number, inDoubt: number): string {
	const never = pending - inDoubt;
	const sent = `${inDoubt} of the ${pending} pending ${inDoubt === 1 ? "was" : "were"} sent without an answer (in doubt: the next run checks ${inDoubt === 1 ? "it" : "them"})`;
	return never > 0 ? `${sent}, ${never} never sent` : sent;
}
