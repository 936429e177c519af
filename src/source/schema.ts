/**
 * The columns each input file may have, which check (cell-checks.ts) each cell gets, and what it
 * becomes in the request body.
 */

import type { PassName } from "../model/records.js";
import { type ColumnDef, resourceOf } from "../model/resources.js";
import {
	checkBoolean,
	checkCount,
	checkCrmId,
	checkDomain,
	checkEmail,
	checkId,
	checkSlug,
	isBlank,
	maxLength,
	valuesHint,
} from "./cell-checks.js";
import {
	cleanEmail,
	hostOf,
	isExcelError,
	type MoneyUnit,
	magnitudeSuffix,
	parseMoney,
	parseWhole,
	splitLabels,
	UNCALCULATED,
} from "./clean/index.js";
import { checkIsoDate, dateReader, earlyYearProblem } from "./dates.js";
import type { ResolvedHeader } from "./header.js";
import { enumReader, parseBoolean } from "./plain-values.js";
import { showValue } from "./problem.js";

export { ID_MAX, isBlank, NAME_MAX, SLUG_MAX, valuesHint } from "./cell-checks.js";
export { parseBoolean } from "./plain-values.js";

export interface ColumnSpec {
	readonly name: string;
	readonly required?: boolean;
	/** Returns the problem sentence for a non-empty value that is not acceptable. */
	readonly check?: (value: string, column: string) => string | undefined;
	/** Body field this column fills; undefined when the column is not sent as such. */
	readonly field?: string;
	/** Turns the checked cell into its body value (strings by default). */
	readonly convert?: (value: string) => unknown;
	/** The values an enum column takes (what a map's `values` may name). */
	readonly allowed?: readonly string[];
	/** A date column: the map's `dates` format applies to it. */
	readonly isDate?: boolean;
}

export { CUSTOMER_STATUSES, ONBOARDING_PHASES, ONBOARDING_STATES } from "../model/resources.js";

export const METADATA_PREFIX = "metadata.";

/** Keys every JavaScript object has: as a metadata key, assigning one would be lost or worse. */
const OBJECT_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Why a `metadata.<key>` column cannot be sent, or undefined when it can. Refused rather than
 * carried: such a key would be silently dropped, or reach an object's prototype, on its way.
 */
export function reservedMetadataKey(key: string): string | undefined {
	if (!OBJECT_KEYS.has(key)) return undefined;
	return `"metadata.${key}" cannot be sent: "${key}" is a name JavaScript objects reserve, so the key would be lost on its way to Pivotal; rename it, e.g. metadata.${key.replace(/_/g, "")}_value.`;
}
/** An enum column: `At risk` is read as `at_risk` (case, spaces, `-` and `_` do not count). */
function oneOf(
	pass: PassName,
	field: string,
	values: readonly string[],
): Pick<ColumnSpec, "check" | "convert" | "allowed"> {
	const read = enumReader(values);
	const list = values.join(", ");
	return {
		allowed: values,
		check: (value, column) =>
			read(value) !== undefined
				? undefined
				: `${column} ${showValue(value)} is not one of ${list}; use one of those, leave the cell empty, or ${valuesHint(pass, field, value, values[0]!)} (naming the value it stands for; "" reads it as empty).`,
		convert: read,
	};
}

/** A money column: amounts with a sign or decimals in major units, plain numbers in the column's unit. */
function money(pass: PassName, name: string, unit: MoneyUnit): ColumnSpec {
	return text(name, {
		check: (value, column) => {
			if (parseMoney(value, unit) !== undefined) return undefined;
			const suffix = magnitudeSuffix(value);
			if (suffix !== undefined)
				return `${column} ${showValue(value)} ends in ${JSON.stringify(suffix)}, a magnitude or period rather than a currency, so its amount is not read; write the full amount in the cell (e.g. 10,000.00), or ${valuesHint(pass, name, value, "10000.00")} with the amount it stands for.`;
			return `${column} ${showValue(value)} is not an amount; write it as $1,299.00, 1.299,00 € or 129900 (plain numbers are ${unit === "cents" ? `cents unless the map says "units": { "${name}": "dollars" }` : "in the map's major unit"}), or leave the cell empty.`;
		},
		convert: (value) => parseMoney(value, unit),
	});
}

