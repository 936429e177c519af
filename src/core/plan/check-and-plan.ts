/**
 * Validation and the plan from one read of each file: every row is decoded, parsed, cleaned and
 * checked once, and (while the files hold no problem) its record is planned right away. Nothing
 * is sent before both are done, and a plan is returned only when every row of every file passed:
 * a file with a problem refuses the run (or, with `--skip-invalid`, is planned again without its
 * invalid rows). The source hashes come from the same read (`check.fingerprints`).
 *
 * What one read cannot give is read again, never guessed: onboardings are keyed by whether a
 * name repeats among the customer's rows, a whole-file fact. They are planned in the read with
 * the names counted so far, which key every row as the whole file does while no name repeats;
 * a file where one does, or a row whose key the state does not hold (it may take over an entry
 * kept under an older key, legacy-keys.ts), is planned again in a read of its own with the names
 * validation counted. A derived slug that a later row's slug column turns out to hold sends the
 * plan back to a second read (`FileSlugs` gives the same slugs then).
 */

import { statSync } from "node:fs";
import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { isNumbered, resourceOf } from "../../model/resources.js";
import { RecordMaker } from "../../source/record-maker.js";
import { FileSlugs } from "../../source/slug/index.js";
import {
	type FileStart,
	type RowSink,
	type SourceCheck,
	type ValidateOptions,
	validateSources,
} from "../../source/validate.js";
import { StateMap } from "../checkpoint/state-map.js";
import { KeptRecords, MAX_KEPT_FIRST_IMPORT_BYTES } from "./kept-records.js";
import { knownRecords } from "./legacy-keys.js";
import { type MakePlanOptions, makePlan, type SyncPlan } from "./make-plan.js";
import { Planning } from "./planning.js";

export interface CheckedPlan {
	readonly check: SourceCheck;
	/** Undefined when the check found problems: nothing may be planned from these files as they are. */
	readonly plan: SyncPlan | undefined;
}

