/**
 * Row a: how close the engine gets to the fastest import a sliding-window limit allows, and
 * whether it ever trips the limit; the API guide's script beside it on the same simulator.
 */

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { startImport } from "../../src/core/engine.js";
import { checkpointIn, collect, dataset, KEYS, probeRoundTrip } from "./common.js";
import { runNaiveScript } from "./naive-script.js";
import { untoldShortRow } from "./pacing-untold.js";
import { type SimProcess, spawnSim } from "./sim-process.js";
import { fixed, type RowReport, type TableLine } from "./table.js";

const WINDOW_MS = 3_000;
const LIMITS = [60, 600] as const;
/** Target: makespan within 3 % of the theoretical minimum. */
const MAX_RATIO = 1.03;

/** The fastest any client can send `requests` under a sliding window of `limit` that may burst. */
export function theoreticalMinimumMs(
	requests: number,
	limit: number,
	windowMs: number,
	rttMs: number,
): number {
	return (Math.ceil(requests / limit) - 1) * windowMs + rttMs;
}

/** Ours alone on a fresh simulator: `requests` in all, of which `overhead` are not creates (GET /me…). */
export async function timeOurs(
	sim: SimProcess,
	dir: string,
	requests: number,
	windowMs: number | undefined,
	overhead = 1,
): Promise<{ readonly ms: number; readonly rateLimited: number; readonly answersAt: readonly number[] }> {
	await mkdir(dir, { recursive: true });
	const ours = await dataset(join(dir, "ours"), requests - overhead);
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: KEYS.ours });
	const started = performance.now();
	// When each answer to a key's request arrived (ms from the start), in order.
	const answersAt: number[] = [];
	const run = startImport(
		{
			files: ours.files,
			checkpointPath: checkpointIn(dir, "ours"),
			keyFingerprint: keyFingerprint(KEYS.ours),
			baseUrl: sim.baseUrl,
			...(windowMs === undefined ? {} : { windowMs }),
			check: ours.check,
		},
		{ client },
	);
	run.subscribe((event) => {
		if (event.type === "response") answersAt.push(performance.now() - started);
	});
	const summary = await run.done;
	const ms = performance.now() - started;
	await client.close();
	if (summary.passes.customers.created !== requests - overhead) {
		throw new Error(
			`row a: the engine created ${summary.passes.customers.created} of ${requests - overhead}`,
		);
	}
	return { ms, rateLimited: (await sim.counters()).rateLimited, answersAt };
}

export async function pacingRow(tmp: string): Promise<RowReport> {
	const lines: TableLine[] = [];
	const notes: string[] = [];
	const untold = await untoldShortRow(tmp);
	lines.push(...untold.lines);
	notes.push(...untold.notes);
	for (const limit of LIMITS) {
		const requests = 3 * limit + 1;
		const sim = await spawnSim(["--rate-limit", String(limit), "--window", String(WINDOW_MS / 1000)]);
		try {
			const rtt = await probeRoundTrip(sim.baseUrl);
			await sim.reset();
			const minimum = theoreticalMinimumMs(requests, limit, WINDOW_MS, rtt);

			// Ours: GET /me plus 3×limit customers = 3×limit+1 requests.
			const dir = join(tmp, `a-${limit}`);
			const { ms: oursMs, rateLimited: oursRateLimited } = await timeOurs(sim, dir, requests, WINDOW_MS);
			await sim.reset();

			// The guide's script: no GET /me, so 3×limit+1 customers for the same request count.
			const naiveData = await dataset(join(dir, "naive"), requests);
			const customers = (await collect(naiveData.files.customers)).map((r) => ({
				name: String(r.body.name),
				slug: String(r.body.slug),
				domain: String(r.body.domain),
				external_id: r.key,
			}));
			const naive = await runNaiveScript({
				baseUrl: sim.baseUrl,
				apiKey: KEYS.naive,
				customers,
				checkpointFile: join(dir, "bulk-import.checkpoint"),
			});
			const naiveCounters = await sim.counters();
			if (naive.done !== requests)
				throw new Error(`row a: the guide's script did ${naive.done} of ${requests}`);

			const ratio = oursMs / minimum;
			const naiveRatio = naive.makespanMs / minimum;
			lines.push(
				{
					row: "a",
					measured: `pacing ${limit}/window: makespan ÷ minimum (ours)`,
					figure: `${fixed(ratio)} (${(oursMs / 1000).toFixed(2)} s ÷ ${(minimum / 1000).toFixed(2)} s)`,
					target: `≤ ${MAX_RATIO}`,
					isPass: ratio <= MAX_RATIO,
				},
				{
					row: "a",
					measured: `pacing ${limit}/window: 429s received (ours)`,
					figure: String(oursRateLimited),
					target: "0",
					isPass: oursRateLimited === 0,
				},
				{
					row: "a",
					measured: `pacing ${limit}/window: guide's script, makespan ÷ minimum`,
					figure: `${fixed(naiveRatio)} (${(naive.makespanMs / 1000).toFixed(2)} s)`,
					target: "—",
					isPass: undefined,
				},
				{
					row: "a",
					measured: `pacing ${limit}/window: guide's script, 429s received`,
					figure: String(naiveCounters.rateLimited),
					target: "—",
					isPass: undefined,
				},
			);
			notes.push(
				`a ${limit}/window: ${requests} requests each side, window ${WINDOW_MS / 1000} s, round trip ${rtt.toFixed(1)} ms (median of 15 POST /customers).`,
			);
		} finally {
			await sim.close();
		}
	}
	notes.unshift(
		"a: minimum = (ceil(N/limit) − 1) × window + one round trip: a sliding window lets the first `limit` requests burst at once, each later batch waits one full window after the batch before, and the last answer takes one round trip. N = 3×limit+1: ours sends GET /me and 3×limit customers; the guide's script (no GET /me) sends 3×limit+1 customers. Ours is timed from startImport to its summary with validation done beforehand; the script from its first request to its last checkpoint write. The script is the guide's base version (retry on 429 only, no pause when X-RateLimit-Remaining < 5); its Retry-After is whole seconds, coarse against a 3 s window.",
	);
	return { lines, notes };
}
