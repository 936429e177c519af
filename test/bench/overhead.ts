/**
 * Row b: records/s of a headless import with no effective limit, against a bare undici loop
 * sending the same bodies and headers at the same concurrency to the same simulator. The
 * simulator runs in its own process; both sides run here, alternately, best of two each.
 */

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Pool } from "undici";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { runImport } from "../../src/core/engine.js";
import { idempotencyKey } from "../../src/core/idempotency.js";
import { checkpointIn, collect, type Dataset, dataset, KEYS } from "./common.js";
import { type SimProcess, spawnSim } from "./sim-process.js";
import { fixed, type RowReport } from "./table.js";

const CUSTOMERS = 5_000;
const CONCURRENCY = 16;
const ROUNDS = 2;
const MIN_RATIO = 0.7;

/** Effectively no limit: the simulator still sends its headers, the window never fills. */
export const UNLIMITED = ["--rate-limit", "1000000000", "--window", "60"] as const;

function userAgent(): string {
	const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
		version: string;
	};
	return `pivotal-tui/${pkg.version}`;
}

async function ours(sim: SimProcess, data: Dataset, checkpointPath: string): Promise<number> {
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: KEYS.ours });
	const started = performance.now();
	const summary = await runImport(
		{
			files: data.files,
			checkpointPath,
			keyFingerprint: keyFingerprint(KEYS.ours),
			baseUrl: sim.baseUrl,
			concurrency: CONCURRENCY,
			check: data.check,
		},
		{ client },
	);
	const elapsed = performance.now() - started;
	await client.close();
	if (summary.passes.customers.created !== CUSTOMERS)
		throw new Error("row b: the engine did not create every customer");
	return CUSTOMERS / (elapsed / 1000);
}

async function bare(sim: SimProcess, bodies: readonly { key: string; text: string }[]): Promise<number> {
	const url = new URL(sim.baseUrl);
	const path = `${url.pathname.replace(/\/+$/, "")}/customers`;
	const pool = new Pool(url.origin, { connections: CONCURRENCY });
	const runId = randomBytes(6).toString("hex");
	const agent = userAgent();
	let next = 0;
	let created = 0;
	const worker = async () => {
		while (next < bodies.length) {
			const record = bodies[next++]!;
			const response = await pool.request({
				path,
				method: "POST",
				headers: {
					authorization: `Bearer ${KEYS.bare}`,
					accept: "application/json",
					"user-agent": agent,
					"content-type": "application/json",
					"idempotency-key": idempotencyKey(runId, "customers", record.key),
				},
				body: record.text,
			});
			const answer = JSON.parse(await response.body.text()) as { id?: string };
			if (response.statusCode === 201 && answer.id) created += 1;
		}
	};
	const started = performance.now();
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	const elapsed = performance.now() - started;
	await pool.close();
	if (created !== bodies.length)
		throw new Error(`row b: the bare loop created ${created} of ${bodies.length}`);
	return bodies.length / (elapsed / 1000);
}

export async function overheadRow(tmp: string): Promise<RowReport> {
	const dir = join(tmp, "b");
	const data = await dataset(dir, CUSTOMERS);
	const bodies = (await collect(data.files.customers)).map((r) => ({
		key: r.key,
		text: JSON.stringify(r.body),
	}));
	const sim = await spawnSim(UNLIMITED);
	let best = { ours: 0, bare: 0 };
	try {
		// Round 0 warms the JIT of both sides (and the simulator) and is not counted: the first
		// few thousand requests of a fresh process run markedly slower on either side.
		for (let round = 0; round <= ROUNDS; round++) {
			await sim.reset();
			const o = await ours(sim, data, checkpointIn(dir, `ours-${round}`));
			await sim.reset();
			const b = await bare(sim, bodies);
			if (round > 0) best = { ours: Math.max(best.ours, o), bare: Math.max(best.bare, b) };
		}
	} finally {
		await sim.close();
	}
	const ratio = best.ours / best.bare;
	return {
		lines: [
			{
				row: "b",
				measured: "engine overhead: records/s, ours ÷ bare undici loop",
				figure: `${fixed(ratio, 2)} (${best.ours.toFixed(0)} ÷ ${best.bare.toFixed(0)}/s)`,
				target: `≥ ${MIN_RATIO}`,
				isPass: ratio >= MIN_RATIO,
			},
		],
		notes: [
			`b: ${CUSTOMERS} customers, concurrency ${CONCURRENCY} both sides, simulator in its own process with limit 10^9, reset before each run; best of ${ROUNDS} alternating runs each after one uncounted warm-up run of each. Ours = runImport (GET /me, checkpoint, governor, events) timed from start to summary, validation done beforehand; bare = ${CONCURRENCY} workers over one undici Pool, same bodies and headers, response JSON parsed.`,
		],
	};
}
