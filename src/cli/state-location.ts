/**
 * The CLI's side of a Postgres state: connect and lock before anything is planned or sent, say a
 * refusal in one sentence (exit 6 when another run holds the import, 2 otherwise), and release
 * the lock however the command ends.
 */

import { existsSync } from "node:fs";
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
	const besideFile = defaultCheckpointPath(customers);
	const location = stateLocation(flags, io.env, customers, besideFile);
	if (location.kind === "file") return work({ ...flags, checkpoint: location.path });
	// The environment chose the database (a sourced CI file, say): a file state beside the
	// customers file would be passed over in silence, and a first sync in the database adopts what
	// that state created, which undo and --delete-missing then never take back (adversarial finding O9).
	if (flags.state === undefined && existsSync(besideFile))
		io.stderr.write(
			`Note: PIVOTAL_STATE_URL names the state (the import ${location.name} in a database); the file state ${besideFile} beside the customers file is not used. To carry it there: pivotal-tui state copy ${besideFile} "$PIVOTAL_STATE_URL" --name ${location.name}; to use it: --checkpoint ${besideFile}.\n`,
		);
	return withPostgresState(location, flags, io.stderr, (pg) => work(flags, pg));
}
