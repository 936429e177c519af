/**
 * Ctrl+C (or SIGTERM) during a long 429 hold: the run stops at once, and nothing it leaves
 * behind (a governor's timer, a backoff sleep) keeps the process alive until the hold ends.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";
import { HOSTILE_KEY, type Hostile, hostileServer, send } from "./hostile-support.js";

const servers: Hostile[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("an interrupt during a 429 hold of an hour", () => {
	for (const signal of ["SIGINT", "SIGTERM"] as const) {
		it(`${signal}: exit 3 once the run stops, not when the hold ends`, async () => {
			const server = await hostileServer((_, res) =>
				send(
					res,
					429,
					{ error: { type: "rate_limit_error", code: "rate_limited", message: "later" } },
					{ "retry-after": "99999999" },
				),
			);
			servers.push(server);
			const dir = tempDir();
			const csv = join(dir, "c.csv");
			writeFileSync(csv, "external_id,name\nx1,A One\nx2,B Two\n");
			const { child, result } = startCli(["import", csv, "--headless", "--base-url", server.baseUrl], {
				env: { PIVOTAL_API_KEY: HOSTILE_KEY },
			});
			// The hold has begun: a POST was answered 429.
			for (let i = 0; i < 600 && !server.requests.some((r) => r.method === "POST"); i += 1)
				await new Promise((resolve) => setTimeout(resolve, 50));
			await new Promise((resolve) => setTimeout(resolve, 1_000));
			child.kill(signal);
			// A process kept alive by the hold is killed after 30 s, and fails here.
			const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
			const done = await result.finally(() => clearTimeout(guard));
			expect(done.signal).toBeNull();
			expect(done.code).toBe(3);
			expect(done.stderr).not.toContain(HOSTILE_KEY);
		}, 60_000);
	}
});
