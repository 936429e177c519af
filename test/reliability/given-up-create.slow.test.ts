/**
 * A customer create given up after it went out (every answer lost on the way back, eight
 * attempts over about a minute of back-off): Pivotal may hold it, so a re-keyed row with its
 * name or its CRM id is refused before anything is sent, as for a create a killed run left in
 * doubt (adversarial finding W11). Slow: the give-up takes the retry policy's whole back-off.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { liveCustomers, simulatorsClosedAfterEach, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const startSim = simulatorsClosedAfterEach();

const live = liveCustomers;

/**
 * A proxy in front of the simulator that, when told, passes `POST /customers` on and never
 * answers it: the customer is made, the client hears nothing, and its retries (the same
 * idempotency key, answered from the server's replay) hear nothing either.
 */
async function answerDropping(target: string) {
	let isDropping = false;
	const upstream = new URL(target);
	const server = createServer(async (request, response) => {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const headers = new Headers();
		for (const name of ["authorization", "content-type", "accept", "idempotency-key"]) {
			const value = request.headers[name];
			if (typeof value === "string") headers.set(name, value);
		}
		const answer = await fetch(`${upstream.origin}${request.url ?? "/"}`, {
			method: request.method ?? "GET",
			headers,
			...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
		});
		const body = Buffer.from(await answer.arrayBuffer());
		if (isDropping && request.method === "POST" && /\/customers$/.test(request.url ?? "")) return;
		const passed: Record<string, string> = {};
		answer.headers.forEach((value, name) => {
			if (
				!["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"].includes(
					name,
				)
			)
				passed[name] = value;
		});
		response.writeHead(answer.status, passed);
		response.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
		dropCreates(on: boolean) {
			isDropping = on;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

describe("a customer create given up after it went out", { timeout: 150_000 }, () => {
	it("a re-keyed row with its name or its CRM id is refused, nothing sent, no second customer (finding W11)", async () => {
		const sim = await startSim({ seed: 11, rateLimit: 100_000 });
		const proxy = await answerDropping(sim.baseUrl);
		try {
			const header = "external_id,name,hubspot_company_id";
			const file = join(tempDir("pivotal-given-up-"), "c.csv");
			const env = {
				PIVOTAL_API_KEY: TEST_KEY,
				PIVOTAL_API_URL: proxy.baseUrl,
				PIVOTAL_TIMEOUT_SECONDS: "1",
			};
			writeFileSync(file, `${header}\nbase1,Base One,HS-1\n`);
			expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
			// Pivotal makes the customer; its answer, and every retry's, is lost on the way back.
			proxy.dropCreates(true);
			writeFileSync(file, `${header}\nbase1,Base One,HS-1\nrho1,Rho One,HS-7\n`);
			const lost = await runCli(["import", file, "--headless", "--yes"], { env });
			expect(lost.code, lost.stderr).toBe(1);
			expect(lost.stdout).toContain("network_timeout");
			proxy.dropCreates(false);
			expect(live(sim)).toEqual(["Base One=base1", "Rho One=rho1"]);
			const requests = sim.counters().requests;
			for (const retyped of ["rho2,Rho One,", "rho2,Rho Uno,HS-7"]) {
				writeFileSync(file, `${header}\nbase1,Base One,HS-1\n${retyped}\n`);
				const run = await runCli(["import", file, "--headless", "--yes"], { env });
				expect(run.code, `${retyped}: ${run.stderr}`).toBe(2);
				expect(run.stderr).toContain('"rho2"');
			}
			expect(sim.counters().requests).toBe(requests);
			expect(live(sim)).toEqual(["Base One=base1", "Rho One=rho1"]);
		} finally {
			await proxy.close();
		}
	});
});
