import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { SimCounters } from "../../src/sim/index.js";

/** The built command line, from `dist/test/bench/`. */
export const BIN = fileURLToPath(new URL("../../../bin/pivotal-tui.js", import.meta.url));

/** A simulator in its own process, so that its CPU is not the measured process's. */
export interface SimProcess {
	readonly baseUrl: string;
	readonly origin: string;
	counters(): Promise<SimCounters>;
	/** Drops data, keys, windows and counters: a fresh simulator on the same port. */
	reset(): Promise<void>;
	close(): Promise<void>;
}

/** Starts `pivotal-tui sim` with `flags` and resolves once it prints its base URL. */
export async function spawnSim(flags: readonly string[]): Promise<SimProcess> {
	const child: ChildProcess = spawn(process.execPath, [BIN, "sim", ...flags], {
		stdio: ["ignore", "pipe", "inherit"],
	});
	const lines = createInterface({ input: child.stdout! });
	const [first] = (await Promise.race([
		once(lines, "line"),
		once(child, "exit").then(([code]) => {
			throw new Error(`pivotal-tui sim exited with ${String(code)} before printing its URL`);
		}),
	])) as [string];
	const baseUrl = first.trim();
	const origin = new URL(baseUrl).origin;
	return {
		baseUrl,
		origin,
		async counters() {
			const response = await fetch(`${origin}/_admin/counters`);
			return (await response.json()) as SimCounters;
		},
		async reset() {
			const response = await fetch(`${origin}/_admin/reset`, { method: "POST" });
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`simulator reset answered ${response.status}`);
		},
		async close() {
			if (child.exitCode !== null) return;
			const exited = once(child, "exit");
			child.kill("SIGTERM");
			await exited;
		},
	};
}
