/** Plain text helpers for the screens: no React, no terminal. */

import { escapeControls } from "../../model/terminal-text.js";

/** `1h 02m`, `4m 05s`, `12s`, `0s`. */
export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.round(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
	if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
	return `${seconds}s`;
}

/** Whole seconds left until `untilMs`, never negative. */
export function secondsLeft(untilMs: number, now: number): number {
	return Math.max(0, Math.ceil((untilMs - now) / 1000));
}

/** `1,234`. */
export function formatCount(n: number): string {
	return n.toLocaleString("en-US");
}

/** A text bar of `width` cells: `█████░░░░░`. `ratio` is clamped to 0–1. */
export function bar(ratio: number, width: number): string {
	const safe = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
	const filled = Math.round(safe * width);
	return "█".repeat(filled) + "░".repeat(Math.max(0, width - filled));
}

/**
 * Cuts `text` to `width` columns with an ellipsis. Every cell the screens fit to a column passes
 * here, so it goes through the one terminal sanitiser first: a file's cell holding an escape
 * sequence is shown as `\x1b…`, and is measured as shown.
 */
export function truncate(text: string, width: number): string {
	if (width <= 0) return "";
	const shown = escapeControls(text);
	return shown.length <= width ? shown : `${shown.slice(0, Math.max(0, width - 1))}…`;
}

/** `text` padded or cut to exactly `width` columns. */
export function cell(text: string, width: number): string {
	return truncate(text, width).padEnd(width);
}

/** `text` right-aligned in `width` columns. */
export function rcell(text: string, width: number): string {
	return truncate(text, width).padStart(width);
}

/** Local wall-clock time `14:03:07` for log lines. */
export function clockTime(at: number): string {
	const d = new Date(at);
	return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** `min` for Pivotal's 60 s window, else `10s window` (a simulator's compressed one). */
export function windowLabel(windowMs: number): string {
	return windowMs === 60_000 ? "min" : `${formatDuration(windowMs)} window`;
}
