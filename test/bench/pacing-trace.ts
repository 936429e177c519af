/**
 * Where a paced run's time goes, request by request: not a bench row, a tool for reading one
 * run. `node dist/test/bench/pacing-trace.js WINDOW_S TIMES [KEYS [CONCURRENCY]]` runs one
 * import of TIMES × 60 requests per key against a simulator of 60 per WINDOW_S seconds (the window not told) and prints,
 * for each request: when the requester had its permit ("allowed", the `request-started` event),
 * when the client was called ("left"), when the server counted it (the record's `created_at`,
 * the simulator's clock, the same machine's), and when its answer was back ("answered"), all in
 * ms from the start; then each batch's spread and where the time over the minimum went. With
 * `WARM=1` in the environment, the simulator is warmed (`warmSim`) and one import runs first, not
 * shown, as row a's rounds warm up; with `ROUNDS=n`, n imports a line each, any a tenth over the
 * minimum traced in full (to catch a rare late one).
 */

import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint, maskKey } from "../../src/api/key.js";
import type { PivotalClient } from "../../src/api/types.js";
import { startImport } from "../../src/core/engine.js";
import type { KeyLane } from "../../src/core/run-types.js";
import { checkpointIn, dataset, probeRoundTrip } from "./common.js";
import { theoreticalMinimumMs } from "./pacing.js";
import { spawnSim, warmSim } from "./sim-process.js";

const LIMIT = 60;

interface Call {
	readonly lane: number;
	readonly method: string;
	readonly left: number;
	answered: number;
	counted: number | undefined;
}

/** The client, with each call's start, end and the server's `created_at` noted. */
/** `GET /health` asks of the server's clock: when each left and was answered. */
interface Ask {
	readonly left: number;
	answered: number;
}

function traced(client: PivotalClient, lane: number, calls: Call[], asks: Ask[]): PivotalClient {
	return new Proxy(client, {
		get(target, property) {
			// The client's private fields need the client itself as `this`.
			const value = Reflect.get(target, property, target);
			if (typeof value !== "function") return value;
			if (property === "health")
				return async (...args: unknown[]) => {
					const ask: Ask = { left: Date.now(), answered: 0 };
					asks.push(ask);
					try {
						return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
					} finally {
						ask.answered = Date.now();
					}
				};
			if (property === "close" || property === "warm") return value.bind(target);
			return async (...args: unknown[]) => {
				const call: Call = {
					lane,
					method: String(property),
					left: Date.now(),
					answered: 0,
					counted: undefined,
				};
				calls.push(call);
				try {
					const result = await value.apply(target, args);
					const created = (result as { data?: { created_at?: string } }).data?.created_at;
					if (created) call.counted = Date.parse(created);
					return result;
				} finally {
					call.answered = Date.now();
				}
			};
		},
	});
}

async function main(argv: readonly string[]): Promise<void> {
	const windowS = Number(argv[0] ?? 2);
	const times = Number(argv[1] ?? 1.8);
	const keys = Number(argv[2] ?? 1);
	// Given, it is the user's choice: the engine's default and the latency follower stand aside.
	const chosen = argv[3] === undefined ? undefined : Number(argv[3]);
	const sim = await spawnSim(["--rate-limit", String(LIMIT), "--window", String(windowS)]);
	const tmp = join(tmpdir(), `pacing-trace-${process.pid}`);
	try {
		// With WARM=1, one import first, not shown: the engine's code compiled, as in row a's rounds.
		if (process.env.WARM === "1") await warmSim(sim);
		const first = process.env.WARM === "1" ? 0 : 1;
		// With ROUNDS=n, n rounds a line each, traced in full only when one is a tenth over the minimum.
		const rounds = Number(process.env.ROUNDS ?? 1);
		for (let round = first; round < 1 + rounds; round++) {
			const ratio = await traceOnce(sim, join(tmp, String(round)), windowS, times, keys, chosen, (r) =>
				round === 0 ? false : rounds === 1 || r > 1.1,
			);
			if (rounds > 1 && round > 0) process.stdout.write(`round ${round}: ratio ${ratio.toFixed(3)}\n`);
		}
	} finally {
		await sim.close();
		await rm(tmp, { recursive: true, force: true });
	}
}

