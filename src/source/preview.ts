/**
 * Request bodies a map would build from a few rows, without reading the file again: what the
 * mapping step shows while choices change. Rows the map cannot read yet (a required field not
 * chosen, a cell that fails its check) show why instead of a body.
 */

import type { PassName } from "../model/records.js";
import { layoutFor } from "./layout.js";
import type { MapSection } from "./map-file.js";
import { buildBody, checkRow } from "./schema.js";

export type PreviewLine = { readonly body: Record<string, unknown> } | { readonly problem: string };

export function previewBodies(
	pass: PassName,
	file: string,
	header: readonly string[],
	rows: readonly (readonly string[])[],
	section: MapSection,
	count = 3,
): PreviewLine[] {
	const layout = layoutFor(pass, file, header, { file: "map", sections: { [pass]: section }, positions: {} });
	const first = layout.mapProblems[0] ?? layout.header.issues[0];
	if (first !== undefined) return [{ problem: first.message }];
	return rows.slice(0, count).map((cells) => {
		const projected = layout.project === undefined ? [...cells] : layout.project(cells);
		let problem: string | undefined;
		checkRow(
			layout.header,
			projected,
			(issue) => {
				problem ??= issue.message;
			},
			cells.length,
		);
		return problem === undefined ? { body: buildBody(pass, layout.header, projected) } : { problem };
	});
}
