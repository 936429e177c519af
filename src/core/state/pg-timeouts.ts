/**
 * Bounds on a database that stops answering (a stalled server, a dropped route): every query of
 * the state gives up after a while instead of waiting forever, the socket is kept alive so a
 * dead peer is noticed, and closing the connection does not wait on a server that is gone. A
 * run then ends with one sentence, resumable (exit 3), and a Ctrl-C ends it within the bound.
 */

import type pg from "pg";

/** How long one query of the state may take before the run gives up on the database. */
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;

/** The longest bound taken: a day. Past 2^31 ms a timer fires at once, every query timing out. */
const MAX_QUERY_TIMEOUT_MS = 24 * 3_600_000;

/**
 * `PIVOTAL_STATE_TIMEOUT` (seconds, for slow links or tests), else the default. A value that is
 * not a positive number is ignored; one past a day is a day (adversarial finding O11: 30 days
 * overflowed the driver's timer and failed every run at once).
 */
export function queryTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
	const given = Number(env.PIVOTAL_STATE_TIMEOUT);
	if (!Number.isFinite(given) || given <= 0) return DEFAULT_QUERY_TIMEOUT_MS;
	return Math.min(Math.round(given * 1000), MAX_QUERY_TIMEOUT_MS);
}

/** The driver's settings that bound a stalled server. */
export function boundedConfig(env: NodeJS.ProcessEnv = process.env): Partial<pg.ClientConfig> {
	return {
		query_timeout: queryTimeoutMs(env),
		keepAlive: true,
		keepAliveInitialDelayMillis: 10_000,
		application_name: "pivotal-tui",
	};
}

/** The driver's error for a query the server did not answer in time. */
export function isQueryTimeout(error: unknown): boolean {
	return error instanceof Error && /Query read timeout/i.test(error.message);
}

// The first query timeout of each connection that had one.
const timedOut = new WeakMap<pg.Client, Error>();

/**
 * Once a query of `client` timed out, the connection is known dead: the server still holds that
 * query, so each later query would queue behind it and wait a whole timeout more (the run's last
 * save, then the lock's release). From then on every query fails at once with the same error,
 * and closing the connection cuts it without waiting.
 */
export function failFastAfterTimeout(client: pg.Client): void {
	const query = client.query.bind(client) as (...args: unknown[]) => unknown;
	(client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
		const known = timedOut.get(client);
		// Promise-style queries only: a callback or a submittable (a cursor) is the driver's to answer.
		const isPromised = !args.some((arg) => typeof arg === "function") && !isSubmittable(args[0]);
		if (known && isPromised) return Promise.reject(known);
		const result = query(...args);
		if (result instanceof Promise)
			result.catch((error: unknown) => {
				if (isQueryTimeout(error) && !timedOut.has(client)) timedOut.set(client, error as Error);
			});
		return result;
	};
}

function isSubmittable(query: unknown): boolean {
	return (
		typeof query === "object" &&
		query !== null &&
		typeof (query as { submit?: unknown }).submit === "function"
	);
}

/** Whether a query of `client` timed out: its server is not answering. */
export function isKnownDead(client: pg.Client): boolean {
	return timedOut.has(client);
}

/**
 * Closes the connection, waiting at most `ms` for the server to say goodbye; a server that does
 * not answer (or is known not to) has its socket cut, so the process can end.
 */
export async function endClient(client: pg.Client, ms = 5_000): Promise<void> {
	if (isKnownDead(client)) cutSocket(client);
	let timer: NodeJS.Timeout | undefined;
	const gaveUp = new Promise<"late">((resolve) => {
		timer = setTimeout(() => resolve("late"), ms);
		timer.unref();
	});
	const ended = await Promise.race([
		client.end().then(
			() => "ended" as const,
			() => "ended" as const,
		),
		gaveUp,
	]);
	clearTimeout(timer);
	if (ended === "late") cutSocket(client);
}

function cutSocket(client: pg.Client): void {
	const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection
		?.stream;
	stream?.destroy?.();
}
