/**
 * Row b: records/s of a headless import with no effective limit, against a bare undici loop
 * sending the same bodies and headers at the same concurrency to the same simulator. The
 * simulator runs in its own process; both sides run here in paired rounds (see paired.ts), and
 * the figure is the median of the per-round ratios.
 */

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Pool } from "undici";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { runImport } from "../../src/core/engine.js";
import { idempotencyKey } from "../../src/core/idempotency.js";
import { checkpointIn, collect, type Dataset, dataset, KEYS } from "./common.js";
import { wholeProcessLine } from "./overhead-process.js";
import { formatSpread, perRoundRatios, runRounds, spread } from "./paired.js";
import { type SimProcess, spawnSim } from "./sim-process.js";
import type { RowReport } from "./table.js";

const CUSTOMERS = 5_000;
const CONCURRENCY = 16;
/** Many short rounds: a neighbour's burst then spoils a few ratios, which the median ignores. */
const ROUNDS = 15;
const WARMUPS = 3;
/** The target (issue 19, "Must show"). */
const MIN_RATIO = 0.8;

/** Effectively no limit: the simulator still sends its headers, the window never fills. */
export const UNLIMITED = ["--rate-limit", "1000000000", "--window", "60"] as const;

function userAgent(): string {
	const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
		version: string;
	};
	return `pivotal-tui/${pkg.version}`;
}

/** One side's run: wall-clock throughput, and this process's CPU per record (the simulator's apart). */
interface Run {
	readonly perSecond: number;
	readonly cpuUsPerRecord: number;
}

function runOf(records: number, started: number, cpu: NodeJS.CpuUsage): Run {
	const elapsed = performance.now() - started;
	const used = process.cpuUsage(cpu);
	return { perSecond: records / (elapsed / 1000), cpuUsPerRecord: (used.user + used.system) / records };
}

async function ours(sim: SimProcess, data: Dataset, checkpointPath: string): Promise<Run> {
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: KEYS.ours });
	const cpu = process.cpuUsage();
	const started = performance.now();
	const summary = await runImport(
		{
			files: data.files,
			checkpointPath,
			keyFingerprint: keyFingerprint(KEYS.ours),
			baseUrl: sim.baseUrl,
			concurrency: CONCURRENCY,
			check: data.check,
		},
		{ client },
	);
	const run = runOf(CUSTOMERS, started, cpu);
	await client.close();
	if (summary.passes.customers.created !== CUSTOMERS)
		throw new Error("row b: the engine did not create every customer");
	return run;
}

export async function bare(sim: SimProcess, bodies: readonly { key: string; text: string }[]): Promise<Run> {
	const url = new URL(sim.baseUrl);
	const path = `${url.pathname.replace(/\/+$/, "")}/customers`;
	const pool = new Pool(url.origin, { connections: CONCURRENCY });
	const runId = randomBytes(6).toString("hex");
	const agent = userAgent();
	let next = 0;
	let created = 0;
	const worker = async () => {
		while (next < bodies.length) {
			const record = bodies[next++]!;
			const response = await pool.request({
				path,
				method: "POST",
				headers: {
					authorization: `Bearer ${KEYS.bare}`,
					accept: "application/json",
					"user-agent": agent,
					"content-type": "application/json",
					"idempotency-key": idempotencyKey(runId, "customers", record.key),
				},
				body: record.text,
			});
			const answer = JSON.parse(await response.body.text()) as { id?: string };
			if (response.statusCode === 201 && answer.id) created += 1;
		}
	};
	const cpu = process.cpuUsage();
	const started = performance.now();
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	const run = runOf(bodies.length, started, cpu);
	await pool.close();
	if (created !== bodies.length)
		throw new Error(`row b: the bare loop created ${created} of ${bodies.length}`);
	return run;
}

export async function overheadRow(tmp: string): Promise<RowReport> {
	const dir = join(tmp, "b");
	const data = await dataset(dir, CUSTOMERS);
	const bodies = (await collect(data.files.customers)).map((r) => ({
		key: r.key,
		text: JSON.stringify(r.body),
	}));
	const sim = await spawnSim(UNLIMITED);
	let runs = 0;
	let measures: { ours: Run[]; bare: Run[] };
	try {
		measures = await runRounds(
			{
				ours: () => ours(sim, data, checkpointIn(dir, `ours-${runs++}`)),
				bare: () => bare(sim, bodies),
			},
			{ rounds: ROUNDS, warmups: WARMUPS, beforeEach: () => sim.reset() },
		);
	} finally {
		await sim.close();
	}
	const rate = (list: readonly Run[]) => list.map((r) => r.perSecond);
	const cpu = (list: readonly Run[]) => list.map((r) => r.cpuUsPerRecord);
	const ratios = perRoundRatios(rate(measures.ours), rate(measures.bare));
	const ratio = spread(ratios);
	// Throughput ratio's counterpart in CPU: bare µs ÷ ours µs, so that higher is better too.
	const cpuRatio = spread(perRoundRatios(cpu(measures.bare), cpu(measures.ours)));
	const median = (values: readonly number[]) => spread(values).median;
	const whole = await wholeProcessLine(tmp);
	const rounds = ratios
		.map(
			(r, i) =>
				`${r.toFixed(2)} (${measures.ours[i]?.perSecond.toFixed(0)} ÷ ${measures.bare[i]?.perSecond.toFixed(0)})`,
		)
		.join(", ");
	return {
		lines: [
			{
				row: "b",
				measured: "engine overhead: records/s, ours ÷ bare undici loop",
				figure: `${formatSpread(ratio, 2)}; ${median(rate(measures.ours)).toFixed(0)} ÷ ${median(rate(measures.bare)).toFixed(0)}/s`,
				target: `≥ ${MIN_RATIO}`,
				isPass: ratio.median >= MIN_RATIO,
			},
			{
				row: "b",
				measured: "engine overhead: client CPU/record, bare ÷ ours",
				figure: `${formatSpread(cpuRatio, 2)}; ${median(cpu(measures.bare)).toFixed(0)} ÷ ${median(cpu(measures.ours)).toFixed(0)} µs`,
				target: "—",
				isPass: undefined,
			},
			whole.line,
		],
		notes: [
			whole.note,
			`b: ${CUSTOMERS} customers, concurrency ${CONCURRENCY} both sides, simulator in its own process with limit 10^9, reset before each run. ${ROUNDS} paired rounds after ${WARMUPS} uncounted warm-up rounds, each round running both sides back to back, which one goes first alternating; figure = median of the ${ROUNDS} per-round ratios (min–max), then each side's median. Ours = runImport (GET /me, checkpoint, governor, events) timed from start to summary, validation done beforehand; bare = ${CONCURRENCY} workers over one undici Pool, same bodies and headers, response JSON parsed. The CPU line is this process's user + system time per record on each side (the simulator's excluded): less at the mercy of neighbours than the wall clock, shown for comparison. Rounds (ratio, ours ÷ bare records/s): ${rounds}.`,
		],
	};
}
