/**
 * A fingerprint of an import's state, for a saved plan: the plan was made against this state, and
 * `apply` refuses it when the state has moved on. It covers what the planner reads (every
 * record's state, the run counters, the import's identity), not the request statistics, which
 * say nothing about what a plan would do.
 */

import { createHash } from "node:crypto";
import { PASSES, type RecordState } from "../../model/records.js";
import type { CheckpointData } from "../checkpoint/index.js";
import { StateMap } from "../checkpoint/state-map.js";

/** The fingerprint of "no state yet" (a first sync). */
export const NO_STATE = "none";

/**
 * `sha256:…` of the state, independent of the order a store returns its records in: each
 * record's digest is combined with XOR (keys are unique within a pass, so nothing cancels), so a
 * file and a database holding the same records agree, and a million records cost one pass.
 */
export function stateFingerprint(
	state: Pick<CheckpointData, "header" | "counters" | "records"> | undefined,
): string {
	if (state === undefined) return NO_STATE;
	const combined = Buffer.alloc(32);
	let count = 0;
	for (const pass of PASSES) {
		for (const [key, text] of textsOf(state.records[pass])) {
			const digest = createHash("sha256").update(`${pass}\0${key}\0${text}`).digest();
			for (let i = 0; i < 32; i++) combined[i] = (combined[i] ?? 0) ^ (digest[i] ?? 0);
			count += 1;
		}
	}
	const identity = {
		runId: state.header.runId,
		baseUrl: state.header.baseUrl,
		workspace: state.header.workspace?.id ?? null,
		runs: state.counters.runs ?? 0,
		runsFinished: state.counters.runsFinished ?? 0,
		count,
	};
	// A state made by a run killed before it wrote its run's number or any record (its header
	// alone) holds nothing a plan reads: it is "no state yet", so a plan made before it is not
	// stale and its apply, killed there, goes on (adversarial finding X4).
	if (count === 0 && identity.runs === 0) return NO_STATE;
	return `sha256:${createHash("sha256").update(JSON.stringify(identity)).update(combined).digest("hex")}`;
}

/**
 * Each record's JSON: as a `StateMap` keeps it (what `JSON.stringify` wrote, read from the file
 * or the database as written), else serialised.
 */
function* textsOf(records: ReadonlyMap<string, RecordState>): Iterable<[string, string]> {
	if (records instanceof StateMap) yield* records.texts();
	else for (const [key, record] of records) yield [key, JSON.stringify(record)];
}

/** The number the next run of this state will carry (an interrupted run goes on under its own). */
export function nextRun(state: CheckpointData | undefined): number {
	const started = state?.counters.runs ?? 0;
	const finished = state?.counters.runsFinished ?? 0;
	return started > finished ? started : started + 1;
}
