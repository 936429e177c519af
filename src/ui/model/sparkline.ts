import { type PaceCell, type PaceHistory, RECENT_SECONDS, recentSeries } from "../../core/pace-history.js";

/** Heights one to eight; an empty cell is a space, so the gaps between bursts read as gaps. */
const LEVELS = "▁▂▃▄▅▆▇█";
/** A cell with a 429 in it: the mark holds without colour too. */
export const RATE_LIMITED_MARK = "!";
/** A cell the run spent paused (and sent nothing in). */
export const PAUSED_MARK = "‖";

export type SparkKind = "pace" | "rate-limited" | "paused" | "idle";

/** One character of the curve and what it stands for (the view picks the colour). */
export interface SparkGlyph {
	readonly char: string;
	readonly kind: SparkKind;
}

/** Glyphs for `cells`, scaled so that `top` answers per second fills a cell. */
export function sparkGlyphs(cells: readonly PaceCell[], top: number): SparkGlyph[] {
	const scale = top > 0 ? top : 1;
	return cells.map((cell) => {
		if (cell.rateLimited > 0) return { char: RATE_LIMITED_MARK, kind: "rate-limited" };
		if (cell.perSecond <= 0)
			return cell.isPaused ? { char: PAUSED_MARK, kind: "paused" } : { char: " ", kind: "idle" };
		const level = Math.min(
			LEVELS.length - 1,
			Math.max(0, Math.ceil((cell.perSecond / scale) * LEVELS.length) - 1),
		);
		return { char: LEVELS[level] ?? "█", kind: "pace" };
	});
}

/** Runs of the same kind, so the view draws one `<Text>` per colour change, not per cell. */
export function glyphRuns(
	glyphs: readonly SparkGlyph[],
): { readonly kind: SparkKind; readonly text: string }[] {
	const runs: { kind: SparkKind; text: string }[] = [];
	for (const g of glyphs) {
		const last = runs[runs.length - 1];
		if (last && last.kind === g.kind) last.text += g.char;
		else runs.push({ kind: g.kind, text: g.char });
	}
	return runs;
}

/** The largest per-second figure among `cells` (0 for none). */
export function peakPerSecond(cells: readonly PaceCell[]): number {
	let peak = 0;
	for (const cell of cells) if (cell.perSecond > peak) peak = cell.perSecond;
	return peak;
}

/** `12/s`, `0.4/s`. */
export function perSecondText(value: number): string {
	if (value >= 10 || value === 0) return `${Math.round(value)}/s`;
	return `${value.toFixed(1).replace(/\.0$/, "")}/s`;
}

/** Seconds per column of the live curve: one for short windows, a few for a minute's, so it spans minutes. */
export function secondsPerColumn(windowMs: number | undefined): number {
	return Math.min(5, Math.max(1, Math.round((windowMs ?? 60_000) / 20_000)));
}

/** The last `columns × per` seconds of `history` up to `nowMs`, `per` seconds to a column. */
export function liveCells(history: PaceHistory, nowMs: number, columns: number, per: number): PaceCell[] {
	if (columns <= 0) return [];
	const seconds = recentSeries(history, nowMs, Math.min(RECENT_SECONDS, columns * per));
	const cells: PaceCell[] = [];
	for (let i = 0; i < seconds.length; i += per) {
		const group = seconds.slice(i, i + per);
		cells.push({
			perSecond: group.reduce((sum, c) => sum + c.perSecond, 0) / group.length,
			rateLimited: group.reduce((sum, c) => sum + c.rateLimited, 0),
			isPaused: group.some((c) => c.isPaused),
		});
	}
	return cells;
}
