/**
 * What the summary says about a finished run: its columns (an import, a sync, an undo each
 * count different things), the headline, and the notice after a test key's run. Plain text.
 */

import { EDITED_IN_PIVOTAL, NOT_IN_PIVOTAL } from "../../core/plan/sync-rules.js";
import type { ImportSummary, PassSummary } from "../../core/run-types.js";
import { PASSES } from "../../model/records.js";
import type { SessionKind } from "./app-result.js";
import { formatCount } from "./format.js";
import type { ColorRole } from "./theme.js";

export interface SummaryColumn {
	readonly name: string;
	readonly width: number;
	readonly value: (p: PassSummary) => string;
	readonly role?: (p: PassSummary) => ColorRole | undefined;
}

const n = (count: number) => formatCount(count);
const failed: SummaryColumn = {
	name: "failed",
	width: 8,
	value: (p) => n(p.failed),
	role: (p) => (p.failed > 0 ? "error" : undefined),
};
const blocked: SummaryColumn = {
	name: "blocked",
	width: 9,
	value: (p) => n(p.blocked),
	role: (p) => (p.blocked > 0 ? "warn" : undefined),
};
const pending = (width: number): SummaryColumn => ({ name: "pending", width, value: (p) => n(p.pending) });
const inCheckpoint: SummaryColumn = {
	name: "in ckpt",
	width: 9,
	value: (p) => `${n(p.checkpointDone)}/${n(p.total)}`,
	role: (p) => (p.checkpointDone < p.created + p.existed ? "warn" : undefined),
};

/** The pass name's column. */
export const PASS_WIDTH = 12;

/**
 * An import's columns; a sync's trade `existed` for `updated` and `same` (adopted or unchanged);
 * an undo's count what it deleted and put back. Each fits 80 columns with the pass name.
 */
export function summaryColumns(kind: SessionKind, summary: ImportSummary): readonly SummaryColumn[] {
	return fitted(columnsOf(kind, summary), summary);
}

/**
 * Each column widened to its longest cell and two spaces: "1,501/1,501" in a column of 9 ran
 * into its neighbour and read as one number. Narrow counts keep the widths that fit 80 columns.
 */
function fitted(columns: readonly SummaryColumn[], summary: ImportSummary): readonly SummaryColumn[] {
	const longest = columns.map((column) =>
		Math.max(column.name.length, ...PASSES.map((pass) => column.value(summary.passes[pass]).length)),
	);
	const roomy = columns.map((column, i) => Math.max(column.width, longest[i]! + 2));
	// Past 80 columns (a terminal's and the README's width) each column keeps one space of gap.
	const widths =
		PASS_WIDTH + roomy.reduce((sum, width) => sum + width, 0) <= SUMMARY_WIDTH
			? roomy
			: longest.map((n) => n + 1);
	return columns.map((column, i) => (widths[i] === column.width ? column : { ...column, width: widths[i]! }));
}

/** The width the summary's table keeps within while its counts let it. */
const SUMMARY_WIDTH = 80;

function columnsOf(kind: SessionKind, summary: ImportSummary): readonly SummaryColumn[] {
	if (kind === "undo") {
		return [
			{ name: "to undo", width: 9, value: (p) => n(p.total) },
			{ name: "deleted", width: 9, value: (p) => n(p.deleted) },
			{ name: "restored", width: 10, value: (p) => n(p.restored) },
			{ name: "kept", width: 6, value: (p) => n(p.unchanged) },
			failed,
			pending(9),
		];
	}
	const isSync = PASSES.some((pass) => summary.passes[pass].updated + summary.passes[pass].unchanged > 0);
	if (isSync) {
		return [
			{ name: "total", width: 8, value: (p) => n(p.total) },
			{ name: "created", width: 9, value: (p) => n(p.created) },
			{ name: "updated", width: 9, value: (p) => n(p.updated) },
			{ name: "same", width: 7, value: (p) => n(p.existed + p.unchanged) },
			failed,
			blocked,
			pending(8),
			inCheckpoint,
		];
	}
	return [
		{ name: "total", width: 8, value: (p) => n(p.total) },
		{ name: "created", width: 9, value: (p) => n(p.created) },
		{ name: "existed", width: 9, value: (p) => n(p.existed) },
		failed,
		blocked,
		pending(9),
		inCheckpoint,
	];
}

