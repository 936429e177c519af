/**
 * Row e: CPU time of one import with the run screen rendering against the same import headless,
 * at an event rate well above what a limited key produces. Each side runs in its own process
 * (cleanly measured CPU), the simulator in a third, in paired rounds (paired.ts): each round
 * runs every side back to back and the figure is the median of the per-round ratios.
 */

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RENDER_MAX_FPS } from "../../src/ui/model/frame-rate.js";
import { checkpointIn, dataset, KEYS } from "./common.js";
import { UNLIMITED } from "./overhead.js";
import { formatSpread, perRoundRatios, type Side as RoundSide, runRounds, spread } from "./paired.js";
import { spawnSim } from "./sim-process.js";
import type { RowReport, TableLine } from "./table.js";
import type { ChildArgs, ChildResult } from "./tui-child.js";

const CHILD = fileURLToPath(new URL("./tui-child.js", import.meta.url));
const BIN_SOURCE = new URL("../../../bin/pivotal-tui.js", import.meta.url);

type Side = "headless" | "tui" | "tui-production";

/**
 * `NODE_ENV` as the shipped command line runs React: production when `bin/pivotal-tui.js` sets
 * it, otherwise whatever the environment says (unset: React's development build).
 */
function shippedNodeEnv(): string | undefined {
	return /NODE_ENV/.test(readFileSync(BIN_SOURCE, "utf8")) ? "production" : process.env.NODE_ENV;
}
const CUSTOMERS = 4_000;
const CONCURRENCY = 16;
const ROUNDS = 5;
const MAX_RATIO = 1.25;
const MIN_EVENTS_PER_SECOND = 2_000;

/** The environment without CI markers: under CI, Ink renders only the last frame. */
function interactiveEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (name === "CI" || name === "CONTINUOUS_INTEGRATION" || name.startsWith("CI_")) continue;
		env[name] = value;
	}
	return env;
}

function runChild(args: ChildArgs): Promise<ChildResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CHILD, JSON.stringify(args)], {
			// Ink restores the cursor on the real stderr at exit: keep that out of the bench's output.
			stdio: ["ignore", "pipe", "pipe"],
			env: interactiveEnv(),
		});
		let stdout = "";
		let stderr = "";
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.stdout.on("data", (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.on("error", reject);
		child.on("close", (code) => {
			if (code !== 0)
				return reject(new Error(`row e: the ${args.mode} child exited ${code}: ${stderr.slice(-1000)}`));
			resolve(JSON.parse(stdout) as ChildResult);
		});
	});
}

