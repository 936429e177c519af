/**
 * Group commit of in-doubt marks: the creates that leave in one turn of the event loop share one
 * write of their "sent" marks, and none of them leaves before that write. Checked where it
 * matters, on the real file and the real pool: each write the checkpoint makes and each request
 * the client hands to undici are logged in the order they happen. Then the binary is killed
 * mid-run, many times over, and resumed: every customer once, none twice.
 */
import * as nodeFs from "node:fs";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Dispatcher, Pool } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../../src/api/client.js";
import { keyFingerprint } from "../../../src/api/key.js";
import type { CheckpointFileSystem } from "../../../src/core/checkpoint/index.js";
import { runImport } from "../../../src/core/engine.js";
import { type Simulator, startSimulator } from "../../../src/sim/index.js";
import { until } from "../../reliability/sync-support.js";
import { runCli, startCli } from "../../support/cli.js";
import { simTotals, TEST_KEY } from "../../support/import-harness.js";
import { tempDir } from "../../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

type Step =
	| { readonly kind: "write"; readonly text: string }
	| { readonly kind: "send"; readonly key: string };

/** The real pool, noting each create the moment the client hands it over to be sent. */
class LoggingPool extends Pool {
	readonly #log: Step[];

	constructor(origin: string, log: Step[]) {
		super(origin, { connections: 16 });
		this.#log = log;
	}

	override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
		if (options.method === "POST" && typeof options.body === "string") {
			const body = JSON.parse(options.body) as { metadata?: { external_id?: string } };
			this.#log.push({ kind: "send", key: body.metadata?.external_id ?? "" });
		}
		return super.dispatch(options, handler);
	}
}

function customersCsv(dir: string, count: number): string {
	const path = join(dir, "customers.csv");
	const rows = Array.from({ length: count }, (_, i) => `c${i},Customer ${i},customer-${i}`);
	writeFileSync(path, `external_id,name,slug\n${rows.join("\n")}\n`);
	return path;
}

const sentMark = (key: string) => `"k":${JSON.stringify(key)},"v":{"s":"sent"`;

describe("group commit of in-doubt marks", () => {
	it("writes each create's mark before its request leaves, the marks of a turn's requests in one write", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = customersCsv(dir, 120);
		const log: Step[] = [];
		const fs: CheckpointFileSystem = {
			...nodeFs,
			writeSync: (fd, buffer, offset, length, position) => {
				log.push({ kind: "write", text: Buffer.from(buffer.subarray(offset, offset + length)).toString() });
				return nodeFs.writeSync(fd, buffer, offset, length, position);
			},
		};
		const pool = new LoggingPool(new URL(sim.baseUrl).origin, log);
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY, dispatcher: pool });
		try {
			const summary = await runImport(
				{
					files: { customers },
					checkpointPath: join(dir, "state.checkpoint.json"),
					keyFingerprint: keyFingerprint(TEST_KEY),
					baseUrl: sim.baseUrl,
					concurrency: 16,
				},
				{ client, checkpointFs: fs },
			);
			expect(summary.passes.customers.created).toBe(120);
		} finally {
			await client.close();
			await pool.close();
		}
		const sends = log.filter((step) => step.kind === "send");
		expect(sends).toHaveLength(120);
		// Each send: its record's mark is in a write made before it.
		for (const [at, step] of log.entries()) {
			if (step.kind !== "send") continue;
			const before = log.slice(0, at).some((s) => s.kind === "write" && s.text.includes(sentMark(step.key)));
			expect(before, `customer ${step.key} left before its mark was written`).toBe(true);
		}
		// Requests that leave together waited for one write: fewer writes of marks than marks.
		const markWrites = log.filter((s) => s.kind === "write" && s.text.includes('"v":{"s":"sent"'));
		const marksIn = (text: string) => text.split('"v":{"s":"sent"').length - 1;
		expect(Math.max(...markWrites.map((s) => (s.kind === "write" ? marksIn(s.text) : 0)))).toBeGreaterThan(1);
		expect(markWrites.length).toBeLessThan(120);
		expect(simTotals(sim)).toMatchObject({ customers: 120, duplicates: 0 });
	}, 60_000);

	it("the binary killed mid-run, three times, then run to the end: every customer once", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const customers = customersCsv(dir, 600);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = ["import", customers, "--concurrency", "16", "--yes"];
		for (const atLeast of [50, 200, 350]) {
			const { child, result } = startCli(args, { env });
			// Killed while a batch of creates is out, wherever the run has got to by then.
			// The counter, not a dump of every record: polled every 5 ms beside the server it reads.
			await until(() => sim.counters().created.customers >= atLeast);
			child.kill("SIGKILL");
			const killed = await result;
			if (killed.signal !== "SIGKILL") break;
		}
		const last = await runCli(args, { env });
		expect(last.code).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 600, duplicates: 0 });
		// The checkpoint, read by today's reader, holds every customer as done.
		const state = readFileSync(`${customers}.checkpoint.json`, "utf8");
		expect(state.split('"s":"done"').length - 1).toBe(600);
	}, 120_000);
});
