/** Rewrites cells of a CSV file, as someone editing an export would. */

import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

const quoted = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** Sets `column` of the first `count` data rows to `value(old, index)`; returns those rows' first cells. */
export function editRows(
	file: string,
	column: string,
	count: number,
	value: (old: string, index: number) => string,
): string[] {
	const rows = parse(readFileSync(file, "utf8"), { relax_column_count: true }) as string[][];
	const header = rows[0] ?? [];
	const at = header.indexOf(column);
	if (at < 0) throw new Error(`no column ${column} in ${file}`);
	const keys: string[] = [];
	for (let i = 1; i <= count && i < rows.length; i++) {
		const row = rows[i]!;
		row[at] = value(row[at] ?? "", i);
		keys.push(row[0] ?? "");
	}
	writeFileSync(file, `${rows.map((row) => row.map(quoted).join(",")).join("\n")}\n`);
	return keys;
}
