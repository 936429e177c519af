/**
 * One run per import at a time, across machines: a session-level advisory lock keyed by the
 * import's name, held on the run's own connection. A killed run's connection closes and takes
 * the lock with it, so there is never a stale lock to clear. The holder row only says who holds
 * it (host, pid, since when) to the run that is refused.
 */

import { hostname } from "node:os";
import type pg from "pg";
import { CheckpointError } from "../checkpoint/checkpoint-error.js";

// The lock and the holder row in one statement: a refused run reads the row of the run that holds it.
const TRY_LOCK = `WITH lock AS (SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok)
INSERT INTO pivotal_tui.holders (name, host, pid, started_at) SELECT $2, $3, $4, now() FROM lock WHERE lock.ok
ON CONFLICT (name) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, started_at = EXCLUDED.started_at
RETURNING 1`;
const UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";

function lockKey(name: string): string {
	return `pivotal_tui:${name}`;
}

export interface LockOptions {
	/** Wait this long for the holder to finish; 0 refuses at once. */
	readonly timeoutMs: number;
	readonly sleep: (ms: number) => Promise<void>;
	readonly now: () => number;
	/** Said once, when this run starts waiting. */
	readonly onWait?: ((holder: string) => void) | undefined;
}

interface Holder {
	readonly host: string;
	readonly pid: number;
	readonly started_at: Date;
}

/** Who holds `name`, as a sentence's clause. */
async function holderOf(
	client: pg.Client,
	name: string,
	sleep: (ms: number) => Promise<void>,
): Promise<string> {
	let row: Holder | undefined;
	// The holder's row commits a moment after its lock is taken: look again briefly.
	for (let attempt = 0; attempt < 10 && row === undefined; attempt++) {
		if (attempt > 0) await sleep(50);
		const found = await client.query<Holder>(
			"SELECT host, pid, started_at FROM pivotal_tui.holders WHERE name = $1",
			[name],
		);
		row = found.rows[0];
	}
	if (!row) return "another pivotal-tui";
	return `another pivotal-tui (host ${row.host}, pid ${row.pid}, since ${row.started_at.toISOString()})`;
}

/**
 * Takes the import's lock, waiting up to `timeoutMs`, and writes this run as its holder. Throws
 * `CheckpointError` `locked` naming the holder when it stays taken.
 */
export async function lockImport(
	client: pg.Client,
	name: string,
	where: string,
	options: LockOptions,
): Promise<void> {
	const deadline = options.now() + options.timeoutMs;
	let isWaiting = false;
	for (;;) {
		const got = await client.query(TRY_LOCK, [lockKey(name), name, hostname(), process.pid]);
		if (got.rowCount === 1) return;
		const holder = await holderOf(client, name, options.sleep);
		const left = deadline - options.now();
		if (left <= 0) {
			const waited = options.timeoutMs > 0 ? ` after waiting ${Math.round(options.timeoutMs / 1000)} s` : "";
			throw new CheckpointError({
				code: "locked",
				path: where,
				message: `The import ${name} in ${where} is in use by ${holder}${waited}; let that run finish or stop it, or wait for it with --lock-timeout SECONDS.`,
			});
		}
		if (!isWaiting) options.onWait?.(holder);
		isWaiting = true;
		// Polled: a blocking pg_advisory_lock would not honour the timeout or a Ctrl-C.
		await options.sleep(Math.min(500, left));
	}
}

/** Gives the lock back (the connection closing would too) and clears the holder row. */
export async function unlockImport(client: pg.Client, name: string): Promise<void> {
	await client.query("DELETE FROM pivotal_tui.holders WHERE name = $1 AND pid = $2 AND host = $3", [
		name,
		process.pid,
		hostname(),
	]);
	await client.query(UNLOCK, [lockKey(name)]);
}
