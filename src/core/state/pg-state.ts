/**
 * An import's state in a Postgres database, for one run: connects, creates or migrates the
 * schema, takes the import's lock (on a second connection of its own, see `pg-lock.ts`), and then
 * reads the state for the plan and opens it for the run on the first connection. `release()` (or
 * the store's `close()`) gives the lock back and closes both connections.
 */

import type pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";
import pgpass from "pgpass";
import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { escapeControls, firstControl } from "../../model/terminal-text.js";
import { CheckpointError } from "../checkpoint/checkpoint-error.js";
import { type CheckpointData, zeroCounters } from "../checkpoint/checkpoint-format.js";
import { connectClient } from "./pg-connect.js";
import { connectFailed, queryFailed } from "./pg-errors.js";
import { ImportLock } from "./pg-lock.js";
import { COPY_UNFINISHED, readImport } from "./pg-read.js";
import { ensureSchema } from "./pg-schema.js";
import { PostgresStore } from "./pg-store.js";
import { boundedConfig, endClient } from "./pg-timeouts.js";
import { ambiguousUrlSentence, ambiguousUserinfo, maskUrl } from "./pg-url.js";
import type { StateOpener } from "./state-store.js";

export interface ConnectOptions {
	/** Wait this long for another run of the import to finish. @default 0 */
	readonly lockTimeoutMs?: number | undefined;
	readonly onWait?: ((holder: string) => void) | undefined;
	readonly now?: () => number;
	readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The driver's settings from the URL. The password comes from the URL, else `PGPASSWORD`, else
 * `~/.pgpass` (or `PGPASSFILE`), asked only when the server wants one.
 */
function clientConfig(url: string): pg.ClientConfig {
	if (ambiguousUserinfo(url) !== undefined)
		throw new CheckpointError({
			code: "read-failed",
			path: maskUrl(url),
			message: ambiguousUrlSentence(url),
		});
	let config: pg.ClientConfig;
	try {
		config = quietly(() => parseIntoClientConfig(url) as pg.ClientConfig);
	} catch (error) {
		throw connectFailed(url, error);
	}
	const given =
		typeof config.password === "string" && config.password !== ""
			? config.password
			: process.env.PGPASSWORD || undefined;
	const password =
		given ??
		(() =>
			new Promise<string>((resolve) =>
				pgpass(
					{ host: config.host, port: config.port, database: config.database, user: config.user },
					(found) => resolve(found ?? ""),
				),
			));
	return { ...config, password, connectionTimeoutMillis: 15_000, ...boundedConfig() };
}

/**
 * Runs `parse` without the driver's ten-line notice on `sslmode=require` (it says the mode is
 * read as `verify-full`, the strict one: nothing is less safe than asked). Other warnings pass.
 */
function quietly<T>(parse: () => T): T {
	const emit = process.emitWarning;
	process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
		const text = typeof warning === "string" ? warning : warning.message;
		if (text.startsWith("SECURITY WARNING: The SSL modes")) return;
		(emit as (...args: unknown[]) => void).call(process, warning, ...rest);
	}) as typeof process.emitWarning;
	try {
		return parse();
	} finally {
		process.emitWarning = emit;
	}
}

/**
 * A run's state connection sits idle while the run waits for the rate limit's window: a server's
 * `idle_session_timeout` (Postgres 14 and later; common on managed servers) closed it, and the run
 * stopped at its next write, every run one window further (adversarial finding P5). Lifted for
 * this session, on servers that have the setting; the lock's connection lifts its own (pg-lock.ts).
 */
const NO_IDLE_SESSION_LIMIT =
	"SELECT set_config('idle_session_timeout', '0', false) WHERE current_setting('server_version_num')::int >= 140000";

/** A connection with the schema in place; for commands that take no lock (`state list`). */
export async function connectDatabase(url: string): Promise<pg.Client> {
	const client = await connectClient(url, clientConfig(url));
	try {
		await client.query(NO_IDLE_SESSION_LIMIT);
		await ensureSchema(client, maskUrl(url));
	} catch (error) {
		await endClient(client);
		if ((error as { code?: unknown }).code === "42501")
			// No rights to make the schema: running again would fail the same way.
			throw new CheckpointError({
				code: "invalid-header",
				path: maskUrl(url),
				message: `The user of ${maskUrl(url)} may not use or create the schema pivotal_tui; grant it USAGE on that schema (and CREATE on the database, or create the schema for it), then run again.`,
			});
		throw error instanceof CheckpointError ? error : queryFailed(url, error, "read-failed");
	}
	return client;
}

export { COPY_UNFINISHED } from "./pg-read.js";

export class PostgresState {
	readonly url: string;
	readonly name: string;
	/** `postgres://user:***@host/db (import NAME)`. */
	readonly where: string;
	readonly #client: pg.Client;
	readonly #lock: ImportLock;
	#isReleased = false;
	// What read() found: still the state when the run opens it, as this lock kept every writer out.
	#lastRead: CheckpointData | undefined;

	private constructor(client: pg.Client, lock: ImportLock, url: string, name: string) {
		this.#client = client;
		this.#lock = lock;
		this.url = url;
		this.name = name;
		this.where = `${maskUrl(url)} (import ${name})`;
	}