export async function tuiRow(tmp: string): Promise<RowReport> {
	const dir = join(tmp, "e");
	const data = await dataset(dir, CUSTOMERS, 2, 1);
	const expected = CUSTOMERS * 4;
	const shipped = shippedNodeEnv();
	// When the binary leaves React in development mode, also show what production mode costs.
	const sides: Side[] =
		shipped === "production" ? ["headless", "tui"] : ["headless", "tui", "tui-production"];
	const sim = await spawnSim(UNLIMITED);
	let runs = 0;
	const measure =
		(side: Side): RoundSide<ChildResult> =>
		async () => {
			const result = await runChild({
				mode: side === "headless" ? "headless" : "tui",
				nodeEnv: side === "tui-production" ? "production" : shipped,
				baseUrl: sim.baseUrl,
				apiKey: KEYS.ours,
				files: data.files,
				check: data.check,
				checkpointPath: checkpointIn(dir, `${side}-${runs++}`),
				concurrency: CONCURRENCY,
			});
			if (result.records !== expected) {
				throw new Error(`row e: the ${side} import created ${result.records} of ${expected}`);
			}
			// A screen that stopped rendering would make the TUI look free: refuse the figure.
			if (side !== "headless" && result.frames < result.elapsedMs / 1000) {
				throw new Error(`row e: the ${side} screen rendered only ${result.frames} frames`);
			}
			return result;
		};
	let results: Partial<Record<Side, ChildResult[]>>;
	try {
		// The warm-up round warms the simulator; each side is a fresh process every time anyway.
		results = await runRounds(Object.fromEntries(sides.map((side) => [side, measure(side)])), {
			rounds: ROUNDS,
			warmups: 1,
			beforeEach: () => sim.reset(),
		});
	} finally {
		await sim.close();
	}
	const counted = (side: Side) => results[side] ?? [];
	const cpuOf = (side: Side) => counted(side).map((r) => r.cpuMs);
	const median = (values: readonly number[]) => spread(values).median;
	const headlessCpu = median(cpuOf("headless"));
	const ratio = spread(perRoundRatios(cpuOf("tui"), cpuOf("headless")));
	const slowestRate = Math.min(
		...sides.flatMap((side) => counted(side).map((r) => r.events / (r.elapsedMs / 1000))),
	);
	const lines: TableLine[] = [
		{
			row: "e",
			measured: `TUI cost: CPU s with run screen ÷ headless (React ${shipped ?? "development"})`,
			figure: `${formatSpread(ratio, 2)}; ${(median(cpuOf("tui")) / 1000).toFixed(2)} ÷ ${(headlessCpu / 1000).toFixed(2)} s`,
			target: `≤ ${MAX_RATIO}`,
			isPass: ratio.median <= MAX_RATIO,
		},
	];
	if (sides.includes("tui-production")) {
		const productionRatio = spread(perRoundRatios(cpuOf("tui-production"), cpuOf("headless")));
		lines.push({
			row: "e",
			measured: "TUI cost: same with NODE_ENV=production",
			figure: `${formatSpread(productionRatio, 2)}; ${(median(cpuOf("tui-production")) / 1000).toFixed(2)} s`,
			target: "—",
			isPass: undefined,
		});
	}
	lines.push({
		row: "e",
		measured: "TUI cost: event rate of the slowest run",
		figure: `${slowestRate.toFixed(0)} events/s`,
		target: `≥ ${MIN_EVENTS_PER_SECOND}`,
		isPass: slowestRate >= MIN_EVENTS_PER_SECOND,
	});
	const frameNote = (name: string, side: Side) => {
		const runsOf = counted(side);
		const frames = median(runsOf.map((r) => r.frames));
		const frameMs = median(runsOf.map((r) => r.frameMs / Math.max(1, r.frames)));
		const extra = median(runsOf.map((r) => (r.cpuMs - headlessCpu) / Math.max(1, r.frames)));
		const seconds = median(runsOf.map((r) => r.elapsedMs / 1000));
		return `${name} (medians): ${frames.toFixed(0)} frames in ${seconds.toFixed(1)} s, Ink's own render time ${frameMs.toFixed(1)} ms/frame, extra CPU over headless ${extra.toFixed(1)} ms/frame`;
	};
	const events = counted("headless")[0]?.events ?? 0;
	return {
		lines,
		notes: [
			`e: ${CUSTOMERS} customers × (1 + 2 contacts + 1 onboarding) = ${expected} records, ${events} events, concurrency ${CONCURRENCY}, no effective limit; each side in its own process (process.cpuUsage from startImport to the summary, user + system), the simulator in another, reset before each run. ${ROUNDS} paired rounds after one uncounted warm-up round, each running every side back to back (the order rotating); figure = median of the per-round ratios (min–max), then each side's median CPU. TUI = LiveRun (the run screen the wizard mounts) under Ink render with maxFps ${RENDER_MAX_FPS} into a 120×40 sink that claims to be a TTY; headless = ProgressStore + LineReporter, as \`import --headless\`. React runs as the shipped binary leaves it: NODE_ENV ${shipped ?? "unset (development build)"}. ${frameNote("TUI", "tui")}${sides.includes("tui-production") ? `; ${frameNote("production", "tui-production")}` : ""}.`,
		],
	};
}
