/**
 * `--delete-missing` at the start of a run: the keys the files hold, read once before anything
 * is sent, against the state as it is then. The run deletes exactly these records, or is refused.
 */

import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { isNumbered } from "../../model/resources.js";
import type { SourceOptions } from "../../source/index.js";
import type { SourceCheckSummary, SourceFiles } from "../run-types.js";
import { knownRecords, passStateOf } from "./legacy-keys.js";
import {
	deleteRefusal,
	type MissingRecords,
	missingRecords,
	RowNames,
	respelledIn,
	unendedRefusal,
} from "./missing-records.js";

export interface FoundMissing {
	readonly missing: MissingRecords;
	/** The sentence that refuses the run (too many deletes), if it is refused. */
	readonly refusal: string | undefined;
}

export async function findMissing(
	files: SourceFiles,
	source: SourceOptions | undefined,
	state: {
		entries(pass: PassName): Iterable<[string, RecordState]>;
		get(pass: PassName, key: string): RecordState | undefined;
	},
	maxDeletes: number | undefined,
	/**
	 * What the check learnt of the files: each read proves it reads the bytes checked (a file
	 * changed since throws `SourceFileError`), so no record is called missing from bytes nobody checked.
	 */
	checked?: SourceCheckSummary["known"],
): Promise<FoundMissing> {
	const keys: Partial<Record<PassName, Set<string>>> = {};
	const names: Partial<Record<PassName, RowNames>> = {};
	for (const pass of PASSES) {
		const file = files[pass];
		if (!file) continue;
		const set = new Set<string>();
		const named = isNumbered(pass) ? new RowNames() : undefined;
		if (named) names[pass] = named;
		// Keyed as the state knows them: an onboarding under its old positional key is not missing.
		const known = passStateOf(state, pass);
		for await (const record of knownRecords(file, pass, source, known, checked?.[pass])) {
			set.add(record.key);
			named?.add(record);
		}
		keys[pass] = set;
	}
	const missing = missingRecords(
		(pass) => state.entries(pass),
		(pass) => keys[pass],
		(pass) => names[pass]?.repeated(),
		(pass) => checked?.[pass]?.leftOut,
		(pass) => respelledIn(names[pass]),
	);
	const refusal =
		unendedRefusal(files, (pass) => checked?.[pass]?.leftOut) ?? deleteRefusal(missing, maxDeletes);
	return { missing, refusal };
}
