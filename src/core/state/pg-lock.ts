/**
 * One run per import at a time, across machines: a transaction-level advisory lock keyed by the
 * import's name, held on a connection of its own kept in an open transaction until the run ends.
 *
 * Why a transaction, not a session lock: behind a pooler in transaction mode (PgBouncer, the
 * "pooled" URLs of managed Postgres) a session is a server connection shared by whichever
 * clients land on it, so a session lock would be re-entered by another run and outlive a killed
 * one. An open transaction pins its server connection to this client alone, and ends (taking the
 * lock with it) when the client goes, pooled or not: a killed run leaves no stale lock.
 *
 * The transaction runs nothing but the lock and one setting (READ COMMITTED, simple queries): it
 * holds no snapshot, so it holds back no vacuum. The holder row, on the state's own connection, only says who holds the
 * lock (host, pid, since when) to the run that is refused.
 */

import type pg from "pg";
import { CheckpointError } from "../checkpoint/checkpoint-error.js";
import { connectClient } from "./pg-connect.js";
import { driverSays, queryFailed } from "./pg-errors.js";
import { clearHolder, holderOf, writeHolder } from "./pg-holder.js";
import { endClient, isKnownDead, isQueryTimeout, queryTimeoutMs } from "./pg-timeouts.js";
import { maskUrl } from "./pg-url.js";

/**
 * A simple query, the name as an escaped literal: a statement with parameters leaves its portal
 * open after it ran, and with it a snapshot that holds back vacuum until the run ends.
 */
function tryLockStatement(client: pg.Client, name: string): string {
	return `SELECT pg_try_advisory_xact_lock(hashtextextended(${client.escapeLiteral(lockKey(name))}, 0)) AS ok`;
}

// Off for the lock's transaction only: a server's idle limit would end it, and the lock with it.
const NO_IDLE_LIMIT = "SET LOCAL idle_in_transaction_session_timeout = 0";

/**
 * How long the holder row's write may wait. Behind a pooler whose server connections are all
 * pinned by locks it waits for one to free, and this run's lock pins one that other runs' writes
 * wait for: a short bound lets them go on (their own bound is PIVOTAL_STATE_TIMEOUT) once this
 * run gives up. A server that answers at all answers this one insert well within it.
 */
function holderWriteBoundMs(): number {
	return Math.min(5_000, queryTimeoutMs());
}

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

/** One attempt: the lock in a fresh transaction, left open when taken, rolled back when not. */
async function tryLock(client: pg.Client, name: string): Promise<boolean> {
	await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
	try {
		await client.query(NO_IDLE_LIMIT);
	} catch (error) {
		if (isQueryTimeout(error)) throw error;
		// A server that forbids the setting: the lock is still taken; losing it is then noticed.
		await client.query("ROLLBACK");
		await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
	}
	const got = await client.query<{ ok: boolean }>(tryLockStatement(client, name));
	if (got.rows[0]?.ok === true) return true;
	await client.query("ROLLBACK");
	return false;
}

/**
 * The import's lock, held for one run. `lost()` says once the lock's connection ended before
 * `release()` (a server's idle limit, a restart, a dropped route): the run must stop, as the
 * lock no longer keeps another run out.
 */
export class ImportLock {
	readonly #client: pg.Client;
	readonly #url: string;
	readonly #name: string;
	#isReleased = false;
	#lost: CheckpointError | undefined;
	readonly #listeners: ((error: CheckpointError) => void)[] = [];

	private constructor(client: pg.Client, url: string, name: string) {
		this.#client = client;
		this.#url = url;
		this.#name = name;
		client.on("error", (error) => this.#lose(error));
		client.on("end", () => this.#lose(new Error("the connection ended")));
	}

	/**
	 * Takes the import's lock on a connection of its own (made with `config`), waiting up to
	 * `timeoutMs`, and writes this run as its holder through `state`, the state's connection.
	 * Throws `CheckpointError` `locked` naming the holder when it stays taken.
	 */
	static async take(
		url: string,
		config: pg.ClientConfig,
		state: pg.Client,
		name: string,
		options: LockOptions,
	): Promise<ImportLock> {
		const where = maskUrl(url);
		const client = await connectClient(url, config);
		try {
			await waitForLock(client, state, name, where, options);
		} catch (error) {
			await endClient(client);
			throw error instanceof CheckpointError ? error : queryFailed(url, error, "read-failed");
		}
		const lock = new ImportLock(client, url, name);
		try {
			await writeHolder(state, name, holderWriteBoundMs());
		} catch (error) {
			await lock.release(undefined);
			throw isQueryTimeout(error)
				? pinnedPool(url, holderWriteBoundMs())
				: queryFailed(url, error, "read-failed");
		}
		return lock;
	}

	/** The error the run stops with once the lock is lost, or undefined while it holds. */
	get lostError(): CheckpointError | undefined {
		return this.#lost;
	}

	/** Calls `listener` once if the lock is lost (at once when it already is). */
	onLost(listener: (error: CheckpointError) => void): void {
		if (this.#lost) listener(this.#lost);
		else this.#listeners.push(listener);
	}

	/** Clears the holder row (through `state`, when given) and ends the lock's transaction and connection. */
	async release(state: pg.Client | undefined): Promise<void> {
		if (this.#isReleased) return;
		this.#isReleased = true;
		if (state) await clearHolder(state, this.#name).catch(() => undefined);
		// A state connection whose server stopped answering: the lock's server is likely the same
		// one, and closing the connection ends the transaction (and the lock) without asking it.
		if (state === undefined || !isKnownDead(state))
			await this.#client.query("ROLLBACK").catch(() => undefined);
		await endClient(this.#client, state !== undefined && isKnownDead(state) ? 0 : undefined);
	}

	#lose(error: unknown): void {
		if (this.#isReleased || this.#lost) return;
		const shown = maskUrl(this.#url);
		const why = driverSays(error, this.#url);
		// A limit on idle transactions ends every run the same way: resuming alone would not do.
		const advice = /idle/i.test(why)
			? "lift the pooler's or server's limit on idle transactions (PgBouncer's idle_transaction_timeout) or give --state a direct URL, then run the same command again to resume"
			: "run the same command again to resume";
		this.#lost = new CheckpointError({
			code: "unavailable",
			path: shown,
			message: `The state database ${shown} ended the connection that held this run's lock on the import ${this.#name} (${why}); the run stops so that no other run works beside it: ${advice}.`,
		});
		for (const listener of this.#listeners.splice(0)) listener(this.#lost);
	}
}

/** Polls for the lock until it is taken, or throws `locked` once the wait is over. */
async function waitForLock(
	client: pg.Client,
	state: pg.Client,
	name: string,
	where: string,
	options: LockOptions,
): Promise<void> {
	const deadline = options.now() + options.timeoutMs;
	let isWaiting = false;
	for (;;) {
		if (await tryLock(client, name)) return;
		const holder = await holderOf(state, name, lockKey(name), options.sleep);
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

/**
 * The state's first write after the lock was taken did not answer in time, although the lock's
 * connection just did: most likely a pooler whose server connections are all pinned by locks
 * (this run's, and those of other imports running).
 */
function pinnedPool(url: string, waitedMs: number): CheckpointError {
	const shown = maskUrl(url);
	return new CheckpointError({
		code: "read-failed",
		path: shown,
		message: `The state database ${shown} did not answer within ${Math.round(waitedMs / 1000)} s once this run held its lock; behind a pooler in transaction mode that means each of its server connections is kept by a running import's lock, none left for this run's writes: give --state a direct or session-mode URL, or make the pool larger than the number of imports running at once.`,
	});
}
