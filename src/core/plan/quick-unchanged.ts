/**
 * A refresh's usual record, settled without parsing its state: the row asks for exactly the
 * values the state last wrote. Both stores keep each state as its JSON text (state-map.ts); when
 * a done state's `v` is, byte for byte, the JSON of the row's values, the planner's answer is
 * known without reading `v`: `unchanged`, with the row's values standing for `v` (the same JSON).
 * Anything else takes the planner's full comparison.
 */

import { copyOf, type PivotalCopy, type RecordState, type SourceRecord } from "../../model/records.js";
import { UNSURE } from "../checkpoint/json-match.js";
import { GENERATION, GENERATION_ANCHOR, StateMap } from "../checkpoint/state-map.js";
import { ownedValues } from "./field-diff.js";
import type { Operation } from "./planner.js";

/**
 * The `unchanged` operation `planRecord` gives `record` when its state is done with exactly the
 * row's values and its customer (for a child) is not missing, which the caller checks; undefined
 * when this cannot tell without parsing (the caller plans the record as usual).
 *
 * Why it is the same answer: the state's values and the row's have the same JSON, so
 * `diffFields` finds no field that differs (strings, finite numbers, booleans and objects read
 * back from JSON as they were written), and `emptiedFields` finds no field of the state the row
 * leaves out, so no sync rule turns it into an update. A value JSON cannot spell (NaN, Infinity,
 * undefined in an array) is written as `null`: a row holding `null` is left to the full comparison.
 */
export function quickUnchanged(
	record: SourceRecord,
	records: ReadonlyMap<string, RecordState> | undefined,
): Extract<Operation, { kind: "unchanged" }> | undefined {
	// A record the state does not hold (every row of a first import) has nothing to compare.
	if (!(records instanceof StateMap) || !records.has(record.key)) return undefined;
	const values = ownedValues(record.body);
	const json = JSON.stringify(values);
	if (json.includes("null")) return undefined;
	const state = records.sameDone(record.key, values, json);
	return state === undefined ? undefined : { kind: "unchanged", copy: state };
}

/** A quick `unchanged`, with the UTF-8 length of the values' JSON (what `StateMap.quickCopy` is given). */
export type PlannedUnchanged = Extract<Operation, { kind: "unchanged" }> & { readonly valuesLength: number };

/**
 * `quickUnchanged` for the plan, which counts the operation and reads nothing of it: the copy
 * is parsed only if read (an operation streamed to a plan file).
 */
export function plannedUnchanged(
	record: SourceRecord,
	records: ReadonlyMap<string, RecordState> | undefined,
): PlannedUnchanged | undefined {
	if (!(records instanceof StateMap)) return undefined;
	const values = ownedValues(record.body);
	// Compared on the state's bytes without writing the values' JSON; their JSON where it cannot tell.
	let valuesLength = records.sameDoneValues(record.key, values);
	if (valuesLength === UNSURE) {
		const json = JSON.stringify(values);
		valuesLength = json.includes("null") ? -1 : records.sameDoneLength(record.key, json);
	}
	if (valuesLength < 0) return undefined;
	return new QuickUnchanged(valuesLength, records, record.key);
}

/**
 * A quick `unchanged` whose copy is parsed only if read. A class, not an object literal with a
 * getter: a refresh makes one per row, and V8 builds a literal with an accessor slowly.
 */
class QuickUnchanged implements PlannedUnchanged {
	readonly kind = "unchanged";
	readonly valuesLength: number;
	readonly #records: StateMap;
	readonly #key: string;

	constructor(valuesLength: number, records: StateMap, key: string) {
		this.valuesLength = valuesLength;
		this.#records = records;
		this.#key = key;
	}

	get copy(): PivotalCopy {
		return this.#records.get(this.#key) as PivotalCopy;
	}
}

/** Does the state know a Pivotal copy of `key` (`copyOf`)? Without parsing a done state. */
export function hasCopyIn(records: ReadonlyMap<string, RecordState> | undefined, key: string): boolean {
	if (records === undefined) return false;
	if (records instanceof StateMap) return records.hasCopy(key);
	return copyOf(records.get(key)) !== undefined;
}

/**
 * Was the state's record `key` created anew after a removal (its generation raised), so that
 * children written before may belong to the old record (`isBeforeParent`)? Read from the stored
 * text without parsing: a `"g":` anywhere, even inside the values, only sends the children to
 * the planner's full comparison.
 */
export function isRecreatedIn(records: ReadonlyMap<string, RecordState> | undefined, key: string): boolean {
	if (records === undefined) return false;
	if (records instanceof StateMap) return records.textHolds(key, GENERATION, GENERATION_ANCHOR);
	return (copyOf(records.get(key))?.g ?? 0) > 0;
}