export interface Headline {
	readonly text: string;
	readonly isClean: boolean;
}

export function summaryHeadline(kind: SessionKind, summary: ImportSummary): Headline {
	const sum = (pick: (p: PassSummary) => number) =>
		PASSES.reduce((total, pass) => total + pick(summary.passes[pass]), 0);
	const failedCount = sum((p) => p.failed);
	const blockedCount = sum((p) => p.blocked);
	const isClean = summary.outcome === "completed" && failedCount + blockedCount === 0;
	if (summary.outcome !== "completed") return { text: `Stopped early: ${summary.outcome}`, isClean };
	if (kind === "undo") {
		return isClean
			? {
					text: `✓ Undone: ${formatCount(sum((p) => p.deleted))} deleted, ${formatCount(sum((p) => p.restored))} put back${keptText(sum((p) => p.unchanged))}.`,
					isClean,
				}
			: { text: `Finished: ${failedCount} could not be taken back. Review them with f.`, isClean };
	}
	return isClean
		? { text: "✓ Every record is in Pivotal.", isClean }
		: {
				text: `Finished: ${failedCount} failed, ${blockedCount} blocked by a failed parent. Review them with f.`,
				isClean,
			};
}

/** Records this run created: what a test key left live in the workspace. */
export function createdCount(summary: ImportSummary): number {
	return PASSES.reduce((total, pass) => total + summary.passes[pass].created, 0);
}

/**
 * Pivotal has no sandbox: a test key's records are real. Said after a test key's run that
 * created some, with the key that takes them back; undefined otherwise.
 */
export function testKeyNotice(summary: ImportSummary, workspace: string): string | undefined {
	const created = createdCount(summary);
	if (created === 0) return undefined;
	return `Test keys write to the real workspace: these ${formatCount(created)} records are live in ${workspace}. u takes them back.`;
}

/**
 * Failure codes for the summary's line, largest first; fields kept because they were edited in
 * Pivotal and rows `--only update` left out apart (they are not failures).
 */
export function codeLines(codes: Readonly<Record<string, number>>): {
	readonly failures: readonly (readonly [string, number])[];
	readonly kept: number;
	readonly notInPivotal: number;
} {
	const failures = Object.entries(codes)
		.filter(([code]) => code !== EDITED_IN_PIVOTAL && code !== NOT_IN_PIVOTAL)
		.sort((a, b) => b[1] - a[1]);
	return { failures, kept: codes[EDITED_IN_PIVOTAL] ?? 0, notInPivotal: codes[NOT_IN_PIVOTAL] ?? 0 };
}

/** What a sync's rules did, in one line: `3 deleted (gone from the files) · 1 not in Pivotal, not created`. */
export function syncRulesLine(summary: ImportSummary, notInPivotal: number): string | undefined {
	const deleted = PASSES.reduce((n, pass) => n + summary.passes[pass].deleted, 0);
	const skipped = PASSES.reduce((n, pass) => n + (summary.passes[pass].skipped ?? 0), 0);
	const parts: string[] = [];
	if (deleted > 0) parts.push(`${formatCount(deleted)} deleted (created here, gone from the files)`);
	if (notInPivotal > 0) parts.push(`${formatCount(notInPivotal)} not in Pivotal, not created`);
	const left = skipped - notInPivotal;
	if (left > 0) parts.push(`${formatCount(left)} changes left (create only)`);
	return parts.length > 0 ? parts.join(" · ") : undefined;
}

/** An undo's records left as they are, every field edited in Pivotal since; nothing when none. */
const keptText = (kept: number): string =>
	kept === 0 ? "" : `, ${formatCount(kept)} kept as edited in Pivotal`;
