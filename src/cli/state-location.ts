/**
 * The CLI's side of a Postgres state: connect and lock before anything is planned or sent, say a
 * refusal in one sentence (exit 6 when another run holds the import, 2 otherwise), and release
 * the lock however the command ends.
 */

import { connectState } from "../app/connect-state.js";
import type { CheckpointError } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import { defaultCheckpointPath } from "../core/open-state.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { type StateLocation, stateLocation } from "../core/state/pg-url.js";

export interface StateFlags {
	readonly state?: string | undefined;
	readonly checkpoint?: string | undefined;
	readonly name?: string | undefined;
	readonly lockTimeout?: number | undefined;
}

export { type StateLocation, stateLocation };

/** One sentence when the state flags contradict each other. */
export function stateFlagProblem(flags: StateFlags): string | undefined {
	if (flags.checkpoint !== undefined && flags.state !== undefined)
		return "Give the state once: --state LOC, or --checkpoint FILE (a file only), not both.";
	return undefined;
}

/** The exit code for a state that could not be opened. */
export function exitForStateError(error: CheckpointError): number {
	return error.code === "locked" ? EXIT.locked : error.code === "unavailable" ? EXIT.interrupted : EXIT.usage;
}

/**
 * Runs `work` with the import's Postgres state connected and locked, or returns the exit code
 * after one sentence on stderr. The lock is released when `work` ends, whatever its end.
 */
export async function withPostgresState(
	location: Extract<StateLocation, { kind: "postgres" }>,
	flags: StateFlags,
	stderr: { write(text: string): unknown },
	work: (state: PostgresState) => Promise<number>,
): Promise<number> {
	const timeout = flags.lockTimeout ?? 0;
	if (!(Number.isFinite(timeout) && timeout >= 0)) {
		stderr.write(`--lock-timeout must be a number of seconds, 0 or more, not ${timeout}.\n`);
		return EXIT.usage;
	}
	// The driver is loaded only for a database state: a file import starts without it.
	const connected = await connectState(location.url, location.name, {
		lockTimeoutMs: timeout * 1000,
		onWait: (holder) =>
			stderr.write(
				`The import ${location.name} is in use by ${holder}; waiting up to ${timeout} s for it.\n`,
			),
	});
	if (!connected.ok) {
		stderr.write(`${connected.message}\n`);
		return connected.code;
	}
	const state = connected.value;
	try {
		return await work(state);
	} finally {
		await state.release();
	}
}

/**
 * Runs `work` on the import's state: a file (its path from `--state`, `--checkpoint` or beside
 * the customers file), or a database connected and locked first. One sentence and exit 2 when
 * the state flags contradict each other.
 */
export function withImportState<F extends StateFlags>(
	customers: string,
	flags: F,
	io: { readonly stderr: { write(text: string): unknown }; readonly env: NodeJS.ProcessEnv },
	work: (flags: F, database?: PostgresState) => Promise<number>,
): Promise<number> {
	const problem = stateFlagProblem(flags);
	if (problem) {
		io.stderr.write(`${problem}\n`);
		return Promise.resolve(EXIT.usage);
	}
	const location = stateLocation(flags, io.env, customers, defaultCheckpointPath(customers));
	if (location.kind === "file") return work({ ...flags, checkpoint: location.path });
	return withPostgresState(location, flags, io.stderr, (pg) => work(flags, pg));
}
