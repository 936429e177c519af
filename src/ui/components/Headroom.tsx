import { Box, Text } from "ink";
import type { ProgressSnapshot } from "../../core/progress.js";
import { useTheme } from "../hooks/use-theme.js";
import { bar } from "../model/format.js";
import { isPooled } from "../model/key-lines.js";
import { headroomView } from "../model/run-view.js";
import { liveCells, secondsPerColumn } from "../model/sparkline.js";
import { KeyHeadroom } from "./KeyHeadroom.js";
import { Sparkline } from "./Sparkline.js";

export interface HeadroomProps {
	readonly snapshot: ProgressSnapshot;
	readonly now: number;
	/** Columns to fill; from 110 the pace curve sits beside the headroom, below it otherwise. @default 80 */
	readonly width?: number;
}

const BAR_WIDTH = 10;
/** Width from which the curve fits beside the headroom line. */
const SIDE_BY_SIDE = 110;

/**
 * The rate-limit window: remaining/limit per window (as learnt), when it resets, 429s and
 * concurrency; beside or below it the pace of the last minutes as a curve. A run with several
 * keys shows them key by key instead (`KeyHeadroom`).
 */
export function Headroom({ snapshot, now, width = 80 }: HeadroomProps) {
	if (isPooled(snapshot)) return <KeyHeadroom snapshot={snapshot} now={now} width={width} />;
	return <OneKeyHeadroom snapshot={snapshot} now={now} width={width} />;
}

function OneKeyHeadroom({ snapshot, now, width = 80 }: HeadroomProps) {
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
		</Box>
	);
}
