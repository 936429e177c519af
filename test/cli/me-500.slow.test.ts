/** A 500 from GET /me, retried with backoff (~50 s) before one clean sentence. In the slow suite. */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { TEST_KEY, tempDir } from "../support/import-harness.js";

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function customers(): string {
	const csv = join(tempDir(), "c.csv");
	writeFileSync(csv, "external_id,name\nx1,A One\n");
	return csv;
}

describe("one sentence, once, after the backoffs", () => {
	it("a 500 from GET /me: the server's text quoted, then the advice", async () => {
		const server = createServer((_, res) => {
			const body = JSON.stringify({ error: { type: "api_error", code: "internal_error", message: "boom" } });
			res.writeHead(500, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
			res.end(body);
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		servers.push(server);
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
		const done = await runCli(["import", customers(), "--headless"], {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: url },
		});
		expect(done.code).toBe(3);
		// Retried with backoff first (a 500 may pass), then one sentence.
		expect(done.stdout).toContain(
			'error: GET /me was answered 500 internal_error ("boom"). Check --base-url and the network, then run again.\n',
		);
		expect(done.stdout).not.toContain("boom Check");
	}, 120_000);
});
