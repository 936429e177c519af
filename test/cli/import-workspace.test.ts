/**
 * `import` with a key of another workspace than the state's (same server): refused before
 * anything is sent, as `undo` refuses it. A loopback proxy in front of the simulator answers
 * `GET /me` for the second key with another organization.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY, tempDir } from "../support/import-harness.js";

const OTHER_KEY = "pivotal_test_otherWorkspaceKey0002";
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	await Promise.all(closers.splice(0).map((close) => close()));
});

/** Forwards every request to the simulator; `/me` for OTHER_KEY names another workspace. */
async function proxy(sim: Simulator): Promise<{ url: string; seen: string[] }> {
	const target = new URL(sim.baseUrl);
	const seen: string[] = [];
	const server: Server = createServer((incoming, answer) => {
		const auth = String(incoming.headers.authorization ?? "");
		seen.push(`${incoming.method} ${incoming.url} ${auth.includes(OTHER_KEY) ? "other" : "own"}`);
		const isOtherMe = auth.includes(OTHER_KEY) && /\/me$/.test(incoming.url ?? "");
		const headers = { ...incoming.headers, host: target.host };
		if (auth.includes(OTHER_KEY)) headers.authorization = `Bearer ${TEST_KEY}`;
		const out = request(
			{ host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers },
			(back) => {
				if (!isOtherMe) {
					answer.writeHead(back.statusCode ?? 502, back.headers);
					back.pipe(answer);
					return;
				}
				let text = "";
				back.setEncoding("utf8").on("data", (chunk: string) => {
					text += chunk;
				});
				back.on("end", () => {
					const me = JSON.parse(text) as Record<string, Record<string, unknown>>;
					// The organization, enveloped in `data` or not.
					const holder = (me.data ?? me) as { organization: Record<string, unknown> };
					holder.organization = { ...holder.organization, id: "org_other", name: "Other Co" };
					const body = JSON.stringify(me);
					const { "content-length": _, ...rest } = back.headers;
					answer.writeHead(back.statusCode ?? 200, { ...rest, "content-length": Buffer.byteLength(body) });
					answer.end(body);
				});
			},
		);
		incoming.pipe(out);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	closers.push(() => new Promise((resolve) => server.close(resolve)));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname.replace(/\/$/, "")}`,
		seen,
	};
}

describe("import with a key of another workspace", () => {
	it("is refused in one sentence, exit 2, before anything is sent", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		closers.push(() => sim.close());
		const front = await proxy(sim);
		const csv = join(tempDir(), "c.csv");
		writeFileSync(csv, "external_id,name\nx1,A One\nx2,B Two\n");
		const first = await runCli(["import", csv, "--yes", "--base-url", front.url], {
			env: { PIVOTAL_API_KEY: TEST_KEY },
		});
		expect(first.code).toBe(0);
		appendFileSync(csv, "x3,C Three\n");
		front.seen.length = 0;
		const wrong = await runCli(["import", csv, "--yes", "--base-url", front.url], {
			env: { PIVOTAL_API_KEY: OTHER_KEY },
		});
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toBe(
			`This key belongs to the workspace Other Co, not the one ${csv}.checkpoint.json was imported into (Simulator Workspace); nothing was sent. Use a key of that workspace.\n`,
		);
		// Only the key's own look-up went out: no read of the state's records, no write.
		expect(front.seen.filter((line) => !/^GET \S*\/me /.test(line))).toEqual([]);
		expect(sim.state().customers.filter((c) => !c.deleted)).toHaveLength(2);
	}, 20_000);
});
