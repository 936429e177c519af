/**
 * Where an import's state lives, and its reading before a run: a file beside the customers file
 * (the default), or a database connected and locked by the caller (`connectState`).
 */

import {
	type CheckpointData,
	CheckpointError,
	readCheckpoint,
	sentenceWithoutFresh,
} from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { type Outcome, refusal } from "./outcome.js";

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
