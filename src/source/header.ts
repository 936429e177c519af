/**
 * The header row of an input file: each cell matched to its column spec (or a metadata column),
 * with one issue per blank, repeated, reserved or unknown name and per required column missing.
 */

import type { PassName } from "../model/records.js";
import { resourceOf } from "../model/resources.js";
import { isBlank } from "./cell-checks.js";
import type { MoneyUnit } from "./clean/index.js";
import { showValue } from "./problem.js";
import {
	type ColumnSpec,
	columnsFor,
	idColumnOf,
	METADATA_PREFIX,
	metadataSpec,
	reservedMetadataKey,
} from "./schema.js";

/** One header cell, resolved: its spec, or why it is not acceptable. */
export interface ResolvedColumn {
	/** Where the cell is in the row the checks see (the source row, or the mapped one). */
	readonly index: number;
	/** How messages name the column: the source header. */
	readonly header: string;
	/** 1-based column of the source file that messages point at. */
	readonly column: number;
	readonly spec: ColumnSpec;
	readonly isMetadata: boolean;
}

export interface HeaderIssue {
	readonly column?: number;
	readonly columnName?: string;
	readonly message: string;
}

export interface ResolvedHeader {
	/** Accepted columns in file order (first occurrence of a duplicate only). */
	readonly columns: readonly ResolvedColumn[];
	/** Index in the row of each known column name present. */
	readonly indexOf: ReadonlyMap<string, number>;
	/** Cells in each source row (the header's width). */
	readonly width: number;
	readonly issues: readonly HeaderIssue[];
}

function closest(name: string, candidates: readonly string[]): string | undefined {
	const wanted = name.trim().toLowerCase().replaceAll(" ", "_");
	return candidates.find((c) => c === wanted);
}

/** Checks the header row of a `pass` file and maps each cell to its column spec. */
export function resolveHeader(
	pass: PassName,
	header: readonly string[],
	dates?: string,
	units?: Readonly<Record<string, MoneyUnit>>,
): ResolvedHeader {
	const specs = columnsFor(pass, dates, units);
	const byName = new Map(specs.map((s) => [s.name, s]));
	const keyField = resourceOf(pass).metadata?.keyField;
	const allowedList = `${specs.map((s) => s.name).join(", ")}${keyField !== undefined ? ", metadata.<key>" : ""}`;
	const columns: ResolvedColumn[] = [];
	const indexOf = new Map<string, number>();
	const issues: HeaderIssue[] = [];
	const firstSeen = new Map<string, number>();
	header.forEach((raw, index) => {
		const column = index + 1;
		if (isBlank(raw)) {
			issues.push({
				column,
				message: `column ${column} has no name in the header row; name it or delete the column.`,
			});
			return;
		}
		const seen = firstSeen.get(raw);
		if (seen !== undefined) {
			issues.push({
				column,
				columnName: raw,
				message: `column ${showValue(raw)} appears twice in the header (columns ${seen + 1} and ${column}); remove or rename one of them.`,
			});
			return;
		}
		firstSeen.set(raw, index);
		const spec = byName.get(raw);
		if (spec !== undefined) {
			columns.push({ index, header: raw, column, spec, isMetadata: false });
			indexOf.set(raw, index);
			return;
		}
		if (keyField !== undefined && raw.startsWith(METADATA_PREFIX)) {
			const key = raw.slice(METADATA_PREFIX.length);
			if (key.length === 0) {
				issues.push({
					column,
					columnName: raw,
					message: `column "metadata." has no key; name it like metadata.region.`,
				});
			} else if (key === keyField) {
				issues.push({
					column,
					columnName: raw,
					message: `column "metadata.${keyField}" is reserved: the importer fills it from ${idColumnOf(pass)}; remove the column.`,
				});
			} else if (reservedMetadataKey(key) !== undefined) {
				issues.push({ column, columnName: raw, message: `column ${reservedMetadataKey(key)}` });
			} else {
				columns.push({ index, header: raw, column, spec: metadataSpec(raw), isMetadata: true });
			}
			return;
		}
		const guess = closest(raw, [...byName.keys()]);
		issues.push({
			column,
			columnName: raw,
			message: `column ${showValue(raw)} is not a ${pass} column${guess === undefined ? "" : ` (did you mean "${guess}"?)`}; rename or remove it, or map the file's columns with --map FILE. Allowed columns: ${allowedList}.`,
		});
	});
	for (const spec of specs) {
		if (spec.required === true && !indexOf.has(spec.name)) {
			issues.push({
				message: `required column "${spec.name}" is missing from the header row; add it.`,
			});
		}
	}
	return { columns, indexOf, width: header.length, issues };
}