/** Labels cell → list: split on `;`, `,` or `|`, trimmed, empty pieces and repeats dropped. */
export const parseLabels = splitLabels;

const toInteger = (value: string): number | undefined => parseWhole(value);
const text = (name: string, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, field: name, ...extra });

/** The checks and conversion of a column of the table (model/resources.ts), by its kind. */
function specOf(pass: PassName, def: ColumnDef): ColumnSpec {
	const required: Partial<ColumnSpec> = def.required === true ? { required: true } : {};
	switch (def.kind) {
		// A key column (the record's or its parent's) is not sent as a field of its own.
		case "id":
			return { name: def.name, ...required, check: checkId };
		case "text":
			return text(def.name, def.max === undefined ? required : { ...required, check: maxLength(def.max) });
		case "slug":
			return text(def.name, { ...required, check: checkSlug });
		case "domain":
			return text(def.name, { ...required, check: checkDomain, convert: hostOf });
		case "enum":
			return text(def.name, { ...required, ...oneOf(pass, def.name, def.values ?? []) });
		case "money":
			return { ...money(pass, def.name, "cents"), ...required };
		case "count":
			return text(def.name, { ...required, check: checkCount, convert: toInteger });
		case "crm-id":
			return text(def.name, { ...required, check: checkCrmId });
		case "email":
			return text(def.name, {
				...required,
				check: (v, c) => checkEmail(cleanEmail(v), c),
				convert: cleanEmail,
			});
		case "boolean":
			return text(def.name, { ...required, check: checkBoolean, convert: (v) => parseBoolean(v) });
		case "labels":
			return text(def.name, { ...required, convert: parseLabels });
		case "date":
			return text(def.name, {
				...required,
				isDate: true,
				check: (value, column) => checkIsoDate(value, column, pass),
			});
	}
}

const specsByPass = new Map<PassName, readonly ColumnSpec[]>();

/** The columns a `pass` file may have, as the table of resources lists them. */
export function columnsOf(pass: PassName): readonly ColumnSpec[] {
	let specs = specsByPass.get(pass);
	if (specs === undefined) {
		specs = resourceOf(pass).columns.map((def) => specOf(pass, def));
		specsByPass.set(pass, specs);
	}
	return specs;
}

/**
 * The columns of a `pass` file whose dates are written in `dates` (a date-fns format) rather
 * than ISO. Without a format the specs are the shared constants.
 */
export function columnsFor(
	pass: PassName,
	dates?: string,
	units?: Readonly<Record<string, MoneyUnit>>,
): readonly ColumnSpec[] {
	const specs = columnsOf(pass);
	const hasUnits = units !== undefined && specs.some((s) => Object.hasOwn(units, s.name));
	if ((dates === undefined || !specs.some((s) => s.isDate === true)) && !hasUnits) return specs;
	const read = dates === undefined ? undefined : dateReader(dates);
	return specs.map((spec) => {
		if (units !== undefined && Object.hasOwn(units, spec.name))
			return money(pass, spec.name, units[spec.name]!);
		if (spec.isDate !== true || read === undefined) return spec;
		return {
			...spec,
			check: (value: string, column: string) =>
				read(value) !== undefined
					? undefined
					: (earlyYearProblem(value, column, dates!) ??
						`${column} ${showValue(value)} does not match the map's date format ${JSON.stringify(dates)} and is not an ISO date; fix the cell or the format, or ${valuesHint(pass, spec.name, value, "")} to read it as empty.`),
			convert: read,
		};
	});
}

