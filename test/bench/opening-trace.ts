/**
 * Where a run's opening goes, round after round on one warm simulator (as row a runs its points):
 * not a bench row, a tool for reading the first window's share. `node
 * dist/test/bench/opening-trace.js WINDOW_S TIMES ROUNDS` runs ROUNDS imports of TIMES × 60
 * requests against a simulator of 60 per WINDOW_S seconds (the window not told) and prints, per
 * round, in ms from the start: `GET /me` called and answered, the state open (`run-started`), the
 * list page called and answered, the first create called and answered, the answer of the
 * first-window request whose slot the last request takes (the makespan is that, a window per
 * later batch and the last round trip), how late the last request left after its slot freed,
 * and the end; then the medians of the rounds after the first (the first warms the process).
 */

import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { PivotalClient } from "../../src/api/types.js";
import { startImport } from "../../src/core/engine.js";
import { checkpointIn, dataset, KEYS, probeRoundTrip } from "./common.js";
import { theoreticalMinimumMs } from "./pacing.js";
import { spawnSim } from "./sim-process.js";

const LIMIT = 60;

interface Call {
	readonly method: string;
	readonly left: number;
	answered: number;
}

/** The client, with each call's start and end noted (ms from `started()`). */
function timed(client: PivotalClient, calls: Call[], started: () => number): PivotalClient {
	return new Proxy(client, {
		get(target, property) {
			const value = Reflect.get(target, property, target);
			if (typeof value !== "function") return value;
			if (property === "close" || property === "health" || property === "warm") return value.bind(target);
			return async (...args: unknown[]) => {
				const call: Call = { method: String(property), left: performance.now() - started(), answered: 0 };
				calls.push(call);
				try {
					return await value.apply(target, args);
				} finally {
					call.answered = performance.now() - started();
				}
			};
		},
	});
}

interface Round {
	readonly ratio: number;
	readonly me: number;
	readonly stateOpen: number;
	readonly listLeft: number;
	readonly firstCreateLeft: number;
	readonly slotAnswered: number;
	readonly lastLate: number;
	readonly end: number;
}

async function main(argv: readonly string[]): Promise<void> {
	const windowS = Number(argv[0] ?? 2);
	const times = Number(argv[1] ?? 1.8);
	const rounds = Number(argv[2] ?? 6);
	const sim = await spawnSim(["--rate-limit", String(LIMIT), "--window", String(windowS)]);
	const tmp = join(tmpdir(), `opening-trace-${process.pid}`);
	const seen: Round[] = [];
	const ms = (t: number) => t.toFixed(1).padStart(6);
	try {
		const rtt = await probeRoundTrip(sim.baseUrl);
		process.stdout.write(
			`window ${windowS} s, N = ${Math.round(times * LIMIT)}, rtt ${rtt.toFixed(1)} ms\n round  ratio  me-ans state  list  create1 slot-ans last-late   end\n`,
		);
		for (let round = 0; round < rounds; round++) {
			await sim.reset();
			const requests = Math.round(times * LIMIT);
			const dir = join(tmp, `r${round}`);
			await mkdir(dir, { recursive: true });
			const data = await dataset(dir, requests - 2);
			const calls: Call[] = [];
			let started = 0;
			const raw = createClient({ baseUrl: sim.baseUrl, apiKey: KEYS.ours });
			const client = timed(raw, calls, () => started);
			const answers: number[] = [];
			let stateOpen = 0;
			started = performance.now();
			const run = startImport(
				{
					files: data.files,
					checkpointPath: checkpointIn(dir, "ours"),
					keyFingerprint: keyFingerprint(KEYS.ours),
					baseUrl: sim.baseUrl,
					check: data.check,
				},
				{ client },
			);
			run.subscribe((event) => {
				const at = performance.now() - started;
				if (event.type === "response") answers.push(at);
				if (event.type === "run-started") stateOpen = at;
			});
			await run.done;
			const end = performance.now() - started;
			await raw.close();
			const counters = await sim.counters();
			const asks = Object.entries(counters.byRoute)
				.filter(([route]) => route.startsWith("GET /health"))
				.reduce((sum, [, n]) => sum + n, 0);
			const minimum = theoreticalMinimumMs(counters.requests - asks, LIMIT, windowS * 1000, rtt);
			const slot = (answers.length - 1) % LIMIT;
			const creates = calls.filter((c) => c.method.startsWith("create"));
			const last = calls[calls.length - 1];
			const r: Round = {
				ratio: end / minimum,
				me: calls[0]?.answered ?? 0,
				stateOpen,
				listLeft: calls.find((c) => c.method === "listCustomers")?.left ?? 0,
				firstCreateLeft: creates[0]?.left ?? 0,
				slotAnswered: answers[slot] ?? 0,
				lastLate:
					(last?.left ?? 0) -
					(answers[slot] ?? 0) -
					Math.floor((answers.length - 1) / LIMIT) * windowS * 1000,
				end,
			};
			seen.push(r);
			process.stdout.write(
				`${String(round).padStart(6)} ${r.ratio.toFixed(3)} ${ms(r.me)} ${ms(r.stateOpen)} ${ms(r.listLeft)} ${ms(r.firstCreateLeft)} ${ms(r.slotAnswered)} ${ms(r.lastLate)} ${ms(r.end)}${counters.rateLimited > 0 ? ` ${counters.rateLimited} × 429` : ""}\n`,
			);
		}
	} finally {
		await sim.close();
		await rm(tmp, { recursive: true, force: true });
	}
	const warm = seen.slice(1);
	const median = (pick: (r: Round) => number) => {
		const sorted = warm.map(pick).sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)] ?? 0;
	};
	process.stdout.write(
		`median of rounds 1–${warm.length}: ratio ${median((r) => r.ratio).toFixed(3)}; GET /me answered ${median((r) => r.me).toFixed(1)} ms; state open ${median((r) => r.stateOpen).toFixed(1)}; list page left ${median((r) => r.listLeft).toFixed(1)}; first create left ${median((r) => r.firstCreateLeft).toFixed(1)}; slot's answer ${median((r) => r.slotAnswered).toFixed(1)}; last request late ${median((r) => r.lastLate).toFixed(1)}; ${warm.filter((r) => r.ratio <= 1.03).length}/${warm.length} rounds ≤ 1.03\n`,
	);
}

await main(process.argv.slice(2));
