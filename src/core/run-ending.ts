/** How a run ends: its outcome and sentence, and the state told so, flushed and compacted. */

import { CheckpointError } from "./checkpoint/index.js";
import type { RunOutcome } from "./events.js";
import { finishRun } from "./open-state.js";
import type { StateStore } from "./state/state-store.js";

export interface RunEnd {
	readonly outcome: RunOutcome;
	readonly message?: string | undefined;
}

/** What a run stopped by its user (Ctrl+C, a signal, `q`) says it came to. */
export const STOPPED_MESSAGE = "Stopped; the checkpoint is saved and the same command resumes.";

/** The end a run came to: the first trip's, else stopped (interrupted), else completed. */
export function endOf(trip: RunEnd | undefined, isStopped: boolean): RunEnd {
	if (trip) return trip;
	return isStopped ? { outcome: "interrupted", message: STOPPED_MESSAGE } : { outcome: "completed" };
}

/**
 * Writes the end into the state: a completed run is marked finished (so the next sync is a new
 * run, and the next undo walks further back), then flushed and compacted. A state that cannot be
 * written turns a completed run into `checkpoint-failed`: not done, but resumable (exit 3).
 */
export async function closeRun(
	store: StateStore | undefined,
	end: RunEnd,
	run: number,
	notice: (message: string) => void,
): Promise<RunEnd> {
	if (!store) return end;
	try {
		if (end.outcome === "completed") finishRun(store, run);
		store.noteOutcome?.(end.outcome);
		await store.flush();
		await store.compact({ ifWorthIt: true });
		return end;
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		// The sentence that stopped the run (a state that stopped answering) is said once.
		if (!end.message?.startsWith(error.message)) notice(error.message);
		return end.outcome === "completed" ? { outcome: "checkpoint-failed", message: error.message } : end;
	}
}
