/**
 * Row e: CPU time of one import with the run screen rendering against the same import headless,
 * at an event rate well above what a limited key produces. Each side runs in its own process
 * (cleanly measured CPU), the simulator in a third, alternately, best of two each.
 */

import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkpointIn, dataset, KEYS } from "./common.js";
import { UNLIMITED } from "./overhead.js";
import { spawnSim } from "./sim-process.js";
import { fixed, type RowReport } from "./table.js";
import type { ChildArgs, ChildResult } from "./tui-child.js";

const CHILD = fileURLToPath(new URL("./tui-child.js", import.meta.url));
const CUSTOMERS = 4_000;
const CONCURRENCY = 16;
const ROUNDS = 2;
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
	const sim = await spawnSim(UNLIMITED);
	const best: Partial<Record<ChildArgs["mode"], ChildResult>> = {};
	let slowestRate = Number.POSITIVE_INFINITY;
	try {
		for (let round = 0; round < ROUNDS; round++) {
			for (const mode of ["headless", "tui"] as const) {
				await sim.reset();
				const result = await runChild({
					mode,
					baseUrl: sim.baseUrl,
					apiKey: KEYS.ours,
					files: data.files,
					check: data.check,
					checkpointPath: checkpointIn(dir, `${mode}-${round}`),
					concurrency: CONCURRENCY,
				});
				if (result.records !== expected) {
					throw new Error(`row e: the ${mode} import created ${result.records} of ${expected}`);
				}
				slowestRate = Math.min(slowestRate, result.events / (result.elapsedMs / 1000));
				const previous = best[mode];
				if (!previous || result.cpuMs < previous.cpuMs) best[mode] = result;
			}
		}
	} finally {
		await sim.close();
	}
	const headless = best.headless!;
	const tui = best.tui!;
	const ratio = tui.cpuMs / headless.cpuMs;
	return {
		lines: [
			{
				row: "e",
				measured: "TUI cost: CPU s with run screen ÷ headless",
				figure: `${fixed(ratio, 2)} (${(tui.cpuMs / 1000).toFixed(2)} ÷ ${(headless.cpuMs / 1000).toFixed(2)} s)`,
				target: `≤ ${MAX_RATIO}`,
				isPass: ratio <= MAX_RATIO,
			},
			{
				row: "e",
				measured: "TUI cost: event rate of the slowest run",
				figure: `${slowestRate.toFixed(0)} events/s`,
				target: `≥ ${MIN_EVENTS_PER_SECOND}`,
				isPass: slowestRate >= MIN_EVENTS_PER_SECOND,
			},
		],
		notes: [
			`e: ${CUSTOMERS} customers × (1 + 2 contacts + 1 onboarding) = ${expected} records, ${tui.events} events, concurrency ${CONCURRENCY}, no effective limit; each side in its own process (process.cpuUsage from startImport to the summary, user + system), the simulator in another; best of ${ROUNDS} alternating. TUI = LiveRun (the run screen the wizard mounts) under Ink render with maxFps 15 into a 120×40 sink that claims to be a TTY (${tui.writes} writes, ${(tui.bytes / 1024).toFixed(0)} KiB of frames); headless = ProgressStore + LineReporter, as \`import --headless\`.`,
		],
	};
}
