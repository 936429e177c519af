/**
 * The closing block of a headless run (and of an undo): the outcome, a table of the passes, what
 * is left to check, and how to resume. Apart from the line reporter (headless.ts), which speaks
 * while the run goes; this is said once, from the run's summary.
 */

import { unreachable } from "../core/events.js";
import { STOPPED_MESSAGE } from "../core/run-ending.js";
import type { FailureDetail, ImportSummary, PassSummary } from "../core/run-types.js";
import { PASSES } from "../model/records.js";
import { unansweredLine } from "../ui/model/unanswered-line.js";
import { formatDuration } from "./format.js";
import { syncSummaryLines } from "./sync-summary.js";

/** Requests of one session, as the progress snapshot counts them. */
export interface SessionCounts {
	readonly requests: number;
	readonly rateLimited: number;
	readonly retries: number;
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

/**
 * A sync's columns that are left out when no pass has any: with them, its table was 98 columns
 * wide; a usual nightly sync adopts, blocks and leaves pending nothing, and fits 80.
 */
const SYNC_OPTIONAL = new Set(["existed", "blocked", "pending"]);

function syncColumns(summary: ImportSummary): readonly Column[] {
	return SYNC_COLUMNS.filter(
		([name, value]) => !SYNC_OPTIONAL.has(name) || PASSES.some((pass) => value(summary.passes[pass]) > 0),
	);
}

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
		/** Rows `--only update` did not create (`not_in_pivotal`): not in Pivotal either. */
		notInPivotal?: number | undefined;
		/** An undo that leaves records it was asked to take back (said after the summary). */
		isShortOfAll?: boolean | undefined;
	} = {},
	title = "Import",
): string {
	const lines: string[] = [];
	lines.push("");
	const isUndo = title === "Undo";
	lines.push(
		`${title} ${summary.runId || "(not started)"}: ${outcomeText(summary, isUndo, extra.leftOut ?? 0, extra.notInPivotal ?? 0, extra.isShortOfAll === true)}`,
	);
	const shown = isUndo ? UNDO_COLUMNS : isSync(summary) ? syncColumns(summary) : IMPORT_COLUMNS;
	// A run stopped before its state was read knows nothing of it: no "checkpoint 0" (finding V9).
	const columns = summary.runId === "" ? shown.filter(([name]) => name !== "checkpoint") : shown;
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

function outcomeText(
	summary: ImportSummary,
	isUndo: boolean,
	leftOut: number,
	notInPivotal = 0,
	isShortOfAll = false,
): string {
	const failed = PASSES.reduce((n, p) => n + summary.passes[p].failed + summary.passes[p].blocked, 0);
	// Rows left out as invalid, or not created under --only update, are not in Pivotal: the
	// headline must not say every record is (adversarial findings Q4, AH7).
	const left = [
		...(leftOut > 0 ? [`; ${leftOut} invalid row${leftOut === 1 ? "" : "s"} left out (--skip-invalid)`] : []),
		...(notInPivotal > 0
			? [`; ${notInPivotal} row${notInPivotal === 1 ? "" : "s"} not in Pivotal not created (--only update)`]
			: []),
	].join("");
	switch (summary.outcome) {
		case "completed":
			// Records it keeps are in no column of its table: said below it (adversarial finding AJ4).
			if (isUndo && failed === 0)
				return isShortOfAll ? "taken back in part (what is not, below)" : "taken back";
			if (isUndo) return `finished, ${failed} records could not be taken back`;
			// Failed, not "not imported": a failed update's record is in Pivotal all the same (finding X3).
			if (failed > 0) return `finished, ${failedOrBlocked(summary)}${left}`;
			return left !== "" ? `every record sent is in Pivotal${left}` : "every record is in Pivotal";
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

/** `2 records failed`, `1 record failed, 3 blocked (their customer failed)`. */
function failedOrBlocked(summary: ImportSummary): string {
	const failed = PASSES.reduce((n, p) => n + summary.passes[p].failed, 0);
	const blocked = PASSES.reduce((n, p) => n + summary.passes[p].blocked, 0);
	const records = (n: number) => `${n} record${n === 1 ? "" : "s"}`;
	if (blocked === 0) return `${records(failed)} failed`;
	const blockedText = `${blocked} blocked (their customer is not in Pivotal)`;
	return failed === 0
		? `${records(blocked)} blocked (their customer is not in Pivotal)`
		: `${records(failed)} failed, ${blockedText}`;
}
