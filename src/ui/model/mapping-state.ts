/**
 * The mapping step as a value: for one file, each of our fields beside its chosen source
 * column, the date format, and then our value for each distinct source value of the enum
 * columns. A pure reducer over a small action union; the hook and the view only dispatch and
 * render; `mapping-section.ts` turns the state into the map section that is saved and used.
 */

import type { PassName } from "../../model/records.js";
import { columnsFor, type MapSection } from "../../source/index.js";
import { dateOptions } from "./mapping-dates.js";
import { suggestColumns } from "./mapping-suggest.js";
import { chosenColumn, valueFields } from "./mapping-values.js";

/** One of our fields; `options[0]` is "no column", the others one header or two joined. */
export interface FieldRow {
	readonly kind: "field";
	readonly field: string;
	readonly isRequired: boolean;
	readonly options: readonly (readonly string[])[];
	readonly choice: number;
}

/** The date format of the file; `""` stands for ISO dates only. */
export interface DatesRow {
	readonly kind: "dates";
	readonly options: readonly string[];
	readonly choice: number;
}

export type MappingRow = FieldRow | DatesRow;

export interface ValueRow {
	readonly value: string;
	readonly count: number;
	/** Index into the field's `targets`; the last target is `""`, "leave the cell empty". */
	readonly choice: number;
}

export interface ValueField {
	readonly field: string;
	readonly source: string;
	readonly targets: readonly string[];
	readonly rows: readonly ValueRow[];
	readonly isTruncated: boolean;
}

export type MappingPhase =
	| { readonly kind: "columns" }
	| { readonly kind: "loading-values" }
	| { readonly kind: "values"; readonly index: number }
	| { readonly kind: "done" };

export interface MappingState {
	readonly pass: PassName;
	readonly header: readonly string[];
	readonly sample: readonly (readonly string[])[];
	readonly rows: readonly MappingRow[];
	readonly cursor: number;
	readonly values: readonly ValueField[];
	readonly valueCursor: number;
	readonly phase: MappingPhase;
	/** Why Enter did not move on (a required field without a column). */
	readonly error?: string | undefined;
	/** The saved section this state started from, whose value tables seed the values phase. */
	readonly saved?: MapSection | undefined;
}

/** Distinct values of one source column, as the values phase needs them. */
export interface LoadedValues {
	readonly field: string;
	readonly counts: readonly (readonly [string, number])[];
	readonly isTruncated: boolean;
}

export type MappingAction =
	| { readonly type: "move"; readonly delta: number }
	| { readonly type: "cycle"; readonly delta: number }
	| { readonly type: "confirm" }
	| { readonly type: "back" }
	| { readonly type: "values-loaded"; readonly values: readonly LoadedValues[] };

const same = (a: readonly string[], b: readonly string[] | undefined): boolean =>
	b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

const asList = (source: string | readonly string[] | null | undefined): readonly string[] | undefined =>
	source === null || source === undefined ? undefined : typeof source === "string" ? [source] : source;

function fieldRows(
	pass: PassName,
	header: readonly string[],
	saved: MapSection | undefined,
	sample: readonly (readonly string[])[],
): FieldRow[] {
	const specs = columnsFor(pass);
	const suggested = suggestColumns(
		pass,
		specs.map((s) => s.name),
		header,
		// Id fields are suggested only for columns whose sampled cells look like ids.
		(h) => sample.map((row) => row[header.indexOf(h)] ?? ""),
	);
	const singles = header.filter((h) => h.trim() !== "").map((h) => [h] as const);
	const rows: FieldRow[] = specs.map((spec) => {
		const pick = saved?.columns !== undefined ? asList(saved.columns[spec.name]) : suggested[spec.name];
		const options: (readonly string[])[] = [[], ...singles];
		if (pick !== undefined && pick.length > 1) options.push(pick);
		const choice = Math.max(
			0,
			options.findIndex((o) => o.length > 0 && same(o, pick)),
		);
		return { kind: "field", field: spec.name, isRequired: spec.required === true, options, choice };
	});
	if (pass === "customers") {
		// Every header no field took can travel as metadata: off unless the saved map had it.
		const used = new Set(rows.flatMap((r) => r.options[r.choice] ?? []));
		for (const h of header) {
			if (h.trim() === "" || used.has(h)) continue;
			const field = h.startsWith("metadata.") ? h : `metadata.${metadataKey(h)}`;
			const isOn = h.startsWith("metadata.") || same([h], asList(saved?.columns?.[field]));
			rows.push({ kind: "field", field, isRequired: false, options: [[], [h]], choice: isOn ? 1 : 0 });
		}
	}
	return rows;
}

