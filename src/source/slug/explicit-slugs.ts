/**
 * The slugs a customers file writes itself, read in a pass of their own: a derived slug must
 * avoid them even when the row that names one comes later in the file. Only run for files with
 * a slug column that leave it empty on some row.
 */

import { type CsvReadOptions, newScan } from "../csv-rows.js";
import { layoutFor } from "../layout.js";
import type { SourceMap } from "../map-file.js";
import { readRows } from "../rows.js";

export async function explicitSlugs(
	file: string,
	map: SourceMap | undefined,
	read: CsvReadOptions,
): Promise<Set<string>> {
	const slugs = new Set<string>();
	let at: number | undefined;
	let project: ((cells: readonly string[]) => string[]) | undefined;
	let width = -1;
	for await (const batch of readRows(file, newScan(0), { ...read, hash: false })) {
		for (const row of batch) {
			if (width === -1) {
				const layout = layoutFor("customers", file, row.cells, map);
				width = row.cells.length;
				at = layout.header.indexOf.get("slug");
				project = layout.project;
				if (at === undefined) return slugs;
				continue;
			}
			if (row.cells.length !== width) continue;
			const cells = project === undefined ? row.cells : project(row.cells);
			const slug = cells[at!];
			if (slug !== undefined && slug !== "") slugs.add(slug);
		}
	}
	return slugs;
}