/** The column whose cell is the record's key (top level) or its parent's key (under a parent). */
export function idColumnOf(pass: PassName): string {
	const def = resourceOf(pass);
	if ("idColumn" in def.key) return def.key.idColumn;
	return def.parent?.column ?? "";
}

/** Metadata cells stay strings: the CSV cannot say whether "007" is a number. */
export function metadataSpec(header: string): ColumnSpec {
	return { name: header, field: header.slice(METADATA_PREFIX.length) };
}

/** One problem found in a single row, independent of other rows. */
export interface CellIssue {
	readonly column?: number;
	readonly columnName?: string;
	readonly message: string;
}

/**
 * Checks one row on its own (shape, required cells, cell formats). Returns the number of issues
 * found; each is handed to `report` so the caller decides whether to keep it.
 */
export function checkRow(
	header: ResolvedHeader,
	cells: readonly string[],
	report: (issue: CellIssue) => void,
	sourceLength = cells.length,
): number {
	if (sourceLength !== header.width) {
		report({
			message: `this row has ${sourceLength} cell${sourceLength === 1 ? "" : "s"} but the header has ${header.width} columns; check for a missing cell or an unquoted delimiter (a cell containing the delimiter must be in double quotes).`,
		});
		return 1;
	}
	let issues = 0;
	const columns = header.columns;
	for (let i = 0; i < columns.length; i++) {
		const col = columns[i]!;
		const value = cells[col.index]!;
		if (isBlank(value)) {
			if (col.spec.required === true) {
				issues++;
				report({
					column: col.column,
					columnName: col.header,
					message: `${col.header} is empty but required; fill it in or remove the row.`,
				});
			}
			continue;
		}
		if (value === UNCALCULATED) {
			issues++;
			report({
				column: col.column,
				columnName: col.header,
				message: `${col.header} holds a formula the workbook was saved without its value (a program other than Excel wrote it); open and save the workbook in Excel so its formulas are calculated, or export the sheet as CSV, and run again.`,
			});
			continue;
		}
		if (isExcelError(value)) {
			issues++;
			report({
				column: col.column,
				columnName: col.header,
				message: `${col.header} ${showValue(value)} is an Excel error value (a formula that failed), not data; fix the formula or clear the cell in the spreadsheet and export again, or read it as empty with "values": { ${JSON.stringify(col.spec.name)}: { ${JSON.stringify(value)}: "" } } in the map.`,
			});
			continue;
		}
		const check = col.spec.check;
		if (check !== undefined) {
			const message = check(value, col.header);
			if (message !== undefined) {
				issues++;
				report({ column: col.column, columnName: col.header, message });
			}
		}
	}
	return issues;
}

/** The request body of a row that passed `checkRow`: empty cells left out, values converted. */
export function buildBody(
	pass: PassName,
	header: ResolvedHeader,
	cells: readonly string[],
): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	// A resource with metadata (customers) carries its key first (metadata.external_id), then the
	// metadata columns in file order.
	const keyField = resourceOf(pass).metadata?.keyField;
	const metadata: Record<string, string> | undefined =
		keyField === undefined
			? undefined
			: { [keyField]: cells[header.indexOf.get(idColumnOf(pass)) ?? -1] ?? "" };
	const columns = header.columns;
	for (let i = 0; i < columns.length; i++) {
		const col = columns[i]!;
		const value = cells[col.index]!;
		if (isBlank(value)) continue;
		if (col.isMetadata) {
			// Only a resource with a metadata key field has metadata columns (resolveHeader).
			if (metadata !== undefined) metadata[col.spec.field!] = value;
			continue;
		}
		const field = col.spec.field;
		if (field === undefined) continue;
		const converted = col.spec.convert === undefined ? value : col.spec.convert(value);
		// A labels cell of only separators converts to nothing: leave it out like an empty cell.
		if (Array.isArray(converted) && converted.length === 0) continue;
		body[field] = converted;
	}
	if (metadata !== undefined) body.metadata = metadata;
	return body;
}
