import { Box, Text } from "ink";
import type { ProgressSnapshot } from "../../core/progress.js";
import { useTheme } from "../hooks/use-theme.js";
import { bar } from "../model/format.js";
import { headroomView } from "../model/run-view.js";
import { liveCells, secondsPerColumn } from "../model/sparkline.js";
import { Sparkline } from "./Sparkline.js";

export interface HeadroomProps {
	readonly snapshot: ProgressSnapshot;
	readonly now: number;
	/** Columns to fill; from 110 the pace curve sits beside the headroom, below it otherwise. @default 80 */
	readonly width?: number;
	/** Most per-key curves to show under the total (only when answers name their key). @default 0 */
	readonly maxKeyLines?: number;
}

const BAR_WIDTH = 10;
/** Width from which the curve fits beside the headroom line. */
const SIDE_BY_SIDE = 110;

/**
 * The rate-limit window: remaining/limit per window (as learnt), when it resets, 429s and
 * concurrency; beside or below it the pace of the last minutes as a curve.
 */
export function Headroom({ snapshot, now, width = 80, maxKeyLines = 0 }: HeadroomProps) {
	const theme = useTheme();
	const h = headroomView(snapshot, now);
	const perMinute = `${h?.pace ?? 0}/min`;
	const head = h
		? `headroom ${bar(h.ratio, BAR_WIDTH)} ${h.remaining}/${h.limit} ${h.per}  reset ${h.resetInS}s  `
		: "headroom: waiting for the first response  ";
	const tail = `429s ${snapshot.rateLimited}  conc ${snapshot.concurrency}`;
	const isBeside = width >= SIDE_BY_SIDE;
	const curveWidth = Math.max(
		8,
		(isBeside ? width - head.length - tail.length - 2 : width) - 6 - perMinute.length,
	);
	const per = secondsPerColumn(snapshot.windowMs);
	const curve = <Sparkline cells={liveCells(snapshot.pace, now, curveWidth, per)} suffix={perMinute} />;
	const keys = [...snapshot.paceByKey].slice(0, maxKeyLines);
	const labelWidth = Math.max(4, ...keys.map(([label]) => label.length));
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{h ? (
					<>
						headroom <Text {...theme.tint(h.ratio < 0.1 ? "warn" : "ok")}>{bar(h.ratio, BAR_WIDTH)}</Text>
						{head.slice(`headroom ${bar(h.ratio, BAR_WIDTH)}`.length)}
					</>
				) : (
					<Text dimColor>{head}</Text>
				)}
				<Text {...theme.tint(snapshot.rateLimited > 0 ? "warn" : undefined)}>
					429s {snapshot.rateLimited}
				</Text>
				{"  "}conc {snapshot.concurrency}
				{isBeside ? <Text>{"  "}</Text> : null}
				{isBeside ? curve : null}
			</Text>
			{isBeside ? null : curve}
			{keys.length > 1
				? keys.map(([label, history]) => (
						<Sparkline
							key={label}
							label={label.padEnd(labelWidth)}
							cells={liveCells(history, now, curveWidth - labelWidth + 4, per)}
						/>
					))
				: null}
		</Box>
	);
}
