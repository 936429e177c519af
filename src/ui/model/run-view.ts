import type { InFlightRow, PassProgress, ProgressSnapshot } from "../../core/progress.js";
import {
	etaMs,
	paceShownPerMinute,
	passDone,
	passPending,
	passWritten,
	sendingCount,
} from "../../core/progress.js";
import { formatDuration, secondsLeft } from "./format.js";

/** What a wait is for once its countdown is over and the record still has not gone. */
const SLOT_WAIT = "waiting for a slot";

/**
 * The words for an in-flight request's state, with its live countdown. A countdown that is
 * over says what the record waits for instead of counting `0s`: a slot in the window, or the
 * pause that holds it.
 */
export function describeState(row: InFlightRow, now: number, isPaused = false): string {
	if (row.state === "sending") return "sending";
	const isOver = row.untilMs === undefined || row.untilMs <= now;
	if (isPaused && (isOver || row.state === "slot")) return "held by the pause";
	if (isOver) return SLOT_WAIT;
	const left = `${secondsLeft(row.untilMs ?? now, now)}s`;
	switch (row.state) {
		case "slot":
			return row.cause === "429" ? `Retry-After ${left} (429)` : `next slot in ${left}`;
		case "retry-after":
			return `Retry-After ${left} (${row.cause ?? "429"})`;
		case "backoff":
			return `backoff ${left}${row.cause ? ` after ${row.cause}` : ""}`;
		case "key-in-use":
			return `key in use, retry in ${left}${row.cause ? ` (${row.cause})` : ""}`;
	}
}

/** Oldest first: the request that has waited longest is the interesting one. */
export function inFlightRows(s: ProgressSnapshot): readonly InFlightRow[] {
	return [...s.inFlight.values()].sort((a, b) => a.since - b.since);
}

/** The window's side of the status line: what dispatch waits for, or undefined while it flows. */
function waitingFor(s: ProgressSnapshot, now: number): string | undefined {
	if (s.rateLimitedUntil !== undefined && s.rateLimitedUntil > now) {
		return `rate limited (429), Retry-After ${secondsLeft(s.rateLimitedUntil, now)}s`;
	}
	let next: number | undefined;
	let isWaiting = false;
	for (const row of s.inFlight.values()) {
		if (row.state !== "slot") continue;
		isWaiting = true;
		if (row.untilMs !== undefined && row.untilMs > now && (next === undefined || row.untilMs < next))
			next = row.untilMs;
	}
	if (!isWaiting) return undefined;
	return next === undefined
		? `window full, ${SLOT_WAIT}`
		: `window full, next slot in ${secondsLeft(next, now)}s`;
}

/** One line on what the run is doing and, while it waits, what for. */
export function statusLine(s: ProgressSnapshot, now: number): string {
	const n = sendingCount(s);
	switch (s.status) {
		case "starting":
			return "starting";
		case "running": {
			const wait = waitingFor(s, now);
			const pass = s.currentPass ? ` — ${s.currentPass}` : "";
			return wait ? `running${pass} · ${wait}` : `running${pass}`;
		}
		case "pausing":
			return `pausing — draining ${n} in flight`;
		case "paused":
			return "paused — press p to resume";
		case "stopping":
			return n > 0
				? `stopping — draining ${n} in flight, then saving the checkpoint (Ctrl+C again leaves now: those stay in doubt, checked on resume)`
				: "stopping — saving the checkpoint";
		case "finished":
			return `finished — ${s.outcome ?? "done"}`;
	}
}

export interface HeadroomView {
	readonly remaining: number;
	readonly limit: number;
	readonly ratio: number;
	readonly resetInS: number;
	/** Answers in the last minute. */
	readonly pace: number;
	/** `per 10s`, `per min`; `per min?` while the window is still the first guess. */
	readonly per: string;
}

export function headroomView(s: ProgressSnapshot, now: number): HeadroomView | undefined {
	const h = s.headroom;
	if (!h) return undefined;
	return {
		remaining: h.remaining,
		limit: h.limit,
		ratio: h.limit > 0 ? h.remaining / h.limit : 0,
		resetInS: secondsLeft(h.resetAtMs, now),
		pace: paceShownPerMinute(s, now),
		per: perWindow(s.windowMs, s.windowMs === undefined || s.windowSource === "assumed"),
	};
}

/**
 * The window in whole seconds, as the headroom line says it. A learnt window is an upper bound
 * a little over the server's (by under a second once learnt), so it is rounded down.
 */
export function perWindow(windowMs: number | undefined, isGuess = windowMs === undefined): string {
	const seconds = Math.max(1, Math.floor((windowMs ?? 60_000) / 1000));
	return `per ${seconds === 60 ? "min" : formatDuration(seconds * 1000).replace(" ", "")}${isGuess ? "?" : ""}`;
}

export interface PassRowView {
	readonly total: number;
	/** Written in Pivotal by this run: created, changed, deleted or put back. */
	readonly written: number;
	/** Already as the files have it: adopted unchanged, or unchanged since the last sync. */
	readonly same: number;
	readonly failed: number;
	readonly blocked: number;
	readonly pending: number;
	/** Share of rows with a final state. */
	readonly ratio: number;
}

export function passRowView(p: PassProgress): PassRowView {
	return {
		total: p.total,
		written: passWritten(p),
		same: p.existed + p.unchanged,
		failed: p.failed,
		blocked: p.blocked,
		pending: passPending(p),
		ratio: p.total > 0 ? passDone(p) / p.total : p.status === "finished" ? 1 : 0,
	};
}

export function etaText(s: ProgressSnapshot, now: number): string {
	if (s.status === "finished") return formatDuration((s.finishedAt ?? now) - s.startedAt);
	// Stopping: what is left is not going to be sent in this run.
	if (s.status === "stopping") return "—";
	const eta = etaMs(s, now);
	return eta === undefined ? "—" : `~${formatDuration(eta)}`;
}
