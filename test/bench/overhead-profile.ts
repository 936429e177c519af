/**
 * Row b's engine side alone, for a profiler: `node --cpu-prof dist/test/bench/overhead-profile.js [runs]`
 * imports 5,000 customers `runs` times (default 10; `bare` after it profiles the bare loop instead,
 * `engine` the engine with creates answered at once in this process, so that only its own CPU counts) against a simulator in its own process, as
 * overhead.ts does, and prints each run's client CPU per record. Not a measurement of record:
 * row b in run.ts pairs it with the bare loop.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GCProfiler, getHeapStatistics } from "node:v8";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { PivotalClient } from "../../src/api/types.js";
import { runImport } from "../../src/core/engine.js";
import { checkpointIn, collect, dataset, KEYS } from "./common.js";
import { bare, UNLIMITED } from "./overhead.js";
import { spawnSim } from "./sim-process.js";

const CUSTOMERS = 5_000;

async function main(runs: number, side: string): Promise<void> {
	const profile = process.env.ALLOCATION_PROFILE
		? allocationSampler(process.env.ALLOCATION_PROFILE)
		: undefined;
	const dir = mkdtempSync(join(tmpdir(), "pivotal-rowb-"));
	const sim = await spawnSim(UNLIMITED);
	try {
		const data = await dataset(dir, CUSTOMERS);
		const bodies = (await collect(data.files.customers)).map((r) => ({
			key: r.key,
			text: JSON.stringify(r.body),
		}));
		for (let i = 0; i < runs; i++) {
			await sim.reset();
			// The last half of the runs (warmed) sampled for what allocates, when asked.
			if (profile && i === Math.floor(runs / 2)) await profile.start();
			if (side === "bare") {
				const allocation = allocationMeter();
				const run = await bare(sim, bodies);
				const kb = allocation() / 1024 / CUSTOMERS;
				process.stdout.write(
					`bare ${i}: ${run.cpuUsPerRecord.toFixed(1)} µs/record, ${run.perSecond.toFixed(0)} records/s, ${kb.toFixed(1)} KB allocated/record\n`,
				);
				continue;
			}
			const real = createClient({ baseUrl: sim.baseUrl, apiKey: KEYS.ours });
			const client = side === "engine" ? await answeredAtOnce(real) : real;
			const allocation = allocationMeter();
			const cpu = process.cpuUsage();
			const started = performance.now();
			await runImport(
				{
					files: data.files,
					checkpointPath: checkpointIn(dir, `run-${i}`),
					keyFingerprint: keyFingerprint(KEYS.ours),
					baseUrl: sim.baseUrl,
					concurrency: 16,
					check: data.check,
				},
				{ client },
			);
			const used = process.cpuUsage(cpu);
			const ms = performance.now() - started;
			const kb = allocation() / 1024 / CUSTOMERS;
			await real.close();
			process.stdout.write(
				`${side} ${i}: ${((used.user + used.system) / CUSTOMERS).toFixed(1)} µs/record, ${(CUSTOMERS / (ms / 1000)).toFixed(0)} records/s, ${kb.toFixed(1)} KB allocated/record\n`,
			);
		}
		await profile?.stop();
	} finally {
		await sim.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Bytes allocated on the heap from now until the returned function is called: what each GC found
 * in use before it ran, less what the previous one left, summed (objects that die young count too).
 */
function allocationMeter(): () => number {
	const profiler = new GCProfiler();
	const startUsed = getHeapStatistics().used_heap_size;
	profiler.start();
	return () => {
		const endUsed = getHeapStatistics().used_heap_size;
		const { statistics } = profiler.stop() ?? { statistics: [] };
		let total = 0;
		let left = startUsed;
		for (const gc of statistics) {
			total += gc.beforeGC.heapStatistics.usedHeapSize - left;
			left = gc.afterGC.heapStatistics.usedHeapSize;
		}
		return total + endUsed - left;
	};
}

/**
 * A sampling heap profile that keeps the objects collected since (what a record allocates and
 * drops is the point), written to `path` as a `.heapprofile` DevTools reads.
 */
function allocationSampler(path: string): { start(): Promise<void>; stop(): Promise<void> } {
	const session = new Session();
	session.connect();
	return {
		start: async () => {
			await session.post("HeapProfiler.startSampling", {
				samplingInterval: 4096,
				includeObjectsCollectedByMajorGC: true,
				includeObjectsCollectedByMinorGC: true,
			});
		},
		stop: async () => {
			const { profile } = await session.post("HeapProfiler.stopSampling");
			writeFileSync(path, JSON.stringify(profile));
			session.disconnect();
		},
	};
}

/**
 * `client` with every create answered in the next turn of the event loop by a copy of one real
 * answer (its id made unique): the engine's work per record without the network's.
 */
async function answeredAtOnce(client: PivotalClient): Promise<PivotalClient> {
	const template = await client.createCustomer(JSON.stringify({ name: "Template" }), "template-1");
	let made = 0;
	const createRecord: PivotalClient["createRecord"] = (_resource, _parent, body) =>
		new Promise((resolve) => {
			made += 1;
			const data = {
				...template.data,
				...(JSON.parse(body) as object),
				id: `cus_fake${made}`,
				display_id: made,
			};
			setImmediate(() => resolve({ ...template, data }));
		});
	return new Proxy(client, {
		get(target, name) {
			if (name === "createRecord") return createRecord;
			const value = Reflect.get(target, name) as unknown;
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

await main(Number(process.argv[2] ?? 10), process.argv[3] ?? "ours");
