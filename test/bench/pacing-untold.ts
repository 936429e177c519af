/**
 * Row a, the window not told: the importer learns it from the headers. N = 1.8, 2 and 3.8 ×
 * limit requests (a run that ends just inside a window, one that fills its last window
 * exactly, and one with most of a window left over), each against the fastest any client can
 * do under the same sliding window. Windows of 2 s and 6 s in rounds (row a); 60 s once
 * (row a60: a run of 3.8 × limit takes three minutes).
 */

import { join } from "node:path";
import { probeRoundTrip } from "./common.js";
import { theoreticalMinimumMs, timeOurs } from "./pacing.js";
import { formatSpread, spread } from "./paired.js";
import { spawnSim } from "./sim-process.js";
import { fixed, type RowReport, type TableLine } from "./table.js";

const LIMIT = 60;
const TIMES = [1.8, 2, 3.8] as const;
/** Target: within 3 % of the minimum at every point, and no 429. */
const MAX_RATIO = 1.03;

interface Point {
	readonly ratio: number;
	readonly ms: number;
	readonly minimumMs: number;
	readonly rateLimited: number;
	readonly requests: number;
	readonly clockAsks: number;
	/**
	 * The pacing's own lateness: at each window boundary, how long after one window from the
	 * previous batch's first answer the next batch's first answer came, less a round trip (the
	 * most of all boundaries). What a slow machine adds to the time a batch takes to go out is
	 * not in it.
	 */
	readonly lateMs: number;
	/** How long the last batch took from its first answer to its last: the machine's share. */
	readonly lastBatchMs: number;
	/**
	 * From the start to the answer, in the first window, of the request whose slot the last
	 * request takes (a window per later batch after it): the opening (GET /me, the state, the
	 * first list page) and the first burst up to that request, which the minimum counts as nothing.
	 */
	readonly firstShareMs: number;
}

/**
 * `rounds` runs of one point; with `warmUp`, one run more before them, not among the points: the
 * bench process's first import runs the engine's code cold (compiled as it goes), which is the
 * start-up row's subject, not the pacing's. Its point is returned apart, for the notes.
 */
async function onePoint(
	tmp: string,
	windowMs: number,
	times: number,
	rounds: number,
	warmUp = false,
): Promise<{ points: Point[]; cold?: Point | undefined }> {
	const sim = await spawnSim(["--rate-limit", String(LIMIT), "--window", String(windowMs / 1000)]);
	const points: Point[] = [];
	try {
		const rtt = await probeRoundTrip(sim.baseUrl);
		for (let round = warmUp ? -1 : 0; round < rounds; round++) {
			await sim.reset();
			// GET /me, one page of GET /customers (the first sync's walk), then the creates.
			const requests = Math.round(times * LIMIT);
			const dir = join(tmp, `a-untold-${windowMs}-${times}-${round < 0 ? "cold" : round}`);
			const ours = await timeOurs(sim, dir, requests, undefined, 2);
			const counters = await sim.counters();
			const clockAsks = Object.entries(counters.byRoute)
				.filter(([route]) => route.startsWith("GET /health"))
				.reduce((sum, [, n]) => sum + n, 0);
			const sent = counters.requests - clockAsks;
			const minimumMs = theoreticalMinimumMs(sent, LIMIT, windowMs, rtt);
			const at = ours.answersAt;
			let lateMs = 0;
			for (let b = LIMIT; b < at.length; b += LIMIT) {
				lateMs = Math.max(lateMs, (at[b] ?? 0) - (at[b - LIMIT] ?? 0) - windowMs - rtt);
			}
			const lastStart = Math.floor((at.length - 1) / LIMIT) * LIMIT;
			points.push({
				firstShareMs: at[(at.length - 1) % LIMIT] ?? 0,
				lateMs,
				lastBatchMs: (at[at.length - 1] ?? 0) - (at[lastStart] ?? 0),
				ratio: ours.ms / minimumMs,
				ms: ours.ms,
				minimumMs,
				rateLimited: ours.rateLimited,
				requests: sent,
				clockAsks,
			});
		}
	} finally {
		await sim.close();
	}
	return warmUp ? { points: points.slice(1), cold: points[0] } : { points };
}