async function traceOnce(
	sim: Awaited<ReturnType<typeof spawnSim>>,
	tmp: string,
	windowS: number,
	times: number,
	keys: number,
	chosen: number | undefined,
	isShown: (ratio: number) => boolean,
): Promise<number> {
	const out: string[] = [];
	const windowMs = windowS * 1000;
	{
		const rtt = await probeRoundTrip(sim.baseUrl);
		await sim.reset();
		const requests = Math.round(times * LIMIT * keys);
		await mkdir(tmp, { recursive: true });
		const data = await dataset(tmp, requests - 2);
		const calls: Call[] = [];
		const healths: Ask[] = [];
		const lanes: KeyLane[] = Array.from({ length: keys }, (_, i) => {
			const key = `pivotal_trace_pool_00a1b${i}`;
			return {
				client: traced(createClient({ baseUrl: sim.baseUrl, apiKey: key }), i, calls, healths),
				fingerprint: keyFingerprint(key),
				label: maskKey(key),
			};
		});
		const allowed: number[] = [];
		const started = Date.now();
		const run = startImport(
			{
				files: data.files,
				checkpointPath: checkpointIn(tmp, "trace"),
				keyFingerprint: lanes[0]!.fingerprint,
				...(keys > 1 ? { keyFingerprints: lanes.map((l) => l.fingerprint) } : {}),
				baseUrl: sim.baseUrl,
				check: data.check,
				...(chosen === undefined ? {} : { concurrency: chosen }),
			},
			keys > 1 ? { client: lanes[0]!.client, keys: lanes } : { client: lanes[0]!.client },
		);
		const concurrency: string[] = [];
		// Each key's window as paced to, each time it changed: a second too long shows here.
		const windows = new Map<string, string[]>();
		run.subscribe((event) => {
			if (event.type === "response" && event.keyLabel !== undefined) {
				const seen = windows.get(event.keyLabel) ?? [];
				const last = seen[seen.length - 1];
				const now = `${event.windowMs}`;
				if (last?.split("@")[0] !== now) seen.push(`${now}@${event.at - started}`);
				windows.set(event.keyLabel, seen);
			}
			if (event.type === "request-started") allowed.push(event.at - started);
			if (event.type === "concurrency-changed")
				concurrency.push(`${event.at - started}ms→${event.concurrency}`);
			if (event.type === "run-started")
				concurrency.push(`${event.at - started}ms start ${event.concurrency}`);
		});
		const summary = await run.done;
		const ended = Date.now() - started;
		await Promise.all(lanes.map((l) => l.client.close()));
		const counters = await sim.counters();
		const minimum = theoreticalMinimumMs(requests, LIMIT * keys, windowMs, rtt);
		const ratio = ended / minimum;
		if (!isShown(ratio)) return ratio;
		const rel = (t: number | undefined) => (t === undefined ? "    -" : String(t - started).padStart(5));
		out.push(`window ${windowS} s, ${keys} key(s), N = ${requests}, rtt ${rtt.toFixed(1)} ms\n`);
		out.push(`concurrency: ${concurrency.join(", ")}\n`);
		for (const [label, seen] of windows) out.push(`window of ${label}: ${seen.join(" → ")}\n`);
		out.push(" i lane method           allowed  left counted answered\n");
		// The creates' allowed times are in the order of request-started; GET /me and the list come first.
		let created = 0;
		calls.forEach((call, i) => {
			const isCreate = call.method.startsWith("create");
			const allowedAt = isCreate ? allowed[created++] : undefined;
			out.push(
				`${String(i).padStart(3)} ${call.lane} ${call.method.padEnd(16)} ${allowedAt === undefined ? "    -" : String(allowedAt).padStart(5)} ${rel(call.left)} ${rel(call.counted)} ${rel(call.answered)}\n`,
			);
		});
		const batch = LIMIT * keys;
		for (let b = 0; b * batch < calls.length; b++) {
			const slice = calls.slice(b * batch, (b + 1) * batch);
			const first = slice[0]!;
			const last = slice[slice.length - 1]!;
			out.push(
				`batch ${b}: left ${first.left - started}–${Math.max(...slice.map((c) => c.left)) - started}, answered ${first.answered - started}–${Math.max(...slice.map((c) => c.answered)) - started} (last ${last.answered - started})\n`,
			);
		}
		out.push(
			`done at ${ended} ms; minimum ${minimum.toFixed(0)} ms; ratio ${(ended / minimum).toFixed(3)}; 429s ${counters.rateLimited}; created ${summary.passes.customers.created}; health ${Object.entries(
				counters.byRoute,
			)
				.filter(([r]) => r.startsWith("GET /health"))
				.reduce((s, [, n]) => s + n, 0)}\n`,
		);
		out.push(
			`health asks (left → answered): ${healths.map((h) => `${h.left - started}→${h.answered - started}`).join(", ")}\n`,
		);
		process.stdout.write(out.join(""));
		return ratio;
	}
}

await main(process.argv.slice(2));
