import type { InFlightRow, PassProgress, ProgressSnapshot } from "../../core/progress.js";
import { etaMs, pacePerMinute, passDone, passPending } from "../../core/progress.js";
import { formatDuration, secondsLeft } from "./format.js";

/**
 * The words for an in-flight request's state, with its countdown. A wait that is over while the
 * run is paused is held by the pause, not still waiting.
 */
export function describeState(row: InFlightRow, now: number, isPaused = false): string {
	const left = row.untilMs === undefined ? "" : ` ${secondsLeft(row.untilMs, now)}s`;
	const cause = row.cause ? ` (${row.cause})` : "";
	if (isPaused && row.state !== "sending" && (row.untilMs ?? 0) <= now) return `held by the pause${cause}`;
	switch (row.state) {
		case "sending":
			return "sending";
		case "retry-after":
			return `waiting Retry-After${left}${cause}`;
		case "backoff":
			return `backing off${left}${cause}`;
		case "key-in-use":
			return `key in use, retry${left}${cause}`;
	}
}

/** Oldest first: the request that has waited longest is the interesting one. */
export function inFlightRows(s: ProgressSnapshot): readonly InFlightRow[] {
	return [...s.inFlight.values()].sort((a, b) => a.since - b.since);
}

/** One line on what the run is doing; the pause and stop wording the issue asks for. */
export function statusLine(s: ProgressSnapshot, now: number): string {
	const n = s.inFlight.size;
	switch (s.status) {
		case "starting":
			return "starting";
		case "running":
			return s.rateLimitedUntil !== undefined && s.rateLimitedUntil > now
				? `running — rate limited, dispatch resumes in ${secondsLeft(s.rateLimitedUntil, now)}s`
				: `running${s.currentPass ? ` — ${s.currentPass}` : ""}`;
		case "pausing":
			return `pausing — draining ${n} in flight`;
		case "paused":
			return "paused — press p to resume";
		case "stopping":
			return n > 0
				? `stopping — draining ${n} in flight, then saving the checkpoint`
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
	readonly pace: number;
}

export function headroomView(s: ProgressSnapshot, now: number): HeadroomView | undefined {
	const h = s.headroom;
	if (!h) return undefined;
	return {
		remaining: h.remaining,
		limit: h.limit,
		ratio: h.limit > 0 ? h.remaining / h.limit : 0,
		resetInS: secondsLeft(h.resetAtMs, now),
		pace: pacePerMinute(s, now),
	};
}

export interface PassRowView {
	readonly total: number;
	/** Created or already there. */
	readonly done: number;
	readonly existed: number;
	readonly failed: number;
	readonly blocked: number;
	readonly pending: number;
	/** Share of rows with a final state. */
	readonly ratio: number;
}

export function passRowView(p: PassProgress): PassRowView {
	return {
		total: p.total,
		done: p.created + p.existed,
		existed: p.existed,
		failed: p.failed,
		blocked: p.blocked,
		pending: passPending(p),
		ratio: p.total > 0 ? passDone(p) / p.total : p.status === "finished" ? 1 : 0,
	};
}

export function etaText(s: ProgressSnapshot, now: number): string {
	if (s.status === "finished") return formatDuration((s.finishedAt ?? now) - s.startedAt);
	const eta = etaMs(s, now);
	return eta === undefined ? "—" : `~${formatDuration(eta)}`;
}
