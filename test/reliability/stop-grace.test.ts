/**
 * One SIGTERM against a server that never answers: the run stops within its grace, not after the
 * request deadline (up to 120 s), so a service manager's SIGKILL (docker: 10 s later) finds it
 * gone, its summary written. The requests given up are in doubt in the state, as after a kill.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";
import { HOSTILE_KEY, type Hostile, hostileServer } from "./hostile-support.js";

const servers: Hostile[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("a stop while requests hang", () => {
	it("SIGTERM: exit 3 within the grace, the hanging creates left in doubt in the state", async () => {
		// Every POST is read and never answered.
		const server = await hostileServer(() => undefined);
		servers.push(server);
		const dir = tempDir();
		const csv = join(dir, "c.csv");
		writeFileSync(csv, "external_id,name\nx1,A One\nx2,B Two\n");
		const { child, result } = startCli(["import", csv, "--headless", "--base-url", server.baseUrl], {
			env: { PIVOTAL_API_KEY: HOSTILE_KEY },
		});
		for (let i = 0; i < 600 && !server.requests.some((r) => r.method === "POST"); i += 1)
			await new Promise((resolve) => setTimeout(resolve, 50));
		await new Promise((resolve) => setTimeout(resolve, 300));
		const posted = server.requests.filter((r) => r.method === "POST").length;
		expect(posted).toBeGreaterThan(0);
		const stoppedAt = Date.now();
		child.kill("SIGTERM");
		// Without the grace the process waits for the request deadline: killed here, it fails.
		const guard = setTimeout(() => child.kill("SIGKILL"), 25_000);
		const done = await result.finally(() => clearTimeout(guard));
		const took = Date.now() - stoppedAt;
		expect(done.signal).toBeNull();
		expect(done.code).toBe(3);
		expect(took).toBeLessThan(20_000);
		expect(done.stdout).toContain("get 5 s to finish, then are given up");
		expect(done.stderr).not.toContain(HOSTILE_KEY);
		// The hanging create is in doubt (marked sent), to be looked up by the next run, not created again blind.
		const state = readFileSync(`${csv}.checkpoint.json`, "utf8");
		expect(state).toMatch(/"k":"x1","v":\{"s":"sent"/);
		// Nothing more went out after the stop.
		expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(posted);
	}, 60_000);

	it("SIGINT while the first sync's list page hangs: exit 3 within the grace, no request asked again after the stop", async () => {
		// The list pages too (listsToo) go unanswered: the first sync's walk hangs on its first page.
		const server = await hostileServer(() => undefined, undefined, true);
		servers.push(server);
		const dir = tempDir();
		const csv = join(dir, "c.csv");
		writeFileSync(csv, "external_id,name\nx1,A One\n");
		const { child, result } = startCli(["import", csv, "--headless", "--yes", "--base-url", server.baseUrl], {
			env: { PIVOTAL_API_KEY: HOSTILE_KEY },
		});
		const isListing = () => server.requests.some((r) => r.method === "GET" && r.url.includes("/customers"));
		for (let i = 0; i < 600 && !isListing(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
		expect(isListing()).toBe(true);
		const asked = server.requests.length;
		const stoppedAt = Date.now();
		child.kill("SIGINT");
		const guard = setTimeout(() => child.kill("SIGKILL"), 25_000);
		const done = await result.finally(() => clearTimeout(guard));
		expect(done.signal).toBeNull();
		expect(done.code).toBe(3);
		expect(Date.now() - stoppedAt).toBeLessThan(20_000);
		expect(server.requests).toHaveLength(asked);
		expect(server.requests.some((r) => r.method === "POST")).toBe(false);
		expect(`${done.stdout}${done.stderr}`).not.toContain("asking again");
	}, 60_000);

	it("SIGINT while GET /me hangs: exit 3 at once, said as a stop before the run began, not as input to fix", async () => {
		const server = await hostileServer(
			() => undefined,
			() => undefined,
		);
		servers.push(server);
		const dir = tempDir();
		const csv = join(dir, "c.csv");
		writeFileSync(csv, "external_id,name\nx1,A One\n");
		const { child, result } = startCli(["import", csv, "--headless", "--yes", "--base-url", server.baseUrl], {
			env: { PIVOTAL_API_KEY: HOSTILE_KEY },
		});
		const isAsking = () => server.requests.some((r) => r.url.endsWith("/me"));
		for (let i = 0; i < 600 && !isAsking(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
		child.kill("SIGINT");
		const guard = setTimeout(() => child.kill("SIGKILL"), 25_000);
		const done = await result.finally(() => clearTimeout(guard));
		expect(done.code).toBe(3);
		const said = `${done.stdout}${done.stderr}`;
		expect(said).not.toContain("fix what is said above");
		expect(said).not.toContain(HOSTILE_KEY);
	}, 60_000);
});
