/**
 * What a state holds of creates that got no answer, counted over its passes: said where no run
 * can settle them (an undo, a `--fresh` start).
 */

import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { maybeMadeCreatesIn, StateMap } from "./state-map.js";

/**
 * Creates that got no answer in the state, in doubt or given up after they left: they may be in
 * Pivotal, and no undo can name them (adversarial finding AG3).
 */
export function createsInDoubtOf(state: {
	readonly records: Readonly<Record<PassName, ReadonlyMap<string, RecordState>>>;
}): number {
	return PASSES.reduce((n, pass) => n + maybeMadeCreatesIn(state.records[pass]), 0);
}

/**
 * Of `createsInDoubtOf`, creates Pivotal said landed whose record the import did not find since
 * (`landed_not_found`): a run of the import does not settle them (adversarial finding AF3).
 */
export function landedNotFoundOf(state: {
	readonly records: Readonly<Record<PassName, ReadonlyMap<string, RecordState>>>;
}): number {
	let landed = 0;
	for (const pass of PASSES) {
		const records = state.records[pass];
		if (records instanceof StateMap && records.unansweredCreates() === 0) continue;
		for (const record of records.values()) if (record.s === "sent" && record.kr === 1) landed += 1;
	}
	return landed;
}
