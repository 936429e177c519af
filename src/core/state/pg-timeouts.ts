/**
 * Bounds on a database that stops answering (a stalled server, a dropped route): every query of
 * the state gives up after a while instead of waiting forever, the socket is kept alive so a
 * dead peer is noticed, and closing the connection does not wait on a server that is gone. A
 * run then ends with one sentence, resumable (exit 3), and a Ctrl-C ends it within the bound.
 */

import type pg from "pg";

/** How long one query of the state may take before the run gives up on the database. */
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;

/**
 * `PIVOTAL_STATE_TIMEOUT` (seconds, for slow links or tests), else the default. A value that is
 * not a positive number is ignored.
 */
export function queryTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
	const given = Number(env.PIVOTAL_STATE_TIMEOUT);
	return Number.isFinite(given) && given > 0 ? Math.round(given * 1000) : DEFAULT_QUERY_TIMEOUT_MS;
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

/**
 * Closes the connection, waiting at most `ms` for the server to say goodbye; a server that does
 * not answer has its socket cut, so the process can end.
 */
export async function endClient(client: pg.Client, ms = 5_000): Promise<void> {
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
	if (ended === "late") {
		const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection
			?.stream;
		stream?.destroy?.();
	}
}
