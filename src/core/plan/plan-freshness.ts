/**
 * Is a saved plan still the plan of its inputs? Pure: the caller hashes the files and the map and
 * fingerprints the state; this decides. A plan is applied only against exactly what it was made
 * from; the one exception is its own apply, interrupted: the state then holds that run unfinished,
 * and running the same apply again resumes it (the files and map must still be the same).
 */

import { PASSES, type PassName } from "../../model/records.js";
import type { PlanDocument } from "./plan-file.js";

export interface ObservedInputs {
	/** SHA-256 of each file now (undefined: the plan has no such file). */
	readonly files: Readonly<Record<PassName, string | undefined>>;
	readonly map: string | undefined;
	readonly stateFingerprint: string;
	/** The state's run counters now. */
	readonly runs: number;
	readonly runsFinished: number;
	/** The plan the state's last run applies (`planMarkOf` its digest), 0 for a plain import. */
	readonly planMark: number;
	/** The run the state's last undo took back, 0 for none. */
	readonly undoneRun?: number;
	/** Where the state was read (`--checkpoint`, or the plan's own): named in the sentences (finding T13). */
	readonly statePath?: string | undefined;
}

/** A plan's mark in the state: 40 bits of its digest, a number a counter holds exactly. */
export function planMarkOf(digest: string): number {
	const hex = digest.replace(/^sha256:/, "").slice(0, 10);
	const mark = Number.parseInt(hex, 16);
	return Number.isFinite(mark) && mark > 0 ? mark : 1;
}

export type Freshness =
	| { readonly kind: "fresh" }
	/** The state holds this plan's run unfinished: an apply that was interrupted goes on. */
	| { readonly kind: "resume" }
	| { readonly kind: "stale"; readonly sentence: string };

const stale = (what: string): Freshness => ({
	kind: "stale",
	sentence: `stale plan: ${what} changed since the plan was made; plan again.`,
});

export function planFreshness(
	plan: Pick<PlanDocument, "files" | "map" | "state" | "digest">,
	now: ObservedInputs,
): Freshness {
	for (const pass of PASSES) {
		const planned = plan.files[pass];
		if (planned && planned.sha256 !== now.files[pass]) return stale(`the ${pass} file ${planned.path}`);
	}
	if (plan.map && plan.map.sha256 !== now.map) return stale(`the map ${plan.map.path}`);
	if (plan.state.fingerprint === now.stateFingerprint) return { kind: "fresh" };
	const run = plan.state.run;
	// A file state is named where it was read; a database's import by its name.
	const path = plan.state.path ? (now.statePath ?? plan.state.path) : undefined;
	const where = `the state${path ? ` ${path}` : plan.state.name ? ` of the import ${plan.state.name}` : ""}`;
	if (now.runs === run && now.runsFinished < run) {
		// Only this plan's own apply goes on: another run's leftovers were never reviewed.
		if (now.planMark === planMarkOf(plan.digest)) return { kind: "resume" };
		return {
			kind: "stale",
			sentence: `stale plan: ${where} changed since the plan was made: another run of the import (not this plan's apply) was interrupted there; plan again.`,
		};
	}
	// Its own apply, finished, or taken back by an undo since: said so, not "changed" (a step
	// retried after a kill at its very end; finding S6).
	if (now.runs === run && now.runsFinished >= run && now.planMark === planMarkOf(plan.digest))
		return {
			kind: "stale",
			sentence:
				now.undoneRun === run
					? `this plan's apply (run ${run} of the import) was taken back by undo since; plan again.`
					: `this plan was applied already: its run (run ${run} of the import) finished, and ${where} has changed only by it. Plan again for what changed since.`,
		};
	return stale(where);
}
