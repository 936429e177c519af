/**
 * A mapping step's state as the map section it stands for: what is saved beside the CSV and
 * read by the import, and the provisional one the preview builds bodies with.
 */

import { enumReader, type MapSection } from "../../source/index.js";
import type { DatesRow, MappingState } from "./mapping-state.js";
import { suggestValue } from "./mapping-suggest.js";
import { enumSpecs, savedTarget, valueColumns } from "./mapping-values.js";

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
		// The step has no row for units: a saved map's declaration is kept, or dollars would turn into cents.
		...(state.saved?.units !== undefined ? { units: state.saved.units } : {}),
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
