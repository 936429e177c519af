/**
 * Row g: several keys of one workspace. K keys at 60 per 6 s window each should send K times
 * as fast as one: the makespan against the K-key minimum, the 429s each key drew, and every
 * record exactly once. The engine is not told the window.
 */

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint, maskKey } from "../../src/api/key.js";
import { startImport } from "../../src/core/engine.js";
import type { KeyLane } from "../../src/core/run-types.js";
import { checkpointIn, dataset, probeRoundTrip } from "./common.js";
import { theoreticalMinimumMs } from "./pacing.js";
import { formatSpread, spread } from "./paired.js";
import { spawnSim } from "./sim-process.js";
import { fixed, type RowReport, type TableLine } from "./table.js";

const LIMIT = 60;
const WINDOW_MS = 6_000;
const POOLS = [2, 4] as const;
/** Target: within 5 % of the K-key minimum. */
const MAX_RATIO = 1.05;
/** Runs per pool size, each on a fresh simulator window. */
const ROUNDS = 5;
/** Windows' worth of requests per key: the minimum is (WINDOWS − 1) windows plus a round trip. */
const WINDOWS = 2;

export async function keyPoolRow(tmp: string): Promise<RowReport> {
	const lines: TableLine[] = [];
	const notes: string[] = [];
	for (const k of POOLS) {
		const sim = await spawnSim(["--rate-limit", String(LIMIT), "--window", String(WINDOW_MS / 1000)]);
		try {
			const rtt = await probeRoundTrip(sim.baseUrl);
			const runs: {
				ratio: number;
				elapsed: number;
				minimum: number;
				rateLimited: number;
				created: number;
				duplicates: number;
				asks: number;
				firstShareMs: number;
				lastBatchMs: number;
			}[] = [];
			const keys = Array.from({ length: k }, (_, i) => `pivotal_bench_pool${i}_00a1b2`);
			// GET /me and the first sync's one walk of GET /customers, then the creates: K × limit × WINDOWS requests.
			const requests = k * LIMIT * WINDOWS;
			const customers = requests - 2;
			for (let round = 0; round < ROUNDS; round++) {
				await sim.reset();
				const dir = join(tmp, `g-${k}-${round}`);
				await mkdir(dir, { recursive: true });
				const data = await dataset(dir, customers);
				const lanes: KeyLane[] = keys.map((key) => ({
					client: createClient({ baseUrl: sim.baseUrl, apiKey: key }),
					fingerprint: keyFingerprint(key),
					label: maskKey(key),
				}));
				const started = performance.now();
				const run = startImport(
					{
						files: data.files,
						checkpointPath: checkpointIn(dir, "pool"),
						keyFingerprint: lanes[0]!.fingerprint,
						keyFingerprints: lanes.map((l) => l.fingerprint),
						baseUrl: sim.baseUrl,
						check: data.check,
					},
					{ client: lanes[0]!.client, keys: lanes },
				);
				// When each answer to a key's request arrived (ms from the start), in order.
				const at: number[] = [];
				run.subscribe((event) => {
					if (event.type === "response") at.push(performance.now() - started);
				});
				const summary = await run.done;
				const elapsed = performance.now() - started;
				await Promise.all(lanes.map((l) => l.client.close()));
				const counters = await sim.counters();
				const duplicates = (
					(await (await fetch(`${sim.origin}/_admin/duplicates`)).json()) as { total: number }
				).total;
				const asks = Object.entries(counters.byRoute)
					.filter(([route]) => route.startsWith("GET /health"))
					.reduce((sum, [, n]) => sum + n, 0);
				const minimum = theoreticalMinimumMs(requests, k * LIMIT, WINDOW_MS, rtt);
				runs.push({
					ratio: elapsed / minimum,
					elapsed,
					minimum,
					rateLimited: counters.rateLimited,
					created: summary.passes.customers.created,
					duplicates,
					asks,
					// As in row a: the start to the first-window answer whose slot the last request takes,
					// and the last batch from its first answer to its last.
					firstShareMs: at[(at.length - 1) % (k * LIMIT)] ?? 0,
					lastBatchMs:
						(at[at.length - 1] ?? 0) - (at[Math.floor((at.length - 1) / (k * LIMIT)) * k * LIMIT] ?? 0),
				});
			}
			const ratio = spread(runs.map((r) => r.ratio));
			const elapsed = spread(runs.map((r) => r.elapsed)).median;
			const minimum = spread(runs.map((r) => r.minimum)).median;
			const perKey = Math.max(...runs.map((r) => r.rateLimited)) / k;
			const created = Math.min(...runs.map((r) => r.created));
			const duplicates = Math.max(...runs.map((r) => r.duplicates));
			const asks = spread(runs.map((r) => r.asks)).median;
			const firstShare = spread(runs.map((r) => r.firstShareMs)).median;
			const lastBatch = spread(runs.map((r) => r.lastBatchMs)).median;
			lines.push(
				{
					row: "g",
					measured: `${k} keys × ${LIMIT}/${WINDOW_MS / 1000} s, window not told: makespan ÷ ${k}-key minimum`,
					figure: `${formatSpread(ratio, 3)}; ${(elapsed / 1000).toFixed(2)} s ÷ ${(minimum / 1000).toFixed(2)} s; ${asks} GET /health; first window's share ${firstShare.toFixed(0)} ms; last batch out in ${lastBatch.toFixed(0)} ms`,
					target: `≤ ${MAX_RATIO}`,
					isPass: ratio.max <= MAX_RATIO,
				},
				{
					row: "g",
					measured: `${k} keys: 429s per key (worst run)`,
					figure: fixed(perKey, 2),
					target: "0",
					isPass: perKey === 0,
				},
				{
					row: "g",
					measured: `${k} keys: records created ÷ source, duplicates (worst run)`,
					figure: `${created}/${customers}, ${duplicates}`,
					target: `${customers}/${customers}, 0`,
					isPass: created === customers && duplicates === 0,
				},
			);
		} finally {
			await sim.close();
		}
	}
	notes.push(
		`g: ${ROUNDS} runs per pool size, each on a fresh simulator (reset before each); figure = median (min–max) of the runs, every run ≤ target to pass. Minimum = (ceil(N/(K×${LIMIT})) − 1) × ${WINDOW_MS / 1000} s + one round trip, N = K × ${LIMIT} × ${WINDOWS} requests (GET /me, one walk of GET /customers, the creates). Every key starts with a full window; the engine learns the window from the headers. "First window's share" and "last batch out" (medians) as in row a, over the pool's K × ${LIMIT} per window.`,
	);
	return { lines, notes };
}
