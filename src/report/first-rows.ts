/**
 * A dry run's look at what will be sent: the first rows of each file as their request bodies,
 * after mapping and cleaning (money in cents, dates as ISO, domains as hosts, derived fields
 * aside), so a unit or a date format can be checked before anything is sent. Shown with
 * `--dry-run --verbose`.
 */

import type { PassName } from "../model/records.js";

export interface FirstRow {
	readonly key: string;
	readonly line: number;
	readonly body: Readonly<Record<string, unknown>>;
}

function shownValue(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(shownValue).join(", ")}]`;
	if (value !== null && typeof value === "object")
		return `{ ${Object.entries(value)
			.map(([k, v]) => `${k}: ${shownValue(v)}`)
			.join(", ")} }`;
	return String(value);
}

/** `customers: the first 3 rows as sent:` then one line per row, `c1 (line 2): name "Acme", mrr 129900`. */
export function firstRowsText(pass: PassName, rows: readonly FirstRow[], total: number): string[] {
	if (rows.length === 0) return [];
	const lines = [`${pass}: the first ${rows.length} row${rows.length === 1 ? "" : "s"} as sent:`];
	for (const row of rows) {
		const fields = Object.entries(row.body)
			.map(([field, value]) => `${field} ${shownValue(value)}`)
			.join(", ");
		lines.push(`  ${row.key} (line ${row.line}): ${fields}`);
	}
	if (total > rows.length) lines.push(`  …and ${total - rows.length} more`);
	return lines;
}
