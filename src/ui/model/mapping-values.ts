/**
 * The values phase of the mapping step: which source columns to count, and the rows shown for
 * each enum field (spellings merged, each value's saved or suggested target first).
 */

import type { PassName } from "../../model/records.js";
import { type ColumnSpec, columnsFor, enumKey, enumReader } from "../../source/index.js";
import type { FieldRow, LoadedValues, MappingRow, MappingState, ValueField } from "./mapping-state.js";
import { suggestValue } from "./mapping-suggest.js";

/** Our enum fields (the ones a values table is shown for). */
export const enumSpecs = (pass: PassName): readonly ColumnSpec[] =>
	columnsFor(pass).filter((s) => s.allowed !== undefined);

export function chosenColumn(rows: readonly MappingRow[], field: string): readonly string[] {
	const row = rows.find((r): r is FieldRow => r.kind === "field" && r.field === field);
	return row?.options[row.choice] ?? [];
}

/** The source columns whose distinct values the values phase needs (one per mapped enum field). */
export function valueColumns(state: MappingState): { field: string; column: number }[] {
	return enumSpecs(state.pass).flatMap((spec) => {
		const source = chosenColumn(state.rows, spec.name);
		return source.length === 1 ? [{ field: spec.name, column: state.header.indexOf(source[0]!) }] : [];
	});
}

export function valueFields(state: MappingState, loaded: readonly LoadedValues[]): ValueField[] {
	return loaded.flatMap((l) => {
		const spec = enumSpecs(state.pass).find((s) => s.name === l.field);
		if (spec?.allowed === undefined) return [];
		const read = enumReader(spec.allowed);
		const saved = state.saved?.values?.[l.field];
		// Nothing to decide when every value already reads as one of ours and no table was saved.
		if (saved === undefined && l.counts.every(([v]) => read(v) !== undefined)) return [];
		const targets = [...spec.allowed, ""];
		const rows = mergeSpellings(l.counts).map(([value, count]) => {
			const target = savedTarget(saved, value) ?? suggestValue(l.field, value, spec.allowed ?? []) ?? "";
			return { value, count, choice: Math.max(0, targets.indexOf(target)) };
		});
		return [
			{
				field: l.field,
				source: chosenColumn(state.rows, l.field)[0] ?? "",
				targets,
				rows,
				isTruncated: l.isTruncated,
			},
		];
	});
}

/**
 * Values that differ only in case, spaces, `-` or `_` are one value to the map (it matches them
 * alike): one row each, under the most frequent spelling, with their counts added.
 */
function mergeSpellings(counts: readonly (readonly [string, number])[]): [string, number][] {
	const byKey = new Map<string, [string, number]>();
	for (const [value, count] of counts) {
		const key = enumKey(value);
		const seen = byKey.get(key);
		if (seen === undefined) byKey.set(key, [value, count]);
		else seen[1] += count;
	}
	return [...byKey.values()].sort((a, b) => b[1] - a[1]);
}

export function savedTarget(
	saved: Readonly<Record<string, string>> | undefined,
	value: string,
): string | undefined {
	if (saved === undefined) return undefined;
	if (Object.hasOwn(saved, value)) return saved[value];
	const key = enumKey(value);
	const match = Object.keys(saved).find((k) => enumKey(k) === key);
	return match === undefined ? undefined : saved[match];
}