function lineOf(row: string, windowMs: number, times: number, points: readonly Point[]): TableLine {
	const ratio = spread(points.map((p) => p.ratio));
	const ms = spread(points.map((p) => p.ms));
	const minimum = spread(points.map((p) => p.minimumMs));
	const rateLimited = points.reduce((sum, p) => sum + p.rateLimited, 0);
	const asks = spread(points.map((p) => p.clockAsks));
	const n = points[0]?.requests ?? 0;
	const late = spread(points.map((p) => p.lateMs));
	const lastBatch = spread(points.map((p) => p.lastBatchMs));
	const firstShare = spread(points.map((p) => p.firstShareMs));
	const digits = points.length > 1 ? formatSpread(ratio, 3) : fixed(ratio.median);
	return {
		row,
		measured: `window ${windowMs / 1000} s not told, ${LIMIT}/window, N = ${n} (${times} × limit): makespan ÷ minimum`,
		figure: `${digits}; ${(ms.median / 1000).toFixed(2)} s ÷ ${(minimum.median / 1000).toFixed(2)} s; ${rateLimited} × 429; ${asks.median} GET /health; paced late ≤ ${late.max.toFixed(0)} ms; first window's share ${firstShare.median.toFixed(0)} ms; last batch out in ${lastBatch.median.toFixed(0)} ms`,
		target: `≤ ${MAX_RATIO}, 0 × 429`,
		isPass: ratio.max <= MAX_RATIO && rateLimited === 0,
	};
}

async function untold(
	row: string,
	tmp: string,
	windows: readonly number[],
	rounds: number,
): Promise<RowReport> {
	const lines: TableLine[] = [];
	let cold: Point | undefined;
	for (const windowMs of windows) {
		for (const times of TIMES) {
			const first = lines.length === 0;
			const measured = await onePoint(tmp, windowMs, times, rounds, first && rounds > 1);
			cold ??= measured.cold;
			lines.push(lineOf(row, windowMs, times, measured.points));
		}
	}
	const coldNote =
		cold === undefined
			? []
			: [
					`${row}: before the first point's runs, one more run of it, not in the figures: the bench process's first import, its code still cold; makespan ÷ minimum ${cold.ratio.toFixed(3)} (${(cold.ms / 1000).toFixed(2)} s ÷ ${(cold.minimumMs / 1000).toFixed(2)} s), first window's share ${cold.firstShareMs.toFixed(0)} ms, ${cold.rateLimited} × 429. A command-line run pays that start in every process: row h measures it.`,
				];
	return {
		lines,
		notes: [
			...coldNote,
			`${row}: the window not told; ${rounds === 1 ? "one run" : `${rounds} runs`} per point on a fresh simulator window (reset before each), figure = ${rounds === 1 ? "that run" : "median (min–max) of the runs, every run ≤ target to pass"}; N counts every request the run sent to a key (GET /me, the first sync's GET /customers, the creates), not the GET /health asks of the server's clock beside it (median shown), which no key pays for. Minimum = (ceil(N/limit) − 1) × window + one round trip. "Paced late" = at each window boundary, the next batch's first answer less (the previous batch's first answer + window + round trip), the most over the boundaries and runs: the pacing's own loss. "First window's share" = from the start to the answer of the first-window request whose slot the last request takes (median): the opening (GET /me, the state, the first list page) and the first burst up to that request, which the minimum counts as nothing. "Last batch out" = from the last batch's first answer to its last (median): the time this machine takes to send a window's worth, which the minimum counts as one round trip.`,
		],
	};
}

/** Row a's untold points on 2 s and 6 s windows: five runs each. */
export function untoldShortRow(tmp: string): Promise<RowReport> {
	return untold("a", tmp, [2_000, 6_000], 5);
}

/** The documented 60 s window: one run per point (about five minutes in all). */
export function untoldMinuteRow(tmp: string): Promise<RowReport> {
	return untold("a60", tmp, [60_000], 1);
}
