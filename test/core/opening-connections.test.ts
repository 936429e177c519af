/**
 * The first burst's connections open once `GET /me` has been answered, never beside it: the
 * server's arrival of `GET /me` dates the window's first slot (a burst of connects beside it
 * made that date vaguer), and a key the server refuses costs it one connection, not a window's.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { startImport } from "../../src/core/engine.js";
import { API_KEY, errorEnvelope, json, type Loopback, ME, startLoopback } from "../api/loopback.js";
import { tempDir } from "../support/temp-dirs.js";

const servers: Loopback[] = [];
afterEach(async () => {
	for (const server of servers.splice(0)) await server.close();
});

const RATE = { "x-ratelimit-limit": 60, "x-ratelimit-remaining": 59, "x-ratelimit-reset": 1 };

function customersFile(): string {
	const path = join(tempDir(), "customers.csv");
	writeFileSync(path, "external_id,name\nc1,Acme One\nc2,Acme Two\n");
	return path;
}

async function opened(server: Loopback) {
	servers.push(server);
	const client = createClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
	const run = startImport(
		{
			files: { customers: customersFile() },
			keyFingerprint: keyFingerprint(API_KEY),
			baseUrl: server.baseUrl,
		},
		{ client },
	);
	return { client, run };
}

describe("the first burst's connections", () => {
	it("a refused key: one connection, GET /me's, and nothing else", async () => {
		const server = await startLoopback((_request, res) =>
			json(res, 401, errorEnvelope("authentication_error", "invalid_api_key", "Invalid API key.")),
		);
		const { client, run } = await opened(server);
		const summary = await run.done;
		await run.close();
		expect(summary.outcome).toBe("auth-failed");
		// Spares would have opened by now had they been asked for beside GET /me.
		await sleep(100);
		expect(server.connections()).toBe(1);
		expect(server.requests.map((r) => r.url)).toEqual(["/api/v1/me"]);
		await client.close();
	});

	it("a sound key: GET /me arrives alone on the wire, the spares open once it is answered", async () => {
		let atMe: number | undefined;
		const server = await startLoopback(async (request, res) => {
			if (request.url === "/api/v1/me") {
				atMe = server.connections();
				json(res, 200, ME, RATE);
				return;
			}
			// What follows GET /me waits for the spares (up to ~5 s), then ends the run.
			for (let i = 0; i < 500 && server.connections() < 3; i++) await sleep(10);
			json(res, 401, errorEnvelope("authentication_error", "api_key_revoked", "Revoked."));
		});
		const { client, run } = await opened(server);
		await run.done;
		await run.close();
		await client.close();
		expect(atMe).toBe(1);
		expect(server.connections()).toBeGreaterThanOrEqual(3);
	});
});
