/**
 * How an onboarding is known across syncs. DESIGN matches onboardings by name within their
 * customer, so a row whose name is unique among that customer's rows is keyed by the name: rows
 * removed or reordered in the export keep their identity. Rows with no name, or a name the
 * customer's rows repeat, fall back to their position among the customer's rows (`#n`).
 */

import { type CsvReadOptions, newScan } from "./csv-rows.js";
import { layoutFor } from "./layout.js";
import type { SourceMap } from "./map-file.js";
import { readRows } from "./rows.js";
import { isBlank } from "./schema.js";

/** How many rows of each customer carry each name: `customer\u0000name` → count. */
export type NameCounts = ReadonlyMap<string, number>;

/** The key of `NameCounts`. */
export const pairOf = (customer: string, name: string): string => `${customer}\u0000${name.normalize("NFC")}`;

/**
 * The key of an onboarding row: `<customer>/name:<name>` (`%` and `/` escaped, so the customer's
 * key is still what precedes the last `/`) when the name is unique among the customer's rows,
 * else `<customer>/#<n>`, n its 1-based position among them.
 */
export function onboardingKey(
	customer: string,
	n: number,
	name: string | undefined,
	counts: NameCounts,
): string {
	if (name !== undefined && !isBlank(name) && counts.get(pairOf(customer, name)) === 1)
		return `${customer}/name:${name.normalize("NFC").replaceAll("%", "%25").replaceAll("/", "%2F")}`;
	return `${customer}/#${n}`;
}

/** A key written before onboardings were keyed by name: `<customer>/<n>`. */
export function legacyPosition(key: string): { customer: string; n: number } | undefined {
	const match = /^(.*)\/(\d+)$/.exec(key);
	return match ? { customer: match[1]!, n: Number(match[2]) } : undefined;
}

/**
 * Counts the names of an onboardings file's rows per customer, over every row of the header's
 * width (valid or not, as positions are counted), in a read of its own before the records.
 */
export async function onboardingNames(
	file: string,
	map: SourceMap | undefined,
	read: CsvReadOptions,
): Promise<NameCounts> {
	const counts = new Map<string, number>();
	let idAt: number | undefined;
	let nameAt: number | undefined;
	let project: ((cells: readonly string[]) => string[]) | undefined;
	let width = -1;
	for await (const batch of readRows(file, newScan(0), { ...read, hash: false })) {
		for (const row of batch) {
			if (width === -1) {
				const layout = layoutFor("onboardings", file, row.cells, map);
				width = layout.header.width;
				idAt = layout.header.indexOf.get("customer_external_id");
				nameAt = layout.header.indexOf.get("name");
				project = layout.project;
				if (idAt === undefined || nameAt === undefined) return counts;
				continue;
			}
			if (row.cells.length !== width) continue;
			const cells = project === undefined ? row.cells : project(row.cells);
			const id = cells[idAt!];
			const name = cells[nameAt!]?.trim();
			if (id === undefined || name === undefined || isBlank(id) || isBlank(name)) continue;
			const pair = pairOf(id, name);
			counts.set(pair, (counts.get(pair) ?? 0) + 1);
		}
	}
	return counts;
}
