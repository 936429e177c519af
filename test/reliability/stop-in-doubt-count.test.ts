/**
 * Adversarial finding L1 (its second part): a stop that leaves records in doubt says how many of
 * the pending ones were sent without an answer and how many were never sent, on the summary
 * (where the stop line is written, the requests in flight may still answer: no count yet).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";
import { HOSTILE_KEY, type Hostile, hostileServer } from "./hostile-support.js";

const servers: Hostile[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("a stop with records in doubt", () => {
	it("SIGTERM while one create hangs, two never sent: the summary counts each", async () => {
		// Every POST is read and never answered.
		const server = await hostileServer(() => undefined);
		servers.push(server);
		const dir = tempDir();
		const csv = join(dir, "c.csv");
		writeFileSync(csv, "external_id,name\nx1,A One\nx2,B Two\nx3,C Three\n");
		const { child, result } = startCli(
			["import", csv, "--headless", "--concurrency", "1", "--base-url", server.baseUrl],
			{ env: { PIVOTAL_API_KEY: HOSTILE_KEY } },
		);
		for (let i = 0; i < 600 && !server.requests.some((r) => r.method === "POST"); i += 1)
			await new Promise((resolve) => setTimeout(resolve, 50));
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
		child.kill("SIGTERM");
		const guard = setTimeout(() => child.kill("SIGKILL"), 25_000);
		const done = await result.finally(() => clearTimeout(guard));
		expect(done.code).toBe(3);
		expect(done.stdout).toContain(
			"customers: 1 of the 3 pending was sent without an answer (in doubt: the next run checks it), 2 never sent",
		);
	}, 60_000);
});
