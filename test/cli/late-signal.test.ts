/**
 * A signal that comes once the run has ended (its summary out, the notification under way) changes
 * nothing: the exit code is the run's, as its summary and --notify say (adversarial finding J13).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();
const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("a signal after the run ended", () => {
	it("SIGTERM while the notification is out: exit 0 as the run finished, the notification says so", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 5, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const got: string[] = [];
		let arrived: () => void = () => {};
		const posted = new Promise<void>((resolve) => {
			arrived = resolve;
		});
		// Answers a second after the POST: the signal lands while the command waits for it.
		const server = createServer((request, response) => {
			let raw = "";
			request.setEncoding("utf8").on("data", (chunk: string) => {
				raw += chunk;
			});
			request.on("end", () => {
				got.push(raw);
				arrived();
				setTimeout(() => response.writeHead(200).end("ok"), 1_000);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		servers.push(server);
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const { child, result } = startCli(["import", files.customers, "--headless", "--notify", url], { env });
		await posted;
		child.kill("SIGTERM");
		const done = await result;
		expect(done.signal).toBeNull();
		expect(done.code).toBe(0);
		expect(got).toHaveLength(1);
		expect(JSON.parse(got[0] ?? "{}")).toMatchObject({ exitCode: 0 });
		expect(done.stdout).not.toContain("Interrupted");
	}, 60_000);
});
