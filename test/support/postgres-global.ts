/**
 * One PostgreSQL server for the whole test run (vitest `globalSetup`), started only when a test
 * file first asks for one: starting a server (initdb included) costs seconds of CPU, and it was
 * paid once per file that used Postgres. Every file still gets databases of its own (see
 * `testPostgres`), so files share a server, never data.
 *
 * Test files run in other processes: they ask a small loopback HTTP server ("broker") started
 * here, whose address they get through vitest's `inject`. `GET /server` answers the running
 * server's port once it is up. A run with no Postgres test starts no Postgres.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type PostgresServer, startPostgres } from "./postgres-server.js";

declare module "vitest" {
	export interface ProvidedContext {
		/** `http://127.0.0.1:PORT` of the broker that starts the shared Postgres on demand. */
		postgresBroker: string;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	let dir: string | undefined;
	let starting: Promise<PostgresServer> | undefined;
	const server = () => {
		if (!starting) {
			dir = mkdtempSync(join(tmpdir(), "pivotal-tui-pg-shared-"));
			starting = startPostgres(dir);
		}
		return starting;
	};
	const broker: Server = createServer((req, res) => {
		if (req.url !== "/server") {
			res.writeHead(404).end();
			return;
		}
		server().then(
			(pg) =>
				res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ port: pg.port })),
			(error: unknown) => res.writeHead(500).end(String(error)),
		);
	});
	await new Promise<void>((resolve) => broker.listen(0, "127.0.0.1", resolve));
	project.provide("postgresBroker", `http://127.0.0.1:${(broker.address() as AddressInfo).port}`);
	return async () => {
		broker.closeAllConnections();
		await new Promise((resolve) => broker.close(resolve));
		if (starting) await (await starting.catch(() => undefined))?.stop();
		if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
	};
}
