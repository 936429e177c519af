import { Box, Text, useInput } from "ink";
import { runSeries } from "../../core/pace-history.js";
import type { ProgressSnapshot } from "../../core/progress.js";
import type { ImportSummary } from "../../core/run-types.js";
import { PASSES } from "../../model/records.js";
import { escapeControls } from "../../model/terminal-text.js";
import { KeyHints } from "../components/KeyHints.js";
import { Sparkline } from "../components/Sparkline.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTerminalSize } from "../hooks/use-terminal-size.js";
import { useTheme } from "../hooks/use-theme.js";
import type { SessionKind } from "../model/app-result.js";
import { cell, formatCount, formatDuration, rcell } from "../model/format.js";
import { keysOf } from "../model/key-burst.js";
import { peakPerSecond, perSecondText } from "../model/sparkline.js";
import {
	codeLines,
	PASS_WIDTH,
	summaryColumns,
	summaryHeadline,
	syncRulesLine,
	testKeyNotice,
} from "../model/summary-view.js";
import { unansweredLine } from "../model/unanswered-line.js";

export interface SummaryScreenProps {
	readonly summary: ImportSummary;
	readonly snapshot: ProgressSnapshot;
	/** An import's (or sync's) summary, or an undo's. @default "import" */
	readonly kind?: SessionKind | undefined;
	/** Where the failures CSV was written, when there were failures. */
	readonly failuresCsvPath?: string | undefined;
	/** Where `r` wrote the results CSV. */
	readonly resultsCsvPath?: string | undefined;
	/** Failures per code when they differ from the summary's (an undo leaves out the import's). */
	readonly failuresByCode?: Readonly<Record<string, number>> | undefined;
	/**
	 * The workspace a test key wrote to: the summary says its records are live there and offers
	 * undo first. Undefined for a live key.
	 */
	readonly testWorkspace?: string | undefined;
	readonly onFailures: () => void;
	/** `r`: write every row's outcome, id and display_id. Not offered without it. */
	readonly onResults?: (() => void) | undefined;
	/** `u`: take the run back. Not offered without it. */
	readonly onUndo?: (() => void) | undefined;
	readonly onQuit: () => void;
	readonly notice?: string | undefined;
}

