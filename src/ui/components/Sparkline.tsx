import { Text } from "ink";
import type { PaceCell } from "../../core/pace-history.js";
import { useTheme } from "../hooks/use-theme.js";
import { glyphRuns, peakPerSecond, type SparkKind, sparkGlyphs } from "../model/sparkline.js";
import type { ColorRole } from "../model/theme.js";

export interface SparklineProps {
	/** Oldest first, one column each. */
	readonly cells: readonly PaceCell[];
	/** Answers per second that fill a column. @default the peak of `cells` */
	readonly top?: number;
	/** Before the curve. @default "pace" */
	readonly label?: string;
	/** After the curve, e.g. `12/s`. */
	readonly suffix?: string;
}

const ROLE: Readonly<Record<SparkKind, ColorRole | undefined>> = {
	pace: "accent",
	"rate-limited": "error",
	paused: "warn",
	idle: undefined,
};

/**
 * Answers per second as one line of block characters, as oha draws its live charts: a `!`
 * where a 429 came back, `‖` where the run stood paused. Legible without colour.
 */
export function Sparkline({ cells, top, label = "pace", suffix }: SparklineProps) {
	const theme = useTheme();
	const runs = glyphRuns(sparkGlyphs(cells, top ?? peakPerSecond(cells)));
	return (
		<Text wrap="truncate-end">
			<Text dimColor>{label} </Text>
			{runs.map((run, i) => (
				// Runs are positional: the same index is the same stretch of the line.
				// biome-ignore lint/suspicious/noArrayIndexKey: positional runs of one line
				<Text key={i} {...theme.tint(ROLE[run.kind])}>
					{run.text}
				</Text>
			))}
			{suffix ? <Text> {suffix}</Text> : null}
		</Text>
	);
}
