import { Box, Text } from "ink";
import type { LogLine } from "../../core/progress.js";
import { escapeControls } from "../../model/terminal-text.js";
import { useTheme } from "../hooks/use-theme.js";
import { clockTime } from "../model/format.js";

export interface LogBoxProps {
	readonly lines: readonly LogLine[];
	/** Newest lines shown. @default 4 */
	readonly maxLines?: number;
}

/** The last few notable lines, newest last, in a box that never grows past `maxLines`. */
export function LogBox({ lines, maxLines = 4 }: LogBoxProps) {
	const theme = useTheme();
	const shown = lines.slice(-maxLines);
	return (
		<Box flexDirection="column" height={maxLines}>
			{shown.map((line) => (
				<Text
					key={`${line.at}-${line.level}-${line.message}`}
					wrap="truncate-end"
					{...theme.tint(line.level === "info" ? undefined : line.level)}
				>
					<Text dimColor>{clockTime(line.at)}</Text> {escapeControls(line.message)}
				</Text>
			))}
		</Box>
	);
}
