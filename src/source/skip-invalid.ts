/**
 * `--skip-invalid`: import the valid rows, list the others. Allowed only when every problem is
 * about one row; a problem with the header, the map or the encoding makes every row suspect.
 */

import { PASSES, type PassName } from "../model/records.js";
import { newScan } from "./csv-rows.js";
import { formatProblem } from "./problem.js";
import { readRows } from "./rows.js";
import { readSettings, type SourceOptions } from "./source-options.js";
import type { SourceCheck } from "./validate.js";

/** One row left out: where it is and what to do about it. */
export interface InvalidRow {
	readonly pass: PassName;
	readonly file: string;
	readonly line: number;
	/** `file:line:col: what is wrong; what to do` — the row's first problem. */
	readonly message: string;
}

export type SkipDecision =
	| {
			readonly ok: true;
			readonly skipLines: Partial<Record<PassName, readonly number[]>>;
			readonly rows: InvalidRow[];
	  }
	| { readonly ok: false };

/** The rows `--skip-invalid` leaves out, or `ok: false` when the input has a problem no row explains. */
export function skipInvalid(check: SourceCheck): SkipDecision {
	if (check.fileProblemCount > 0) return { ok: false };
	const rows: InvalidRow[] = [];
	const skipLines: Partial<Record<PassName, readonly number[]>> = {};
	for (const pass of PASSES) {
		const file = check.files[pass];
		const lines = check.invalidLines[pass];
		if (file === undefined || lines.length === 0) continue;
		skipLines[pass] = lines;
		const first = new Map<number, string>();
		for (const problem of check.problems) {
			if (problem.file === file && !first.has(problem.line)) first.set(problem.line, formatProblem(problem));
		}
		for (const line of lines) {
			rows.push({
				pass,
				file,
				line,
				message:
					first.get(line) ??
					`${file}:${line}: this row is invalid (see the problems listed when the import started).`,
			});
		}
	}
	return { ok: true, skipLines, rows };
}

/** The original cells, by header name, of the rows of `file` at `lines` (for the failures CSV). */
export async function cellsAtLines(
	file: string,
	lines: ReadonlySet<number>,
	options: SourceOptions = {},
): Promise<Map<number, Record<string, string>>> {
	const out = new Map<number, Record<string, string>>();
	const settings = readSettings(options);
	if (typeof settings === "string" || lines.size === 0) return out;
	let header: string[] | undefined;
	for await (const batch of readRows(file, newScan(0), { ...settings, hash: false })) {
		for (const row of batch) {
			if (header === undefined) {
				header = row.cells;
				continue;
			}
			if (!lines.has(row.line)) continue;
			const columns: Record<string, string> = {};
			header.forEach((name, i) => {
				if (!Object.hasOwn(columns, name)) columns[name] = row.cells[i] ?? "";
			});
			out.set(row.line, columns);
			if (out.size === lines.size) return out;
		}
	}
	return out;
}
