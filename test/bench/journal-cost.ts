/**
 * The journal's own cost, outside the engine: `node dist/test/bench/journal-cost.js [N]`.
 * Writes N records' in-doubt mark and outcome (2N journal lines, no compaction on the way), as a
 * first pass does, then loads the file (2N journal lines after an empty snapshot), and the same
 * file as version 2 wrote it (no links) beside it. Prints the median of five rounds of µs per
 * `set()` and ms per load. A script, not a test.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CheckpointHeader, openCheckpoint, readCheckpoint } from "../../src/core/checkpoint/index.js";
import { splitLink } from "../../src/core/checkpoint/journal-chain.js";

const ROUNDS = 5;

function header(): CheckpointHeader {
	return {
		runId: "benchjournal01",
		createdAt: new Date().toISOString(),
		keyFingerprint: `sha256:${"0".repeat(64)}`,
		baseUrl: "http://127.0.0.1:1/api/v1",
		sources: { customers: undefined, contacts: undefined, onboardings: undefined },
	};
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

/** The same state as version 2 wrote it: no links, version 2 in its first line. */
function unchained(path: string, to: string): void {
	const lines = readFileSync(path, "utf8").split("\n");
	const head = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
	const rest = lines.slice(1).map((line) => splitLink(line)?.body.concat("}") ?? line);
	writeFileSync(to, [JSON.stringify({ ...head, version: 2 }), ...rest].join("\n"));
}

async function timedLoad(path: string, n: number): Promise<number> {
	const started = performance.now();
	const data = await readCheckpoint(path);
	const millis = performance.now() - started;
	if (data?.records.customers.size !== n) throw new Error("the load lost records");
	return millis;
}

async function round(
	dir: string,
	n: number,
): Promise<{ setMicros: number; loadMillis: number; unchainedMillis: number }> {
	const path = join(dir, "customers.csv.checkpoint.json");
	rmSync(path, { force: true });
	rmSync(`${path}.bak`, { force: true });
	const { store } = await openCheckpoint({ path, create: header, compactEvery: 10 * n });
	const started = performance.now();
	for (let i = 0; i < n; i++) {
		const key = `cus_${String(i).padStart(7, "0")}`;
		store.set("customers", key, { s: "sent", attempts: 1 });
		store.set("customers", key, {
			s: "done",
			outcome: "created",
			id: `c_${i}`,
			attempts: 1,
			v: { name: `Customer ${i}`, mrr: i },
		});
	}
	const setMicros = ((performance.now() - started) * 1000) / (2 * n);
	// Killed here: no close(), so the journal stays for the load to read.
	const older = join(dir, "older.checkpoint.json");
	unchained(path, older);
	const unchainedMillis = await timedLoad(older, n);
	const loadMillis = await timedLoad(path, n);
	await store.close();
	return { setMicros, loadMillis, unchainedMillis };
}

async function main(): Promise<void> {
	const n = Number(process.argv[2] ?? 50_000);
	const dir = mkdtempSync(join(tmpdir(), "pivotal-journal-cost-"));
	try {
		const sets: number[] = [];
		const loads: number[] = [];
		const olderLoads: number[] = [];
		for (let r = 0; r < ROUNDS; r++) {
			const { setMicros, loadMillis, unchainedMillis } = await round(dir, n);
			sets.push(setMicros);
			loads.push(loadMillis);
			olderLoads.push(unchainedMillis);
		}
		process.stdout.write(
			`${2 * n} journal lines: ${median(sets).toFixed(2)} µs per set() (min ${Math.min(...sets).toFixed(2)}), load ${median(loads).toFixed(0)} ms (min ${Math.min(...loads).toFixed(0)}), the same unchained (version 2) ${median(olderLoads).toFixed(0)} ms (min ${Math.min(...olderLoads).toFixed(0)})\n`,
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

await main();
