/**
 * Where an import's state lives, and its reading before a run: a file beside the customers file
 * (the default), or a database connected and locked by the caller (`connectState`).
 */

import { nodeFileSystem } from "../core/checkpoint/file-system.js";
import {
	type CheckpointData,
	CheckpointError,
	readCheckpoint,
	sentenceWithoutFresh,
} from "../core/checkpoint/index.js";
import { acquireLock } from "../core/checkpoint/lock-file.js";
import { EXIT } from "../core/exit-codes.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { type Outcome, type Refusal, refusal } from "./outcome.js";

/** A database state as the application layer uses it: read before the run, opened by it. */
export type DatabaseState = Pick<PostgresState, "name" | "where" | "read" | "open">;

export interface StateOptions {
	/**
	 * The state file.
	 * @default the customers file's name with `.checkpoint.json` added
	 */
	readonly statePath?: string | undefined;
	/** A state in Postgres, connected and locked by the caller; `statePath` is then ignored. */
	readonly database?: DatabaseState | undefined;
}

/**
 * The state as it is now (undefined when there is none), or the sentence that refuses it.
 * `takesFresh`: the command can set a damaged state aside itself (an import); undo cannot.
 */
export async function readState(
	where: string,
	database: DatabaseState | undefined,
	takesFresh = true,
): Promise<Outcome<CheckpointData | undefined>> {
	try {
		return { ok: true, value: database ? await database.read() : await readCheckpoint(where) };
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		return refusal(takesFresh ? error.message : sentenceWithoutFresh(error), EXIT.usage);
	}
}

/**
 * The refusal (exit 6, the holder named: pid, host, since when) when another run holds the file
 * state at `where`; undefined when none does. The lock is taken and let go at once: the wizard
 * asks before it shows a plan it could not start (adversarial finding N10).
 */
export function stateHeldBy(where: string): Refusal | undefined {
	try {
		acquireLock(nodeFileSystem, where)();
		return undefined;
	} catch (error) {
		if (error instanceof CheckpointError && error.code === "locked")
			return refusal(error.message, EXIT.locked);
		// No lock file can be made there: no run holds it either; the run's own opening says why.
		return undefined;
	}
}

/**
 * `readState` with a file state's lock taken while it is read, as `state copy` and a second run
 * take it (a database state is locked by its caller already): a run that holds the state is
 * named and refused (exit 6), not read half-way and taken for an interrupted run.
 */
export async function readStateHeld(
	where: string,
	database: DatabaseState | undefined,
	takesFresh = true,
): Promise<Outcome<CheckpointData | undefined>> {
	if (database) return readState(where, database, takesFresh);
	let unlock: (() => void) | undefined;
	try {
		unlock = acquireLock(nodeFileSystem, where);
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		if (error.code === "locked") return refusal(error.message, EXIT.locked);
		// No lock file can be made there (a read-only or missing folder): no run writes a state
		// there either, and the read says what is (or is not) there.
	}
	try {
		return await readState(where, undefined, takesFresh);
	} finally {
		unlock?.();
	}
}
