/**
 * An import's state in Postgres, connected and locked before anything is planned, so that a
 * second run of the same import is refused (exit 6) before it reads. The driver is loaded only
 * here: a file state starts without it.
 */

import { CheckpointError } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { type Outcome, refusal } from "./outcome.js";

export interface ConnectStateOptions {
	/** Wait this long for another run of the import to finish. @default 0 (refuse at once) */
	readonly lockTimeoutMs?: number | undefined;
	/** Told who holds the import while it waits. */
	readonly onWait?: ((holder: string) => void) | undefined;
}

/**
 * A connected, locked database state (a `DatabaseState` for `openImport`, `openUndo`,
 * `openPlan`); `release()` unlocks it and closes the connection.
 */
export type HeldState = PostgresState;

export async function connectState(
	url: string,
	name: string,
	options: ConnectStateOptions = {},
): Promise<Outcome<HeldState>> {
	const { PostgresState } = await import("../core/state/pg-state.js");
	try {
		return { ok: true, value: await PostgresState.connect(url, name, options) };
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		return refusal(error.message, error.code === "locked" ? EXIT.locked : EXIT.usage);
	}
}
