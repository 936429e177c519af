/**
 * The mapping step as a value: for one file, each of our fields beside its chosen source
 * column, the date format, and then our value for each distinct source value of the enum
 * columns. A pure reducer over a small action union; the hook and the view only dispatch and
 * render. `toSection` turns the state into the map section that is saved and used.
 */

import type { PassName } from "../../model/records.js";
import {
	type ColumnSpec,
	columnsFor,
	dateReader,
	enumKey,
	enumReader,
	type MapSection,
} from "../../source/index.js";
import { suggestColumns, suggestValue } from "./mapping-suggest.js";

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

const DATE_FORMATS = [
	"MM/dd/yyyy",
	"dd/MM/yyyy",
	"dd.MM.yyyy",
	"yyyy/MM/dd",
	"dd-MM-yyyy",
	"MM-dd-yyyy",
	"d MMM yyyy",
	"MMM d, yyyy",
	"MM/dd/yy",
	"dd/MM/yy",
];

const same = (a: readonly string[], b: readonly string[] | undefined): boolean =>
	b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

const asList = (source: string | readonly string[] | null | undefined): readonly string[] | undefined =>
	source === null || source === undefined ? undefined : typeof source === "string" ? [source] : source;

/** Our enum fields (the ones a values table is shown for). */
const enumSpecs = (pass: PassName): readonly ColumnSpec[] =>
	columnsFor(pass).filter((s) => s.allowed !== undefined);

function fieldRows(pass: PassName, header: readonly string[], saved: MapSection | undefined): FieldRow[] {
	const specs = columnsFor(pass);
	const suggested = suggestColumns(
		pass,
		specs.map((s) => s.name),
		header,
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

/** Formats that read every sampled date cell, one per distinct reading; `""` first when all are ISO. */
export function dateOptions(cells: readonly string[], saved?: string): string[] {
	const values = cells.map((c) => c.trim()).filter((c) => c.length > 0);
	const iso = dateReader("yyyy-MM-dd");
	if (values.every((v) => iso(v) !== undefined)) return saved ? ["", saved] : [""];
	const options: string[] = [];
	const readings = new Set<string>();
	for (const format of saved ? [saved, ...DATE_FORMATS] : DATE_FORMATS) {
		const read = dateReader(format);
		const results = values.map(read);
		if (results.some((r) => r === undefined)) continue;
		const signature = results.join(",");
		if (readings.has(signature)) continue;
		readings.add(signature);
		options.push(format);
	}
	return options.length > 0 ? options : [""];
}

function chosenColumn(rows: readonly MappingRow[], field: string): readonly string[] {
	const row = rows.find((r): r is FieldRow => r.kind === "field" && r.field === field);
	return row?.options[row.choice] ?? [];
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
		rows: fieldRows(pass, header, saved),
		cursor: 0,
		values: [],
		valueCursor: 0,
		phase: { kind: "columns" },
		saved,
	});
}

/** The source columns whose distinct values the values phase needs (one per mapped enum field). */
export function valueColumns(state: MappingState): { field: string; column: number }[] {
	return enumSpecs(state.pass).flatMap((spec) => {
		const source = chosenColumn(state.rows, spec.name);
		return source.length === 1 ? [{ field: spec.name, column: state.header.indexOf(source[0]!) }] : [];
	});
}

function valueFields(state: MappingState, loaded: readonly LoadedValues[]): ValueField[] {
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

function savedTarget(saved: Readonly<Record<string, string>> | undefined, value: string): string | undefined {
	if (saved === undefined) return undefined;
	if (Object.hasOwn(saved, value)) return saved[value];
	const key = enumKey(value);
	const match = Object.keys(saved).find((k) => enumKey(k) === key);
	return match === undefined ? undefined : saved[match];
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

/** The map section the state stands for: what is saved beside the CSV and read by the import. */
export function toSection(state: MappingState): MapSection {
	const columns: Record<string, string | readonly string[] | null> = {};
	for (const row of state.rows) {
		if (row.kind !== "field") continue;
		const chosen = row.options[row.choice] ?? [];
		if (chosen.length === 1) columns[row.field] = chosen[0]!;
		else if (chosen.length > 1) columns[row.field] = chosen;
		// A header with our field's name would be read as that field: say "not this one".
		else if (state.header.includes(row.field)) columns[row.field] = null;
	}
	const values: Record<string, Record<string, string>> = {};
	for (const field of state.values) {
		const read = enumReader(field.targets.slice(0, -1));
		const table: Record<string, string> = {};
		for (const row of field.rows) {
			const target = field.targets[row.choice] ?? "";
			if (read(row.value) !== target) table[row.value] = target;
		}
		if (Object.keys(table).length > 0) values[field.field] = table;
	}
	const datesRow = state.rows.find((r): r is DatesRow => r.kind === "dates");
	const dates = datesRow?.options[datesRow.choice] ?? "";
	return {
		columns,
		...(Object.keys(values).length > 0 ? { values } : {}),
		...(dates !== "" ? { dates } : {}),
	};
}

/**
 * The section the preview builds bodies with while the columns are still being chosen: the
 * values phase has not run yet, so each sampled enum value takes its saved or suggested target
 * (what the values phase will start from).
 */
export function previewSection(state: MappingState): MapSection {
	const section = toSection(state);
	if (state.phase.kind !== "columns") return section;
	const values: Record<string, Record<string, string>> = { ...section.values };
	for (const { field, column } of valueColumns(state)) {
		const spec = enumSpecs(state.pass).find((s) => s.name === field);
		if (spec?.allowed === undefined) continue;
		const read = enumReader(spec.allowed);
		const table: Record<string, string> = {};
		for (const row of state.sample) {
			const value = (row[column] ?? "").trim();
			if (value === "" || read(value) !== undefined || Object.hasOwn(table, value)) continue;
			table[value] =
				savedTarget(state.saved?.values?.[field], value) ?? suggestValue(field, value, spec.allowed) ?? "";
		}
		values[field] = { ...values[field], ...table };
	}
	return { ...section, values };
}