/** Per-pass totals, checkpoint vs source counts, requests, time, failures by code, file paths. */
export function SummaryScreen({
	summary,
	snapshot,
	kind = "import",
	failuresCsvPath,
	resultsCsvPath,
	failuresByCode = summary.failuresByCode,
	testWorkspace,
	onFailures,
	onResults,
	onUndo,
	onQuit,
	notice,
}: SummaryScreenProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const { columns } = useTerminalSize();
	const peakLabel = "peak 9999/s";
	const curve = runSeries(
		snapshot.pace,
		snapshot.finishedAt ?? snapshot.lastEventAt,
		Math.min(columns, 120) - "run pace ".length - peakLabel.length - 2,
	);
	// An undo is not undone: the last run would then be the import before it.
	const canUndo = onUndo !== undefined && kind === "import" && summary.outcome === "completed";
	useInput(
		(input, key) => {
			// Every key here leaves the screen: of keys typed together, the first that means something.
			for (const one of keysOf(input, key)) {
				if (one === "f") return onFailures();
				if (one === "r" && onResults) return onResults();
				if (one === "u" && canUndo) return onUndo?.();
				if (one === "q" || key.return || key.escape) return onQuit();
			}
		},
		{ isActive },
	);
	const { failures: codes, kept, notInPivotal } = codeLines(failuresByCode);
	const rulesLine = kind === "import" ? syncRulesLine(summary, notInPivotal) : undefined;
	// An undo leaves every row in the files: its creates in doubt are said as not taken back (AG5).
	const unanswered =
		kind === "undo"
			? 0
			: PASSES.reduce((sum, pass) => sum + (summary.passes[pass].unansweredNotInFiles ?? 0), 0);
	const headline = summaryHeadline(kind, summary);
	const testNotice =
		testWorkspace && kind === "import" && canUndo ? testKeyNotice(summary, testWorkspace) : undefined;
	const tableColumns = summaryColumns(kind, summary);
	// The state's counters add up every run of the import (and the sessions of a resumed one):
	// a sync's and an undo's summary count their own requests, a sync's the whole import's beside.
	const isOwnCount = kind === "undo" || summary.run > 1;
	const counters = isOwnCount ? snapshot : summary;
	const allRuns =
		kind === "import" && isOwnCount && summary.requests > snapshot.requests
			? ` · ${formatCount(summary.requests)} in all ${summary.run} runs`
			: "";
	const undoHint = [["u", "undo"]] as const;
	const hints: (readonly [string, string])[] = [
		...(testNotice ? undoHint : []),
		...(codes.length + kept + notInPivotal > 0 ? ([["f", "failures"]] as const) : []),
		...(onResults ? ([["r", "results CSV"]] as const) : []),
		...(canUndo && !testNotice ? undoHint : []),
		["q", "quit"],
	];
	return (
		<Box flexDirection="column">
			<StepHeader
				title={kind === "undo" ? "Undo summary" : "Summary"}
				step={kind === "undo" ? undefined : "4/4"}
			/>
			<Text bold {...theme.tint(headline.isClean ? "ok" : "warn")}>
				{headline.text}
				{summary.message ? ` — ${escapeControls(summary.message)}` : ""}
			</Text>
			{testNotice ? <Text {...theme.tint("warn")}>{testNotice}</Text> : null}
			<Box marginTop={1} flexDirection="column">
				<Text dimColor>
					{cell("pass", PASS_WIDTH)}
					{tableColumns.map((c) => rcell(c.name, c.width)).join("")}
				</Text>
				{PASSES.map((pass) => {
					const p = summary.passes[pass];
					return (
						<Text key={pass}>
							{cell(pass, PASS_WIDTH)}
							{tableColumns.map((c) => (
								<Text key={c.name} {...theme.tint(c.role?.(p))}>
									{rcell(c.value(p), c.width)}
								</Text>
							))}
						</Text>
					);
				})}
			</Box>
			<Box marginTop={1} flexDirection="column">
				<Text>
					requests {formatCount(counters.requests)} · 429s {formatCount(counters.rateLimited)} · retries{" "}
					{formatCount(counters.retries)} · time {formatDuration(summary.elapsedMs)}
					{allRuns || (snapshot.resumed && kind === "import" ? " · resumed run" : "")}
				</Text>
				{curve.length > 1 ? (
					<Sparkline label="run pace" cells={curve} suffix={`peak ${perSecondText(peakPerSecond(curve))}`} />
				) : null}
				{codes.length > 0 ? (
					<Text wrap="truncate-end">
						failures by code:{" "}
						<Text {...theme.tint("error")}>
							{codes.map(([code, count]) => `${code} ${count}`).join(" · ")}
						</Text>
					</Text>
				) : null}
				{kept > 0 ? (
					<Text wrap="truncate-end" {...theme.tint("warn")}>
						{formatCount(kept)} record{kept === 1 ? "" : "s"} kept fields edited in Pivotal since the import
						(f lists them)
					</Text>
				) : null}
				{rulesLine ? <Text wrap="truncate-end">{rulesLine}</Text> : null}
				{unanswered > 0 ? (
					<Text wrap="wrap" {...theme.tint("warn")}>
						{unansweredLine(unanswered, "the files")}
					</Text>
				) : null}
				<Text wrap="truncate-end">checkpoint {escapeControls(summary.checkpointPath)}</Text>
				{failuresCsvPath ? (
					<Text wrap="truncate-end">failures CSV {escapeControls(failuresCsvPath)}</Text>
				) : null}
				{resultsCsvPath ? (
					<Text wrap="truncate-end">results CSV {escapeControls(resultsCsvPath)}</Text>
				) : null}
			</Box>
			{notice ? <Text {...theme.tint("accent")}>{escapeControls(notice)}</Text> : null}
			<Box marginTop={1}>
				<KeyHints hints={hints} />
			</Box>
		</Box>
	);
}
