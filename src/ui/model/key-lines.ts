import { poolHeadroom } from "../../core/key-headroom.js";
import type { ProgressSnapshot } from "../../core/progress.js";
import { cell, secondsLeft } from "./format.js";
import { perWindow } from "./run-view.js";

/** Up to this many keys get a line each; beyond, one summary line stands for them. */
export const MAX_KEY_LINES = 4;
/** Cells of a key's headroom bar: small, so the line keeps room for its curve. */
export const KEY_BAR_WIDTH = 8;
/** A curve narrower than this says nothing: the line goes without one. */
export const MIN_CURVE_WIDTH = 8;
/** Width from which a summary line beyond MAX_KEY_LINES keys has the pace curve beside it. */
const SUMMARY_CURVE_BESIDE = 110;

/** Whether the run's headroom is shown key by key: only a run that used more than one key. */
export function isPooled(s: ProgressSnapshot): boolean {
	return s.keys.size > 1;
}

/** One key's line of the run screen, as text columns (the view only tints and pads them). */
export interface KeyLineView {
	readonly label: string;
	readonly state: "waiting" | "working" | "refused";
	/** Remaining over limit, 0–1 (0 while waiting or refused). */
	readonly ratio: number;
	/** `42/60`; empty while no answer has said. */
	readonly count: string;
	/** `reset 3s`; empty while no answer has said. */
	readonly reset: string;
	readonly rateLimited: number;
}

export function keyLineViews(s: ProgressSnapshot, now: number): KeyLineView[] {
	return [...s.keys].map(([label, key]) => {
		const state = key.isRefused ? "refused" : key.rateLimit ? "working" : "waiting";
		const rl = key.rateLimit;
		const isShown = state === "working" && rl !== undefined;
		return {
			label,
			state,
			ratio: isShown && rl.limit > 0 ? rl.remaining / rl.limit : 0,
			count: isShown ? `${rl.remaining}/${rl.limit}` : "",
			reset: isShown ? `reset ${secondsLeft(rl.resetAtMs, now)}s` : "",
			rateLimited: key.rateLimited,
		};
	});
}

/** Widths that line the keys' columns up under one another. */
export interface KeyColumns {
	readonly label: number;
	readonly count: number;
	readonly reset: number;
	readonly rateLimited: number;
}

export function keyColumns(views: readonly KeyLineView[]): KeyColumns {
	const widest = (pick: (v: KeyLineView) => string) => Math.max(0, ...views.map((v) => pick(v).length));
	return {
		label: widest((v) => v.label),
		// Room for the words of a key without a window, even when no key has one yet.
		count: Math.max(
			"60/60".length,
			widest((v) => v.count),
		),
		reset: Math.max(
			"reset 0s".length,
			widest((v) => v.reset),
		),
		rateLimited: widest((v) => `429s ${v.rateLimited}`),
	};
}

/** A key line up to its curve, in the view's pieces: the bar goes between `label` and `middle`. */
export interface KeyLineHead {
	readonly label: string;
	readonly hasBar: boolean;
	readonly middle: string;
	readonly rateLimited: string;
}

/**
 * Label, bar, count, reset and 429s, padded to `columns`. A key that has not answered yet, or
 * that the server refused, says so in place of its bar, count and reset.
 */
export function keyLineHead(v: KeyLineView, columns: KeyColumns): KeyLineHead {
	const label = `${v.label.padEnd(columns.label)} `;
	const rateLimited = `429s ${v.rateLimited}`.padEnd(columns.rateLimited);
	if (v.state === "working") {
		const middle = ` ${v.count.padStart(columns.count)}  ${v.reset.padEnd(columns.reset)}  `;
		return { label, hasBar: true, middle, rateLimited };
	}
	const words = v.state === "refused" ? "refused, left the pool" : "no answer yet";
	const width = KEY_BAR_WIDTH + 1 + columns.count + 2 + columns.reset;
	return { label, hasBar: false, middle: `${cell(words, width)}  `, rateLimited };
}

/** Characters of a key line before its curve. */
export function keyHeadWidth(columns: KeyColumns): number {
	return columns.label + 1 + KEY_BAR_WIDTH + 1 + columns.count + 2 + columns.reset + 2 + columns.rateLimited;
}

/** The pool's line in pieces, so the view can tint the 429s: `text` is all of it. */
export interface PoolSummary {
	/** `3 keys: 126/180 left per 10s, ` */
	readonly head: string;
	/** `0 × 429` */
	readonly rateLimited: string;
	/** Beyond MAX_KEY_LINES keys: `, slowest reset 12s, 1 refused`; else empty. */
	readonly tail: string;
	readonly text: string;
}

/**
 * The pool in one line: `3 keys: 126/180 left per 10s, 0 × 429`; beyond MAX_KEY_LINES keys,
 * where no key has a line of its own, also the slowest reset and the keys refused.
 */
export function poolSummary(s: ProgressSnapshot, now: number): PoolSummary {
	const pool = poolHeadroom(s.keys, now);
	const isGuess = s.windowMs === undefined || s.windowSource === "assumed";
	const window =
		pool.limit > 0
			? `${pool.remaining}/${pool.limit} left ${perWindow(s.windowMs, isGuess)}`
			: "waiting for the first answer";
	const head = `${pool.keys} keys: ${window}, `;
	const rateLimited = `${pool.rateLimited} × 429`;
	const extra: string[] = [];
	if (pool.keys > MAX_KEY_LINES) {
		if (pool.slowestResetAtMs !== undefined)
			extra.push(`slowest reset ${secondsLeft(pool.slowestResetAtMs, now)}s`);
		const refused = pool.keys - pool.working;
		if (refused > 0) extra.push(`${refused} refused`);
	}
	const tail = extra.map((part) => `, ${part}`).join("");
	return { head, rateLimited, tail, text: head + rateLimited + tail };
}

/** Whether the pool's pace curve sits on the summary line (else on a line of its own under it). */
export function isPoolCurveBeside(s: ProgressSnapshot, width: number): boolean {
	return s.keys.size <= MAX_KEY_LINES || width >= SUMMARY_CURVE_BESIDE;
}

/**
 * Lines the headroom takes on the run screen, so the screen can give the rest to the in-flight
 * table: the headroom and its curve (one line from 110 columns, two below) for one key; for a
 * pool, the summary (with its curve beside, or under it) and a line per key up to MAX_KEY_LINES.
 */
export function headroomHeight(s: ProgressSnapshot, width: number): number {
	if (!isPooled(s)) return width >= SUMMARY_CURVE_BESIDE ? 1 : 2;
	const summary = isPoolCurveBeside(s, width) ? 1 : 2;
	return summary + (s.keys.size <= MAX_KEY_LINES ? s.keys.size : 0);
}
