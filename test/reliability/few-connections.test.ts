/**
 * A server, or a gateway in front of it, that takes fewer connections than a key's first burst
 * opens (adversarial finding L6): the connections past its cap are reset as they open, and the
 * burst's requests on them fail together. That lowers the concurrency; it must not stop a run the
 * server could finish as "the server is failing".
 */
import { createConnection, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { headlessImportArgs, runCli } from "../support/cli.js";
import { generateDataset } from "../support/generate.js";
import { simTotals, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const open: { close(): unknown }[] = [];
afterEach(async () => {
	for (const item of open.splice(0)) await item.close();
});

/** A TCP proxy to `port` that takes `cap` connections at once and resets any more as they open. */
async function cappedProxy(port: number, cap: number): Promise<number> {
	const server: Server = createServer((client) => {
		const upstream = createConnection({ host: "127.0.0.1", port });
		client.pipe(upstream).pipe(client);
		client.on("error", () => upstream.destroy());
		upstream.on("error", () => client.destroy());
	});
	server.maxConnections = cap;
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
	const address = server.address();
	if (address === null || typeof address === "string") throw new Error("no port");
	return address.port;
}

describe("a server that takes fewer connections than the first burst", { timeout: 120_000 }, () => {
	it("the run goes on at what the server takes and finishes, every record once", async () => {
		const sim: Simulator = await startSimulator({
			seed: 7,
			rateLimit: 100_000,
			faults: { latencyMinMs: 50, latencyMaxMs: 150 },
		});
		open.push(sim);
		const dir = tempDir("pivotal-few-connections-");
		const data = await generateDataset({
			dir,
			customers: 150,
			contactsPerCustomer: 0,
			onboardingsPerCustomer: 0,
		});
		const port = await cappedProxy(Number(new URL(sim.baseUrl).port), 8);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: `http://127.0.0.1:${port}/api/v1` };
		const run = await runCli(headlessImportArgs({ customers: data.customers }, "--yes"), { env });
		expect(run.stderr).not.toContain("The server is failing");
		expect(run.code).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 150, duplicates: 0 });
	});
});
