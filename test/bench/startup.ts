/**
 * Row h: start-up. A headless `pivotal-tui --version` against `node -e 0`, each a fresh process
 * timed from spawn to exit, in paired rounds (see paired.ts); a headless dry run of the sample
 * customers file beside it for comparison.
 */

import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { formatSpread, perRoundRatios, runRounds, spread } from "./paired.js";
import { BIN } from "./sim-process.js";
import type { RowReport } from "./table.js";

const ROUNDS = 15;
const WARMUPS = 2;
const MAX_RATIO = 2;
const CUSTOMERS = fileURLToPath(new URL("../../../fixtures/customers.csv", import.meta.url));

/** Milliseconds from spawn to exit of `node ARGS`, stdout and stderr drained. */
async function timeNode(args: readonly string[]): Promise<number> {
	const started = performance.now();
	const child = spawn(process.execPath, [...args], { stdio: ["ignore", "pipe", "pipe"] });
	child.stdout.resume();
	child.stderr.resume();
	const [code] = (await once(child, "exit")) as [number | null];
	const ms = performance.now() - started;
	if (code !== 0) throw new Error(`row h: node ${args.join(" ")} exited with ${String(code)}`);
	return ms;
}

export async function startupRow(): Promise<RowReport> {
	const measures = await runRounds(
		{
			version: () => timeNode([BIN, "--version"]),
			node: () => timeNode(["-e", "0"]),
			dryRun: () => timeNode([BIN, "import", CUSTOMERS, "--dry-run", "--headless"]),
		},
		{ rounds: ROUNDS, warmups: WARMUPS },
	);
	const version = spread(perRoundRatios(measures.version, measures.node));
	const dryRun = spread(perRoundRatios(measures.dryRun, measures.node));
	const ms = (values: readonly number[]) => `${spread(values).median.toFixed(0)} ms`;
	return {
		lines: [
			{
				row: "h",
				measured: "start-up: headless --version ÷ node -e 0 (spawn to exit)",
				figure: `${formatSpread(version, 2)}; ${ms(measures.version)} ÷ ${ms(measures.node)}`,
				target: `≤ ${MAX_RATIO}`,
				isPass: version.median <= MAX_RATIO,
			},
			{
				row: "h",
				measured: "start-up: headless dry run of 120 customers ÷ node -e 0",
				figure: `${formatSpread(dryRun, 2)}; ${ms(measures.dryRun)}`,
				target: "—",
				isPass: undefined,
			},
		],
		notes: [
			`h: each side a fresh process, timed from spawn to exit with its output drained; ${ROUNDS} rounds after ${WARMUPS} uncounted warm-up rounds, the three sides back to back in an order rotating by round; figure = median (min–max) of the per-round ratios, then each side's median. The dry run reads fixtures/customers.csv (120 rows).`,
		],
	};
}
