import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
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

/**
 * Runs a few thousand creates through the simulator, then resets it. A simulator just started
 * runs its own code cold: a first burst of 58 creates from a bare keep-alive loop was answered in
 * 35–50 ms, the same burst 4–8 ms once it had served about 2,000. A server that has been up is
 * warm; the pacing rows' minimum counts its answers as instant, so a cold simulator's time would
 * be charged to the pacing. Each burst goes under a key of its own (the simulator's windows are
 * per key), the bursts one after another.
 */
export async function warmSim(sim: SimProcess, bursts = 40, perBurst = 50): Promise<void> {
	const pool = new Pool(sim.origin, { connections: perBurst });
	const path = new URL(sim.baseUrl).pathname.replace(/\/$/, "");
	try {
		for (let b = 0; b < bursts; b++) {
			const key = `pivotal_live_warmup${String(b).padStart(4, "0")}a1b2`;
			await Promise.all(
				Array.from({ length: perBurst }, async (_, i) => {
					const answer = await pool.request({
						path: `${path}/customers`,
						method: "POST",
						headers: {
							authorization: `Bearer ${key}`,
							"content-type": "application/json",
							"idempotency-key": `warm-${b}-${i}`,
						},
						body: JSON.stringify({ name: `Warm ${b} ${i}`, metadata: { external_id: `warm-${b}-${i}` } }),
					});
					await answer.body.text();
				}),
			);
		}
	} finally {
		await pool.close();
	}
	await sim.reset();
}