/** `Industry Group` → `industry_group`: a metadata key that reads like ours. */
export function metadataKey(header: string): string {
	return (
		header
			.trim()
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, "_")
			.replace(/^_+|_+$/g, "") || "column"
	);
}

/** The dates row follows the date column: re-derived whenever the choices change. */
function withDates(state: MappingState): MappingState {
	const fields = state.rows.filter((r) => r.kind === "field");
	const dateField = columnsFor(state.pass).find((s) => s.isDate === true);
	const source = dateField === undefined ? [] : chosenColumn(fields, dateField.name);
	if (source.length !== 1) return { ...state, rows: fields };
	const at = state.header.indexOf(source[0]!);
	const previous = state.rows.find((r): r is DatesRow => r.kind === "dates");
	const kept = previous?.options[previous.choice] ?? state.saved?.dates;
	const options = dateOptions(
		state.sample.map((row) => row[at] ?? ""),
		kept === "" ? undefined : kept,
	);
	const choice = Math.max(0, options.indexOf(kept ?? options[0] ?? ""));
	return { ...state, rows: [...fields, { kind: "dates", options, choice }] };
}

export function initialMapping(
	pass: PassName,
	header: readonly string[],
	sample: readonly (readonly string[])[],
	saved?: MapSection,
): MappingState {
	return withDates({
		pass,
		header,
		sample,
		rows: fieldRows(pass, header, saved, sample),
		cursor: 0,
		values: [],
		valueCursor: 0,
		phase: { kind: "columns" },
		saved,
	});
}

const wrap = (i: number, n: number): number => ((i % n) + n) % n;

function cycleRow(row: MappingRow, delta: number): MappingRow {
	return { ...row, choice: wrap(row.choice + delta, row.options.length) } as MappingRow;
}

export function mappingReducer(state: MappingState, action: MappingAction): MappingState {
	const { phase } = state;
	switch (action.type) {
		case "move":
			if (phase.kind === "columns") {
				return {
					...state,
					cursor: Math.max(0, Math.min(state.rows.length - 1, state.cursor + action.delta)),
				};
			}
			if (phase.kind === "values") {
				const n = state.values[phase.index]?.rows.length ?? 0;
				return { ...state, valueCursor: Math.max(0, Math.min(n - 1, state.valueCursor + action.delta)) };
			}
			return state;
		case "cycle":
			if (phase.kind === "columns") {
				const rows = state.rows.map((r, i) => (i === state.cursor ? cycleRow(r, action.delta) : r));
				return withDates({ ...state, rows, error: undefined });
			}
			if (phase.kind === "values") {
				const values = state.values.map((f, i) =>
					i !== phase.index
						? f
						: {
								...f,
								rows: f.rows.map((r, j) =>
									j === state.valueCursor
										? { ...r, choice: wrap(r.choice + action.delta, f.targets.length) }
										: r,
								),
							},
				);
				return { ...state, values };
			}
			return state;
		case "confirm": {
			if (phase.kind === "columns") {
				const missing = state.rows.find((r) => r.kind === "field" && r.isRequired && r.choice === 0);
				if (missing?.kind === "field") {
					return { ...state, error: `${missing.field} is required: choose the column that holds it (←/→).` };
				}
				return { ...state, error: undefined, phase: { kind: "loading-values" } };
			}
			if (phase.kind === "values") {
				const next = phase.index + 1;
				return next < state.values.length
					? { ...state, phase: { kind: "values", index: next }, valueCursor: 0 }
					: { ...state, phase: { kind: "done" } };
			}
			return state;
		}
		case "back":
			if (phase.kind === "values") {
				return phase.index > 0
					? { ...state, phase: { kind: "values", index: phase.index - 1 }, valueCursor: 0 }
					: { ...state, phase: { kind: "columns" } };
			}
			return state;
		case "values-loaded": {
			if (phase.kind !== "loading-values") return state;
			const values = valueFields(state, action.values);
			return {
				...state,
				values,
				valueCursor: 0,
				phase: values.length > 0 ? { kind: "values", index: 0 } : { kind: "done" },
			};
		}
	}
}
