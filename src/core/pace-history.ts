/**
 * Requests per second, for the pace curves: the last few minutes second by second, and the
 * whole run in buckets that widen as it grows. Bounded however long the run; values only (the
 * progress reducer keeps them in its snapshot), and only a change of second copies an array.
 */

/** Seconds kept second by second: the run screen's curve. */
export const RECENT_SECONDS = 300;
/** Buckets the whole-run curve keeps at most; two neighbours merge when it would exceed them. */
export const RUN_BUCKETS = 512;

/** Answers in one second (or one bucket of the run curve), and the 429s among them. */
export interface PaceCount {
	readonly requests: number;
	readonly rateLimited: number;
}

export interface PaceSecond extends PaceCount {
	/** `floor(ms / 1000)` of the answers it counts. */
	readonly second: number;
}

export interface RunCurve {
	readonly fromSecond: number;
	readonly secondsPerBucket: number;
	readonly buckets: readonly PaceCount[];
}

/** A pause from its request to its resume (`toMs` undefined while it lasts). */
export interface PauseSpan {
	readonly fromMs: number;
	readonly toMs: number | undefined;
}

export interface PaceHistory {
	/** Closed seconds that had answers, oldest first, within the last RECENT_SECONDS. */
	readonly recent: readonly PaceSecond[];
	/** The second being counted now. */
	readonly current: PaceSecond | undefined;
	/** The whole run up to the last closed second. */
	readonly run: RunCurve;
	/** Pauses, oldest first, the last 100. */
	readonly pauses: readonly PauseSpan[];
}

const MAX_PAUSES = 100;
const ZERO: PaceCount = { requests: 0, rateLimited: 0 };

export function emptyPace(): PaceHistory {
	return {
		recent: [],
		current: undefined,
		run: { fromSecond: 0, secondsPerBucket: 1, buckets: [] },
		pauses: [],
	};
}

/** One answer at `atMs`; `isRateLimited` for a 429. */
export function countAnswer(h: PaceHistory, atMs: number, isRateLimited: boolean): PaceHistory {
	const second = Math.floor(atMs / 1000);
	const current = h.current;
	if (current && current.second >= second) {
		return {
			...h,
			current: {
				second: current.second,
				requests: current.requests + 1,
				rateLimited: current.rateLimited + (isRateLimited ? 1 : 0),
			},
		};
	}
	const next: PaceSecond = { second, requests: 1, rateLimited: isRateLimited ? 1 : 0 };
	if (!current) return { ...h, current: next, run: { ...h.run, fromSecond: second } };
	const cutoff = second - RECENT_SECONDS;
	const recent = h.recent.filter((s) => s.second > cutoff);
	recent.push(current);
	return { ...h, recent, current: next, run: addToRun(h.run, current) };
}

function addToRun(run: RunCurve, s: PaceSecond): RunCurve {
	let { secondsPerBucket, buckets } = run;
	let index = Math.floor((s.second - run.fromSecond) / secondsPerBucket);
	while (index >= RUN_BUCKETS) {
		buckets = mergePairs(buckets);
		secondsPerBucket *= 2;
		index = Math.floor((s.second - run.fromSecond) / secondsPerBucket);
	}
	const next = buckets.slice();
	while (next.length <= index) next.push(ZERO);
	const was = next[index] ?? ZERO;
	next[index] = { requests: was.requests + s.requests, rateLimited: was.rateLimited + s.rateLimited };
	return { fromSecond: run.fromSecond, secondsPerBucket, buckets: next };
}

function mergePairs(buckets: readonly PaceCount[]): PaceCount[] {
	const merged: PaceCount[] = [];
	for (let i = 0; i < buckets.length; i += 2) {
		const a = buckets[i] ?? ZERO;
		const b = buckets[i + 1] ?? ZERO;
		merged.push({ requests: a.requests + b.requests, rateLimited: a.rateLimited + b.rateLimited });
	}
	return merged;
}

export function pauseStarted(h: PaceHistory, atMs: number): PaceHistory {
	const last = h.pauses[h.pauses.length - 1];
	if (last && last.toMs === undefined) return h;
	const pauses = h.pauses.slice(-(MAX_PAUSES - 1));
	pauses.push({ fromMs: atMs, toMs: undefined });
	return { ...h, pauses };
}

export function pauseEnded(h: PaceHistory, atMs: number): PaceHistory {
	const last = h.pauses[h.pauses.length - 1];
	if (!last || last.toMs !== undefined) return h;
	return { ...h, pauses: [...h.pauses.slice(0, -1), { fromMs: last.fromMs, toMs: atMs }] };
}

/** One column of a curve: answers per second over its span, 429s in it, whether a pause touched it. */
export interface PaceCell {
	readonly perSecond: number;
	readonly rateLimited: number;
	readonly isPaused: boolean;
}

/** The last `seconds` seconds up to `nowMs`, second by second, oldest first. */
export function recentSeries(h: PaceHistory, nowMs: number, seconds: number): PaceCell[] {
	const end = Math.floor(nowMs / 1000);
	const start = end - seconds + 1;
	const counts = new Map<number, PaceSecond>();
	for (const s of h.recent) if (s.second >= start) counts.set(s.second, s);
	if (h.current && h.current.second >= start) counts.set(h.current.second, h.current);
	const cells: PaceCell[] = [];
	for (let second = start; second <= end; second++) {
		const c = counts.get(second) ?? ZERO;
		cells.push({
			perSecond: c.requests,
			rateLimited: c.rateLimited,
			isPaused: isPausedWithin(h.pauses, second * 1000, second * 1000 + 1000, nowMs),
		});
	}
	return cells;
}

/** The whole run from its first answer to `endMs`, in `columns` cells at most, oldest first. */
export function runSeries(h: PaceHistory, endMs: number, columns: number): PaceCell[] {
	const run = h.current ? addToRun(h.run, h.current) : h.run;
	if (run.buckets.length === 0 || columns <= 0) return [];
	const endSecond = Math.max(run.fromSecond, Math.floor(endMs / 1000));
	const seconds = endSecond - run.fromSecond + 1;
	// Whole buckets per cell, so that no bucket is split between two cells.
	const perCell = run.secondsPerBucket * Math.ceil(Math.ceil(seconds / columns) / run.secondsPerBucket);
	const cells: PaceCell[] = [];
	for (let from = run.fromSecond; from <= endSecond; from += perCell) {
		let requests = 0;
		let rateLimited = 0;
		const first = Math.floor((from - run.fromSecond) / run.secondsPerBucket);
		const last = Math.floor(
			(Math.min(endSecond, from + perCell - 1) - run.fromSecond) / run.secondsPerBucket,
		);
		for (let i = first; i <= last; i++) {
			requests += run.buckets[i]?.requests ?? 0;
			rateLimited += run.buckets[i]?.rateLimited ?? 0;
		}
		const span = Math.min(perCell, endSecond - from + 1);
		cells.push({
			perSecond: requests / span,
			rateLimited,
			isPaused: isPausedWithin(h.pauses, from * 1000, (from + span) * 1000, endMs),
		});
	}
	return cells;
}

function isPausedWithin(pauses: readonly PauseSpan[], fromMs: number, toMs: number, nowMs: number): boolean {
	for (const p of pauses) if (p.fromMs < toMs && (p.toMs ?? nowMs) > fromMs) return true;
	return false;
}