	/** Connects and takes the import's lock. Rejects with `CheckpointError` (`locked` when another run holds it). */
	static async connect(url: string, name: string, options: ConnectOptions = {}): Promise<PostgresState> {
		if (name.trim() === "" || name.length > 200)
			throw new CheckpointError({
				code: "invalid-header",
				path: maskUrl(url),
				message: `The import name “${escapeControls(name.slice(0, 40))}” cannot name a state; give --name a name of 1 to 200 characters.`,
			});
		// "n1 " would be another import than "n1": a stray space in a CI variable would start a
		// second state, adopting what the first created (adversarial finding O11).
		if (name.trim() !== name)
			throw new CheckpointError({
				code: "invalid-header",
				path: maskUrl(url),
				message: `The import name “${escapeControls(name.slice(0, 40))}” starts or ends with a space; give --name without it (“${escapeControls(name.trim().slice(0, 40))}”).`,
			});
		const control = firstControl(name);
		// A name is printed by `state list` and in every sentence: a control character would fake output.
		if (control)
			throw new CheckpointError({
				code: "invalid-header",
				path: maskUrl(url),
				message: `The import name “${escapeControls(name.slice(0, 40))}” holds ${control.name}; give --name a name without control characters.`,
			});
		const client = await connectDatabase(url);
		let lock: ImportLock;
		try {
			// Its own name: an operator (or `pg_stat_activity`) tells the lock from the state's writes.
			const lockConfig = { ...clientConfig(url), application_name: "pivotal-tui lock" };
			lock = await ImportLock.take(url, lockConfig, client, name, {
				timeoutMs: options.lockTimeoutMs ?? 0,
				now: options.now ?? Date.now,
				sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
				onWait: options.onWait,
			});
		} catch (error) {
			await endClient(client);
			throw error instanceof CheckpointError ? error : queryFailed(url, error, "read-failed");
		}
		return new PostgresState(client, lock, url, name);
	}

	/** The import's state as it is, or undefined when the database holds none under this name. */
	async read(): Promise<CheckpointData | undefined> {
		this.#lastRead = undefined;
		if (this.#lock.lostError) throw this.#lock.lostError;
		try {
			this.#lastRead = await readImport(this.#client, this.name, this.where);
			return this.#lastRead;
		} catch (error) {
			throw error instanceof CheckpointError ? error : queryFailed(this.url, error, "read-failed");
		}
	}

	/** Opens the state for a run on this connection; the store's `close()` releases it. */
	readonly open: StateOpener = async ({ create, fresh, createCounters }) => {
		if (this.#lock.lostError) throw this.#lock.lostError;
		try {
			let setAside: string | undefined;
			if (fresh) {
				const stamp = new Date().toISOString().replace(/[:.]/g, "-");
				// Set aside, as the file store keeps `<file>.<time>.old`: the old state stays in the database.
				const moved = await this.#client.query("UPDATE pivotal_tui.imports SET name = $2 WHERE name = $1", [
					this.name,
					`${this.name}.${stamp}.old`,
				]);
				if ((moved.rowCount ?? 0) > 0) setAside = `${this.name}.${stamp}.old`;
			}
			let data = fresh ? undefined : (this.#lastRead ?? (await this.read()));
			this.#lastRead = undefined;
			const resumed = data !== undefined;
			if (data === undefined) {
				const header = create();
				const counters = { ...zeroCounters(), ...createCounters };
				await this.#client.query(
					"INSERT INTO pivotal_tui.imports (name, header, counters) VALUES ($1, $2, $3)",
					[this.name, JSON.stringify(header), JSON.stringify(counters)],
				);
				const records = {} as Record<PassName, Map<string, RecordState>>;
				for (const pass of PASSES) records[pass] = new Map();
				data = { header, records, counters, updatedAt: new Date().toISOString() };
			}
			const store = new PostgresStore({
				client: this.#client,
				url: this.url,
				name: this.name,
				where: this.where,
				data,
				release: () => this.release(),
				onLockLost: (listener) => this.#lock.onLost(listener),
			});
			return { store, resumed, ...(setAside === undefined ? {} : { setAside }) };
		} catch (error) {
			throw error instanceof CheckpointError ? error : queryFailed(this.url, error);
		}
	};

	/** Gives the lock back and closes the connection. Later calls do nothing. */
	async release(): Promise<void> {
		if (this.#isReleased) return;
		this.#isReleased = true;
		await this.#lock.release(this.#client);
		await endClient(this.#client);
	}

	/**
	 * Drops an import `state copy` began and never finished (refused by `read`), so that the
	 * same copy can be made again. Any other state is left as it is: false.
	 */
	async dropUnfinishedCopy(): Promise<boolean> {
		const dropped = await this.#client.query(
			`DELETE FROM pivotal_tui.imports WHERE name = $1 AND coalesce((counters->>'${COPY_UNFINISHED}')::numeric, 0) > 0`,
			[this.name],
		);
		return (dropped.rowCount ?? 0) > 0;
	}
}
