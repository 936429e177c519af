import { Box, Text } from "ink";
import type { ProgressSnapshot } from "../../core/progress.js";
import { paceShownPerMinute } from "../../core/progress.js";
import { useTheme } from "../hooks/use-theme.js";
import { bar } from "../model/format.js";
import {
	isPoolCurveBeside,
	KEY_BAR_WIDTH,
	type KeyLineView,
	keyColumns,
	keyHeadWidth,
	keyLineHead,
	keyLineViews,
	MAX_KEY_LINES,
	MIN_CURVE_WIDTH,
	poolSummary,
} from "../model/key-lines.js";
import { liveCells, peakPerSecond, secondsPerColumn } from "../model/sparkline.js";
import { Sparkline } from "./Sparkline.js";

export interface KeyHeadroomProps {
	readonly snapshot: ProgressSnapshot;
	readonly now: number;
	/** Columns to fill. @default 80 */
	readonly width?: number;
}

/**
 * The headroom of a run with several keys: the pool summed up on one line with its pace curve,
 * then one compact line per key (bar, remaining/limit, reset, 429s, its own curve where it
 * fits); beyond MAX_KEY_LINES keys the summary line alone stands for them.
 */
export function KeyHeadroom({ snapshot, now, width = 80 }: KeyHeadroomProps) {
	const theme = useTheme();
	const per = secondsPerColumn(snapshot.windowMs);
	const summary = poolSummary(snapshot, now);
	const perMinute = `${paceShownPerMinute(snapshot, now)}/min`;
	const conc = `  conc ${snapshot.concurrency}  `;
	const isBeside = isPoolCurveBeside(snapshot, width);
	// "pace " before the curve and " 216/min" after it.
	const chrome = 5 + 1 + perMinute.length;
	const curveWidth = Math.max(
		MIN_CURVE_WIDTH,
		(isBeside ? width - summary.text.length - conc.length : width) - chrome,
	);
	const curve = <Sparkline cells={liveCells(snapshot.pace, now, curveWidth, per)} suffix={perMinute} />;
	const views = snapshot.keys.size <= MAX_KEY_LINES ? keyLineViews(snapshot, now) : [];
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{summary.head}
				<Text {...theme.tint(snapshot.rateLimited > 0 ? "warn" : undefined)}>{summary.rateLimited}</Text>
				{summary.tail}
				{conc}
				{isBeside ? curve : null}
			</Text>
			{isBeside ? null : curve}
			<KeyLines snapshot={snapshot} now={now} width={width} views={views} per={per} />
		</Box>
	);
}

function KeyLines({
	snapshot,
	now,
	width,
	views,
	per,
}: {
	readonly snapshot: ProgressSnapshot;
	readonly now: number;
	readonly width: number;
	readonly views: readonly KeyLineView[];
	readonly per: number;
}) {
	const theme = useTheme();
	if (views.length === 0) return null;
	const columns = keyColumns(views);
	// The Sparkline's empty label leaves one space before the curve.
	const curveWidth = width - keyHeadWidth(columns) - 1;
	const hasCurves = curveWidth >= MIN_CURVE_WIDTH;
	const curves = new Map(
		hasCurves
			? views.map((v) => {
					const history = snapshot.paceByKey.get(v.label);
					return [v.label, history ? liveCells(history, now, curveWidth, per) : []] as const;
				})
			: [],
	);
	// One scale for every key's curve, so a key that sends less reads lower.
	const top = Math.max(0, ...[...curves.values()].map(peakPerSecond));
	return (
		<>
			{views.map((v) => {
				const head = keyLineHead(v, columns);
				const cells = curves.get(v.label);
				return (
					<Text key={v.label} wrap="truncate-end">
						<Text dimColor={v.state === "refused"}>{head.label}</Text>
						{head.hasBar ? (
							<Text {...theme.tint(v.ratio < 0.1 ? "warn" : "ok")}>{bar(v.ratio, KEY_BAR_WIDTH)}</Text>
						) : null}
						<Text
							{...theme.tint(v.state === "refused" ? "error" : undefined)}
							dimColor={v.state === "waiting"}
						>
							{head.middle}
						</Text>
						<Text {...theme.tint(v.rateLimited > 0 ? "warn" : undefined)}>{head.rateLimited}</Text>
						{cells && cells.length > 0 ? <Sparkline cells={cells} top={top} label="" /> : null}
					</Text>
				);
			})}
		</>
	);
}
