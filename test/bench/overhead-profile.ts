/**
 * Row b's engine side alone, for a profiler: `node --cpu-prof dist/test/bench/overhead-profile.js [runs]`
 * imports 5,000 customers `runs` times (default 10; `bare` after it profiles the bare loop instead,
 * `engine` the engine with creates answered at once in this process, so that only its own CPU counts) against a simulator in its own process, as
 * overhead.ts does, and prints each run's client CPU per record. Not a measurement of record:
 * row b in run.ts pairs it with the bare loop.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { PivotalClient } from "../../src/api/types.js";
import { runImport } from "../../src/core/engine.js";
import { checkpointIn, collect, dataset, KEYS } from "./common.js";
import { bare, UNLIMITED } from "./overhead.js";
import { spawnSim } from "./sim-process.js";

const CUSTOMERS = 5_000;

async function main(runs: number, side: string): Promise<void> {
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
			if (side === "bare") {
				const run = await bare(sim, bodies);
				process.stdout.write(
					`bare ${i}: ${run.cpuUsPerRecord.toFixed(1)} µs/record, ${run.perSecond.toFixed(0)} records/s\n`,
				);
				continue;
			}
			const real = createClient({ baseUrl: sim.baseUrl, apiKey: KEYS.ours });
			const client = side === "engine" ? await answeredAtOnce(real) : real;
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
			await real.close();
			process.stdout.write(
				`${side} ${i}: ${((used.user + used.system) / CUSTOMERS).toFixed(1)} µs/record, ${(CUSTOMERS / (ms / 1000)).toFixed(0)} records/s\n`,
			);
		}
	} finally {
		await sim.close();
		rmSync(dir, { recursive: true, force: true });
	}
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
