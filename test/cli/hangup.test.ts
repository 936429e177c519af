/**
 * A closed terminal, a dropped SSH session or a killed tmux sends SIGHUP: the run stops as on
 * SIGTERM, with its state saved, its summary written and its notification sent, exit 3.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY, tempDir } from "../support/import-harness.js";

const prepared = simulatorsPerTest();
const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function receiver(): Promise<{ url: string; got: string[] }> {
	const got: string[] = [];
	const server = createServer((request, response) => {
		let raw = "";
		request.setEncoding("utf8").on("data", (chunk: string) => {
			raw += chunk;
		});
		request.on("end", () => {
			got.push(raw);
			response.writeHead(200).end("ok");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	servers.push(server);
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

describe("SIGHUP mid-run", () => {
	it("stops gracefully: exit 3, the state saved, the summary written, the notification sent once", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 20, latencyMaxMs: 30 } },
			{ customers: 200, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const hook = await receiver();
		const summary = join(tempDir(), "summary.md");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const { child, result } = startCli(
			[
				"import",
				files.customers,
				"--headless",
				"--concurrency",
				"2",
				"--notify",
				hook.url,
				"--summary-md",
				summary,
			],
			{ env },
		);
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (sim.counters().posts >= 10) {
					clearInterval(poll);
					child.kill("SIGHUP");
					resolve();
				}
			}, 5);
		});
		const done = await result;
		expect(done.signal).toBeNull();
		expect(done.code).toBe(3);
		expect(hook.got).toHaveLength(1);
		expect(JSON.parse(hook.got[0] ?? "{}")).toMatchObject({ outcome: "interrupted", exitCode: 3 });
		expect(readFileSync(summary, "utf8")).toContain("Import");
		expect(existsSync(`${files.customers}.checkpoint.json`)).toBe(true);
		const state = readFileSync(`${files.customers}.checkpoint.json`, "utf8");
		expect(state).toContain('"s":"done"');
	}, 90_000);
});