/** Validates the files (as `validateSources`) and, when they are sound, plans them (as `makePlan`). */
export async function checkAndPlan(
	options: MakePlanOptions,
	validate: Pick<ValidateOptions, "maxProblems" | "signal" | "begun"> = {},
): Promise<CheckedPlan> {
	const source = options.source ?? {};
	// Operations written out as they are planned must not start before the files are known sound.
	const isStreamed = options.onOperation !== undefined || options.onDelete !== undefined;
	if (isStreamed || (source.skipLines !== undefined && Object.keys(source.skipLines).length > 0)) {
		const check = await validateSources(options.files, { ...source, ...validate });
		return { check, plan: check.problemCount > 0 ? undefined : await makePlan(options, check.known) };
	}
	const planning = new Planning(options);
	const planned = new Set<PassName>();
	// The records kept for the run (kept-records.ts), so that it sends without reading the files
	// again: a refresh's (most are unchanged, kept as keys), and a first import's of a file small
	// enough that its records fit under the cap (each is kept whole).
	const kept = new Map<PassName, KeptRecords>();
	const keep = (pass: PassName, file: string | undefined): KeptRecords | undefined => {
		if (options.isPlanOnly === true || file === undefined || /\.xlsx$/i.test(file)) return undefined;
		if (options.state === undefined && !isSmallEnoughToKeep(file)) return undefined;
		const parentPass = resourceOf(pass).parent?.resource as PassName | undefined;
		const parent = parentPass === undefined ? undefined : kept.get(parentPass);
		if (parentPass !== undefined && parent === undefined) return undefined;
		const records = new KeptRecords(pass, parent);
		kept.set(pass, records);
		return records;
	};
	const isQuickParent = (key: string) => planning.isQuickParent("customers", key);
	let isSecondReadNeeded = false;
	const rowsTo = (pass: PassName, start: FileStart): RowSink | undefined => {
		const names = start.namesSoFar;
		if (isNumbered(pass) && names === undefined) return undefined;
		// Only planned here: the run reads the records it sends, with their cells, on its way to the wire.
		const maker = new RecordMaker(pass, start.layout, start.names, undefined, names, true);
		if (!maker.isUsable) return undefined;
		// The column's slugs so far: one a later row holds is caught below, and read again.
		const slugs = resourceOf(pass).derivesSlug === true ? new FileSlugs(start.slugsSoFar) : undefined;
		maker.slugs = slugs;
		planning.startPass(pass);
		const copy = keep(pass, start.file);
		const isCustomers = pass === "customers";
		const records = options.state?.records[pass];
		const state = stateMapOf(records);
		// Onboardings: are the keys given so far the ones the whole file and the state give them?
		let isKeyedAsKnown = true;
		const isKeyKnown = (key: string): boolean => records === undefined || records.has(key);
		return {
			row(row, cells, isValid) {
				if (!isKeyedAsKnown) return;
				if (names?.isAnyRepeated === true) {
					isKeyedAsKnown = false;
					return;
				}
				const record = maker.make(row, cells, isValid);
				if (record === undefined) return;
				const valuesLength = planning.add(record);
				// valuesLength ≥ 0: a quick `unchanged`, found under its key in the state.
				if (names !== undefined && valuesLength < 0 && !isKeyKnown(record.key)) isKeyedAsKnown = false;
				if (copy === undefined) return;
				if (valuesLength >= 0) copy.addQuick(record.key, valuesLength, state?.doneId(record.key));
				else copy.addWhole(maker.whole(record, row, cells), isCustomers && isQuickParent(record.key));
			},
			end(complete) {
				if (names !== undefined && (!isKeyedAsKnown || names.isAnyRepeated)) {
					// Planned again, in a read of its own, with the whole file's names (below).
					planning.dropPass();
					copy?.giveUp();
					kept.delete(pass);
					return;
				}
				planning.endPass();
				if (complete) copy?.end();
				else copy?.giveUp();
				if (complete) planned.add(pass);
				if (slugs !== undefined && start.slugsSoFar !== undefined && slugs.isAnyIn(start.slugsSoFar))
					isSecondReadNeeded = true;
			},
		};
	};
	const check = await validateSources(options.files, {
		...source,
		...validate,
		rowsTo,
		expectedRows: expectedRowsOf(options.state?.records),
	});
	if (check.problemCount > 0) return { check, plan: undefined };
	if (isSecondReadNeeded) return { check, plan: await makePlan(options, check.known) };
	for (const pass of PASSES) {
		if (planned.has(pass)) continue;
		// Before the onboardings (their customers pass must be tallied first): a pass with no file.
		if (!isNumbered(pass) && options.files[pass])
			return { check, plan: await makePlan(options, check.known) };
		planning.startPass(pass);
		const file = options.files[pass];
		if (file) {
			const state = options.state?.records[pass];
			const copy = keep(pass, file);
			const map = stateMapOf(state);
			for await (const record of knownRecords(file, pass, source, state, check.known[pass])) {
				const valuesLength = planning.add(record);
				if (valuesLength >= 0) copy?.addQuick(record.key, valuesLength, map?.doneId(record.key));
				else copy?.addWhole(record);
			}
			copy?.end();
		}
		planning.endPass();
	}
	// What validation left out (a footer that may be a row cut short, for one) is known only now.
	for (const pass of PASSES) {
		planning.leaveOut(pass, check.known[pass]?.leftOut);
		planning.knowKeys(pass, check.known[pass]?.keys);
	}
	return { check: withKept(check, kept), plan: planning.finish() };
}

/**
 * Can a first import keep the records of `file` whole? Not a file whose rows would pass the cap
 * anyway (each whole record built, then given up): a plan without a state would pay for a copy
 * the run cannot use. False when it cannot be stat'ed (the read says why).
 */
function isSmallEnoughToKeep(file: string): boolean {
	try {
		return statSync(file).size <= MAX_KEPT_FIRST_IMPORT_BYTES;
	} catch {
		return false;
	}
}

/** `check` with each pass's kept records (kept-records.ts) beside what validation learnt of its file. */
function withKept(check: SourceCheck, kept: ReadonlyMap<PassName, KeptRecords>): SourceCheck {
	if (kept.size === 0) return check;
	const known = { ...check.known };
	for (const [pass, records] of kept)
		if (records.isUsable && known[pass].bytes !== undefined) known[pass] = { ...known[pass], kept: records };
	return { ...check, known };
}

/** How many rows each file likely holds: the records the state holds of its pass. */
function expectedRowsOf(
	records: Record<PassName, ReadonlyMap<string, RecordState>> | undefined,
): Partial<Record<PassName, number>> {
	const expected: Partial<Record<PassName, number>> = {};
	if (records !== undefined) for (const pass of PASSES) expected[pass] = records[pass]?.size;
	return expected;
}

/** The state of a pass as the stores keep it (state-map.ts), to read a quick record's id from its bytes. */
function stateMapOf(records: ReadonlyMap<string, RecordState> | undefined): StateMap | undefined {
	return records instanceof StateMap ? records : undefined;
}
