import { Box, Text, useInput } from "ink";
import { runSeries } from "../../core/pace-history.js";
import type { ProgressSnapshot } from "../../core/progress.js";
import type { ImportSummary } from "../../core/run-types.js";
import { PASSES } from "../../model/records.js";
import { KeyHints } from "../components/KeyHints.js";
import { Sparkline } from "../components/Sparkline.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTerminalSize } from "../hooks/use-terminal-size.js";
import { useTheme } from "../hooks/use-theme.js";
import { cell, formatCount, formatDuration, rcell } from "../model/format.js";
import { peakPerSecond, perSecondText } from "../model/sparkline.js";

export interface SummaryScreenProps {
	readonly summary: ImportSummary;
	readonly snapshot: ProgressSnapshot;
	/** Where the failures CSV was written, when there were failures. */
	readonly failuresCsvPath?: string | undefined;
	readonly onFailures: () => void;
	readonly onQuit: () => void;
	readonly notice?: string | undefined;
}

const COLUMNS = [
	["total", 8],
	["created", 9],
	["existed", 9],
	["failed", 8],
	["blocked", 9],
	["pending", 9],
	["in ckpt", 9],
] as const;

/** Per-pass totals, checkpoint vs source counts, requests, time, failures by code, file paths. */
export function SummaryScreen({
	summary,
	snapshot,
	failuresCsvPath,
	onFailures,
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
	useInput(
		(input, key) => {
			if (input === "f") onFailures();
			else if (input === "q" || key.return || key.escape) onQuit();
		},
		{ isActive },
	);
	const codes = Object.entries(summary.failuresByCode).sort((a, b) => b[1] - a[1]);
	const failed = PASSES.reduce((n, pass) => n + summary.passes[pass].failed, 0);
	const blocked = PASSES.reduce((n, pass) => n + summary.passes[pass].blocked, 0);
	const isClean = summary.outcome === "completed" && failed + blocked === 0;
	const headline = isClean
		? "✓ Every record is in Pivotal."
		: summary.outcome === "completed"
			? `Finished: ${failed} failed, ${blocked} blocked by a failed parent. Review them with f.`
			: `Stopped early: ${summary.outcome}`;
	return (
		<Box flexDirection="column">
			<StepHeader title="Summary" step="4/4" />
			<Text bold {...theme.tint(isClean ? "ok" : "warn")}>
				{headline}
				{summary.message ? ` — ${summary.message}` : ""}
			</Text>
			<Box marginTop={1} flexDirection="column">
				<Text dimColor>
					{cell("pass", 12)}
					{COLUMNS.map(([name, w]) => rcell(name, w)).join("")}
				</Text>
				{PASSES.map((pass) => {
					const p = summary.passes[pass];
					const isShort = p.checkpointDone < p.created + p.existed;
					return (
						<Text key={pass}>
							{cell(pass, 12)}
							{rcell(formatCount(p.total), 8)}
							{rcell(formatCount(p.created), 9)}
							{rcell(formatCount(p.existed), 9)}
							<Text {...theme.tint(p.failed > 0 ? "error" : undefined)}>
								{rcell(formatCount(p.failed), 8)}
							</Text>
							<Text {...theme.tint(p.blocked > 0 ? "warn" : undefined)}>
								{rcell(formatCount(p.blocked), 9)}
							</Text>
							{rcell(formatCount(p.pending), 9)}
							<Text {...theme.tint(isShort ? "warn" : undefined)}>
								{rcell(`${formatCount(p.checkpointDone)}/${formatCount(p.total)}`, 9)}
							</Text>
						</Text>
					);
				})}
			</Box>
			<Box marginTop={1} flexDirection="column">
				<Text>
					requests {formatCount(summary.requests)} · 429s {formatCount(summary.rateLimited)} · retries{" "}
					{formatCount(summary.retries)} · time {formatDuration(summary.elapsedMs)}
					{snapshot.resumed ? " · resumed run" : ""}
				</Text>
				{curve.length > 1 ? (
					<Sparkline label="run pace" cells={curve} suffix={`peak ${perSecondText(peakPerSecond(curve))}`} />
				) : null}
				{codes.length > 0 ? (
					<Text wrap="truncate-end">
						failures by code:{" "}
						<Text {...theme.tint("error")}>{codes.map(([code, n]) => `${code} ${n}`).join(" · ")}</Text>
					</Text>
				) : null}
				<Text wrap="truncate-end">checkpoint {summary.checkpointPath}</Text>
				{failuresCsvPath ? <Text wrap="truncate-end">failures CSV {failuresCsvPath}</Text> : null}
			</Box>
			{notice ? <Text {...theme.tint("accent")}>{notice}</Text> : null}
			<Box marginTop={1}>
				<KeyHints hints={[...(codes.length > 0 ? ([["f", "failures"]] as const) : []), ["q", "quit"]]} />
			</Box>
		</Box>
	);
}
