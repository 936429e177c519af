import { Box, Text } from "ink";
import type { ProgressSnapshot } from "../../core/progress.js";
import { useTheme } from "../hooks/use-theme.js";
import { cell, formatDuration, rcell } from "../model/format.js";
import { describeState, inFlightRows } from "../model/run-view.js";

export interface InFlightTableProps {
	readonly snapshot: ProgressSnapshot;
	readonly now: number;
	/** Rows shown at most; the rest are counted. @default 6 */
	readonly maxRows?: number;
	/** @default 80 */
	readonly width?: number;
}

/** Requests on the wire or waiting to go again: pass, record, attempt, state, age. */
export function InFlightTable({ snapshot, now, maxRows = 6, width = 80 }: InFlightTableProps) {
	const theme = useTheme();
	const rows = inFlightRows(snapshot);
	const recordWidth = Math.max(12, Math.min(30, width - 56));
	const stateWidth = Math.max(16, width - recordWidth - 12 - 8 - 7 - 2);
	return (
		<Box flexDirection="column">
			<Text dimColor>
				{cell("pass", 12)}
				{cell("record", recordWidth)}
				{rcell("try", 4)}
				{"  "}
				{cell("state", stateWidth)}
				{rcell("age", 6)}
			</Text>
			{rows.length === 0 ? <Text dimColor>(nothing in flight)</Text> : null}
			{rows.slice(0, maxRows).map((row) => (
				<Text key={`${row.pass}:${row.key}`} wrap="truncate-end">
					{cell(row.pass, 12)}
					{cell(`${row.key}${row.line ? ` :${row.line}` : ""}`, recordWidth)}
					{rcell(String(row.attempt), 4)}
					{"  "}
					<Text {...theme.tint(row.state === "sending" ? undefined : "warn")}>
						{cell(
							describeState(row, now, snapshot.status === "paused" || snapshot.status === "pausing"),
							stateWidth,
						)}
					</Text>
					{rcell(formatDuration(now - row.since), 6)}
				</Text>
			))}
			{rows.length > maxRows ? <Text dimColor>… and {rows.length - maxRows} more</Text> : null}
		</Box>
	);
}
