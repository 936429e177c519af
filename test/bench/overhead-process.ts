/**
 * Row b as the issue measured it: whole processes. A headless `pivotal-tui import` of 3,000
 * customers (a fresh state each time) against a bare keep-alive loop process sending the same
 * bodies at the same concurrency, each timed from spawn to exit, against one simulator with no
 * effective limit in its own process, reset before each run. Ours pays what a user's run pays:
 * node's start, its modules, validation, the plan, GET /me, the state and its close; the loop
 * pays node's start, undici and its JSON lines.
 */

import { spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collect, dataset, KEYS } from "./common.js";
import { UNLIMITED } from "./overhead.js";
import { formatSpread, perRoundRatios, runRounds, spread } from "./paired.js";
import { BIN, spawnSim } from "./sim-process.js";
import type { TableLine } from "./table.js";

const CUSTOMERS = 3_000;
const CONCURRENCY = 16;
const ROUNDS = 9;
const WARMUPS = 2;
const MIN_RATIO = 0.8;
const BARE = fileURLToPath(new URL("./bare-loop-child.js", import.meta.url));

/** Milliseconds from spawn to exit of `node ARGS`; its stdout. Throws unless it exits 0. */
async function timed(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; out: string }> {
	const started = performance.now();
	const child = spawn(process.execPath, [...args], { stdio: ["ignore", "pipe", "pipe"], env });
	let out = "";
	child.stdout.on("data", (chunk: Buffer) => {
		out += chunk.toString();
	});
	child.stderr.resume();
	const [code] = (await once(child, "exit")) as [number | null];
	const ms = performance.now() - started;
	if (code !== 0) throw new Error(`row b: node ${args.join(" ")} exited with ${String(code)}`);
	return { ms, out };
}

/** Ours ÷ bare as records/s (bare ms ÷ ours ms), paired rounds; the line for the table and a note. */
export async function wholeProcessLine(tmp: string): Promise<{ line: TableLine; note: string }> {
	const dir = join(tmp, "b-process");
	const data = await dataset(dir, CUSTOMERS);
	const bodiesFile = join(dir, "bodies.jsonl");
	const records = await collect(data.files.customers);
	writeFileSync(
		bodiesFile,
		records.map((r) => `${JSON.stringify({ key: r.key, text: JSON.stringify(r.body) })}\n`).join(""),
	);
	const checkpoint = join(dir, "ours.checkpoint.json");
	const sim = await spawnSim(UNLIMITED);
	const base = { ...process.env, NO_COLOR: "1", PIVOTAL_API_URL: sim.baseUrl };
	let measures: { ours: number[]; bare: number[] };
	try {
		measures = await runRounds(
			{
				ours: async () => {
					rmSync(checkpoint, { force: true });
					rmSync(`${checkpoint}.bak`, { force: true });
					const args = [BIN, "import", data.files.customers, "--headless", "--yes"];
					const run = await timed(
						[...args, "--checkpoint", checkpoint, "--concurrency", String(CONCURRENCY)],
						{
							...base,
							PIVOTAL_API_KEY: KEYS.ours,
						},
					);
					if (!run.out.includes(`${CUSTOMERS} created`) && !/customers\s+3000\s+3000\s+3000/.test(run.out))
						throw new Error("row b: the headless import did not create every customer");
					return run.ms;
				},
				bare: async () => {
					const run = await timed([BARE, sim.baseUrl, bodiesFile, String(CONCURRENCY)], {
						...base,
						PIVOTAL_API_KEY: KEYS.bare,
					});
					if (JSON.parse(run.out).created !== CUSTOMERS)
						throw new Error("row b: the bare loop did not create every customer");
					return run.ms;
				},
			},
			{ rounds: ROUNDS, warmups: WARMUPS, beforeEach: () => sim.reset() },
		);
	} finally {
		await sim.close();
	}
	const ratio = spread(perRoundRatios(measures.bare, measures.ours));
	const ms = (values: readonly number[]) => spread(values).median.toFixed(0);
	return {
		line: {
			row: "b",
			measured: `whole process: headless import of ${CUSTOMERS} ÷ bare loop process (records/s)`,
			figure: `${formatSpread(ratio, 2)}; ${ms(measures.ours)} ms ÷ ${ms(measures.bare)} ms`,
			target: `≥ ${MIN_RATIO}`,
			isPass: ratio.median >= MIN_RATIO,
		},
		note: `b (whole process): ${CUSTOMERS} customers, concurrency ${CONCURRENCY} both sides, each side a fresh process timed from spawn to exit, ${ROUNDS} paired rounds after ${WARMUPS} warm-ups, the simulator (limit 10^9, its own process) reset before each run; ours = \`pivotal-tui import FILE --headless --yes\` with a fresh state; bare = a keep-alive undici loop process (test/bench/bare-loop-child.ts) sending the same bodies, read from JSON lines.`,
	};
}
