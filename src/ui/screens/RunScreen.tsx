import { Box, Text, useInput } from "ink";
import { useState } from "react";
import type { ProgressSnapshot } from "../../core/progress.js";
import { escapeControls } from "../../model/terminal-text.js";
import { Headroom } from "../components/Headroom.js";
import { InFlightTable } from "../components/InFlightTable.js";
import { KeyHints } from "../components/KeyHints.js";
import { LogBox } from "../components/LogBox.js";
import { PassTable } from "../components/PassTable.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useNow } from "../hooks/use-now.js";
import { useTerminalSize } from "../hooks/use-terminal-size.js";
import { useTheme } from "../hooks/use-theme.js";
import { formatDuration } from "../model/format.js";
import { keysOf } from "../model/key-burst.js";
import { headroomHeight } from "../model/key-lines.js";
import { actionFor, footerHints, RUN_KEYS, type RunAction } from "../model/run-keys.js";
import { etaText, statusLine } from "../model/run-view.js";

export interface RunScreenProps {
	readonly snapshot: ProgressSnapshot;
	/** What a key asked for; the root turns it into a call on the run. */
	readonly onAction: (action: Exclude<RunAction, "help">) => void;
	/** @default Date.now */
	readonly now?: () => number;
	/** e.g. the customers file name. */
	readonly title?: string;
	/** What the run does, beside the name. @default "importing" */
	readonly verb?: string;
	/** Failed records so far (the failures screen's count). */
	readonly failureCount: number;
}

/** The live dashboard. Renders only the snapshot; every key goes out through `onAction`. */
export function RunScreen({
	snapshot,
	onAction,
	now: clock = Date.now,
	title,
	verb = "importing",
	failureCount,
}: RunScreenProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const { columns, rows } = useTerminalSize();
	const [isHelp, setIsHelp] = useState(false);
	const now = useNow({ now: clock, isActive: snapshot.status !== "finished" });

	useInput(
		(input, key) => {
			if (key.ctrl || key.meta) return;
			if (isHelp && key.escape) return setIsHelp(false);
			// "++" typed fast raises the concurrency twice; each key of a burst is one action.
			for (const one of keysOf(input, key)) {
				const action = actionFor(one);
				if (action === "help") setIsHelp((h) => !h);
				else if (action) onAction(action);
			}
		},
		{ isActive },
	);

	const width = Math.min(columns, 120);
	// Below 110 columns the pace curve takes a line under the headroom; a run with several keys
	// has a line per key up to four.
	const headroomLines = headroomHeight(snapshot, width);
	// 80×24 leaves 3 in-flight rows and 2 log lines (one row with four keys); taller terminals show more.
	const logLines = rows >= 30 ? 5 : rows >= 25 ? 3 : 2;
	const inFlightRows = Math.max(1, Math.min(12, rows - 17 - logLines - headroomLines));
	const isWaiting = snapshot.status === "pausing" || snapshot.status === "stopping";
	return (
		<Box flexDirection="column" width={width}>
			<Box justifyContent="space-between">
				<Text wrap="truncate-end">
					<Text bold {...theme.tint("accent")}>
						pivotal-tui
					</Text>
					<Text bold> · {verb}</Text>
					{title ? <Text dimColor> · {escapeControls(title)}</Text> : null}
					{snapshot.resumed ? <Text dimColor> · resumed</Text> : null}
				</Text>
				{/* Never squeezed: the name before it is cut instead (a long name wrapped the ETA). */}
				<Box flexShrink={0} marginLeft={1}>
					<Text>
						{formatDuration(now - snapshot.startedAt)} · ETA {etaText(snapshot, now)}
					</Text>
				</Box>
			</Box>
			<Text
				bold={snapshot.status !== "running"}
				{...theme.tint(isWaiting || snapshot.status === "paused" ? "warn" : undefined)}
				wrap="truncate-end"
			>
				{statusLine(snapshot, now)}
				{failureCount > 0 ? <Text {...theme.tint("error")}> · {failureCount} failed (f)</Text> : null}
			</Text>
			<Box marginTop={1} flexDirection="column">
				{isHelp ? (
					<Help />
				) : (
					<>
						<PassTable snapshot={snapshot} barWidth={width >= 100 ? 20 : 10} />
						<Box marginTop={1}>
							<Headroom snapshot={snapshot} now={now} width={width} />
						</Box>
						<Box marginTop={1}>
							<InFlightTable snapshot={snapshot} now={now} maxRows={inFlightRows} width={width} />
						</Box>
					</>
				)}
			</Box>
			<Box marginTop={1} flexDirection="column">
				<LogBox lines={snapshot.log} maxLines={logLines} />
			</Box>
			<KeyHints hints={footerHints(snapshot.status)} />
		</Box>
	);
}

function Help() {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<Text bold>Keys</Text>
			{RUN_KEYS.map((binding) => (
				<Text key={binding.action} wrap="truncate-end">
					<Text bold {...theme.tint("accent")}>
						{binding.keys.join(" ").padEnd(5)}
					</Text>
					{binding.help}
				</Text>
			))}
			<Text dimColor>Ctrl+C stops like q. ? or Esc closes this help.</Text>
		</Box>
	);
}
