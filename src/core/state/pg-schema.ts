/**
 * The tables of schema `pivotal_tui`, created and migrated on first use. `schema_version` holds
 * every migration applied; a database migrated by a newer pivotal-tui is refused, never written.
 */

import type pg from "pg";
import { CheckpointError } from "../checkpoint/checkpoint-error.js";

/** Migrations in order: index + 1 is the version each brings the schema to. */
const MIGRATIONS: readonly string[] = [
	`CREATE TABLE pivotal_tui.imports (
		name text PRIMARY KEY,
		header json NOT NULL,
		counters jsonb NOT NULL DEFAULT '{}',
		created_at timestamptz NOT NULL DEFAULT now(),
		updated_at timestamptz NOT NULL DEFAULT now(),
		last_outcome text,
		last_run_at timestamptz
	);
	CREATE TABLE pivotal_tui.records (
		import text NOT NULL REFERENCES pivotal_tui.imports (name) ON DELETE CASCADE ON UPDATE CASCADE,
		pass text NOT NULL,
		key text NOT NULL,
		state json NOT NULL,
		PRIMARY KEY (import, pass, key)
	);
	CREATE TABLE pivotal_tui.holders (
		name text PRIMARY KEY,
		host text NOT NULL,
		pid integer NOT NULL,
		started_at timestamptz NOT NULL
	);`,
];

/** The schema version this pivotal-tui reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Two-key advisory lock for migrations: another space than the one-key locks of imports. */
const MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(1886680168, 1)";

async function versionOf(client: pg.Client): Promise<number | undefined> {
	const exists = await client.query<{ t: string | null }>(
		"SELECT to_regclass('pivotal_tui.schema_version')::text AS t",
	);
	if (exists.rows[0]?.t == null) return undefined;
	const found = await client.query<{ v: number | null }>(
		"SELECT max(version) AS v FROM pivotal_tui.schema_version",
	);
	return found.rows[0]?.v ?? 0;
}

function refuseNewer(version: number, where: string): never {
	throw new CheckpointError({
		code: "unsupported-version",
		path: where,
		message: `The state database ${where} holds pivotal_tui schema version ${version}, newer than this pivotal-tui knows (${SCHEMA_VERSION}); upgrade pivotal-tui to use it.`,
	});
}

/** Creates or migrates the schema to `SCHEMA_VERSION`; refuses a newer one. */
export async function ensureSchema(client: pg.Client, where: string): Promise<void> {
	const seen = await versionOf(client);
	if (seen !== undefined && seen > SCHEMA_VERSION) refuseNewer(seen, where);
	if (seen === SCHEMA_VERSION) return;
	await client.query("BEGIN");
	try {
		// Two runs meeting an empty database: one migrates, the other waits here and finds it done.
		await client.query(MIGRATION_LOCK);
		await client.query("CREATE SCHEMA IF NOT EXISTS pivotal_tui");
		await client.query(
			"CREATE TABLE IF NOT EXISTS pivotal_tui.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
		);
		const current = (await versionOf(client)) ?? 0;
		if (current > SCHEMA_VERSION) refuseNewer(current, where);
		for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
			await client.query(MIGRATIONS[version - 1] as string);
			await client.query("INSERT INTO pivotal_tui.schema_version (version) VALUES ($1)", [version]);
		}
		await client.query("COMMIT");
	} catch (error) {
		await client.query("ROLLBACK").catch(() => undefined);
		throw error;
	}
}
