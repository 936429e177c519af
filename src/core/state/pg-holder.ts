/**
 * The holder row of an import's lock: who holds it (host, pid, since when), written by the run
 * that took the lock, on the state's connection, and read by a run that is refused or waits.
 * It only names the holder: the lock itself (see `pg-lock.ts`) is what keeps a run out.
 */

import { hostname } from "node:os";
import type pg from "pg";

const WRITE = `INSERT INTO pivotal_tui.holders (name, host, pid, started_at) VALUES ($1, $2, $3, now())
ON CONFLICT (name) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, started_at = EXCLUDED.started_at`;

// The row, and whether it is the lock holder's own: written after the holder's lock transaction
// began. An older row is a killed run's, until the holder overwrites it a moment after its lock.
// A user who may not see the holder's transaction start takes the row as it is.
const READ = `SELECT h.host, h.pid, h.started_at,
	h.started_at >= coalesce((SELECT min(a.xact_start) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND l.classid = ((k.k >> 32) & 4294967295)::oid AND l.objid = (k.k & 4294967295)::oid), '-infinity') AS current
FROM pivotal_tui.holders h, (SELECT hashtextextended($2, 0) AS k) k WHERE h.name = $1`;

interface Holder {
	readonly host: string;
	readonly pid: number;
	readonly started_at: Date;
	readonly current: boolean;
}

/** Writes this process as the holder of `name`, waiting at most `timeoutMs`. */
export async function writeHolder(client: pg.Client, name: string, timeoutMs: number): Promise<void> {
	await client.query({
		text: WRITE,
		values: [name, hostname(), process.pid],
		query_timeout: timeoutMs,
	} as pg.QueryConfig);
}

/** Clears the holder row if it is still this process's. */
export async function clearHolder(client: pg.Client, name: string): Promise<void> {
	await client.query("DELETE FROM pivotal_tui.holders WHERE name = $1 AND pid = $2 AND host = $3", [
		name,
		process.pid,
		hostname(),
	]);
}

/** Who holds the lock `key` of `name`, as a sentence's clause. */
export async function holderOf(
	client: pg.Client,
	name: string,
	key: string,
	sleep: (ms: number) => Promise<void>,
): Promise<string> {
	let row: Holder | undefined;
	// The holder's row commits a moment after its lock is taken: look again briefly.
	for (let attempt = 0; attempt < 10 && row?.current !== true; attempt++) {
		if (attempt > 0) await sleep(50);
		row = (await client.query<Holder>(READ, [name, key])).rows[0];
	}
	if (!row?.current) return "another pivotal-tui";
	return `another pivotal-tui (host ${row.host}, pid ${row.pid}, since ${row.started_at.toISOString()})`;
}
