import { Box, Text } from "ink";
import type { ProgressSnapshot } from "../../core/progress.js";
import { PASSES } from "../../model/records.js";
import { useTheme } from "../hooks/use-theme.js";
import { cell, formatCount, rcell } from "../model/format.js";
import { passRowView } from "../model/run-view.js";
import { Bar } from "./Bar.js";

export interface PassTableProps {
	readonly snapshot: ProgressSnapshot;
	/** Columns of the progress bar. @default 12 */
	readonly barWidth?: number;
}

const NUMBERS = [
	["total", 7],
	["written", 8],
	["same", 7],
	["failed", 7],
	["blocked", 8],
	["pending", 8],
] as const;

/** Per-pass counts from the snapshot, one row per pass, with a progress bar. */
export function PassTable({ snapshot, barWidth = 12 }: PassTableProps) {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<Text dimColor>
				{cell("pass", 14)}
				{NUMBERS.map(([name, width]) => rcell(name, width)).join("")}
				{"  progress"}
			</Text>
			{PASSES.map((pass) => {
				const p = snapshot.passes[pass];
				const v = passRowView(p);
				const isCurrent = snapshot.currentPass === pass && p.status === "running";
				return (
					<Text key={pass}>
						<Text bold={isCurrent}>
							{cell(`${isCurrent ? "▸" : p.status === "finished" ? "✓" : " "} ${pass}`, 14)}
						</Text>
						{rcell(formatCount(v.total), 7)}
						<Text {...theme.tint("ok")}>{rcell(formatCount(v.written), 8)}</Text>
						{rcell(formatCount(v.same), 7)}
						<Text {...theme.tint(v.failed > 0 ? "error" : undefined)}>{rcell(formatCount(v.failed), 7)}</Text>
						<Text {...theme.tint(v.blocked > 0 ? "warn" : undefined)}>
							{rcell(formatCount(v.blocked), 8)}
						</Text>
						{rcell(formatCount(v.pending), 8)}
						{"  "}
						<Bar ratio={v.ratio} width={barWidth} role={v.failed > 0 ? "warn" : "ok"} />
						{rcell(`${Math.floor(v.ratio * 100)}%`, 5)}
					</Text>
				);
			})}
		</Box>
	);
}
