/**
 * Streams the records of one validated file as the engine sends them. Pull-based: the next row
 * is parsed only when the consumer asks, so a slow import holds a few rows in memory, not the file.
 */

import type { PassName, SourceRecord } from "../model/records.js";
import { resourceOf } from "../model/resources.js";
import { newScan } from "./csv-rows.js";
import { type FileLayout, layoutFor } from "./layout.js";
import { type NameCounts, onboardingKey, onboardingNames } from "./onboarding-keys.js";
import { formatProblem, type Problem } from "./problem.js";
import { readRows } from "./rows.js";
import { buildBody, checkRow, idColumnOf, isBlank } from "./schema.js";
import { explicitSlugs } from "./slug/explicit-slugs.js";
import { FileSlugs } from "./slug/index.js";
import { readSettings, type SourceOptions } from "./source-options.js";

/** The file could not be read or parsed to the end (it changed since it was validated). */
export class SourceFileError extends Error {
	readonly problem: Problem;
	constructor(problem: Problem) {
		super(formatProblem(problem));
		this.name = "SourceFileError";
		this.problem = problem;
	}
}

function originalColumns(header: readonly string[], cells: readonly string[]): Record<string, string> {
	const columns: Record<string, string> = {};
	for (let i = 0; i < header.length && i < cells.length; i++) {
		const name = header[i]!;
		// A repeated header name keeps its first cell, as validation does.
		if (!Object.hasOwn(columns, name)) columns[name] = cells[i]!;
	}
	return columns;
}

/**
 * Yields one `SourceRecord` per valid row of `file`, in file order, read through `options`
 * (map, encoding, delimiter) exactly as validation read it. Rows that fail their own checks are
 * skipped (validation has reported them); cross-row rules are validation's job.
 * Throws `SourceFileError` if the file cannot be read or parsed to the end.
 */
export async function* readRecords(
	file: string,
	pass: PassName,
	options: SourceOptions = {},
): AsyncGenerator<SourceRecord, void, undefined> {
	const settings = readSettings(options);
	if (typeof settings === "string") throw new SourceFileError({ file, line: 0, message: settings });
	const scan = newScan(0);
	let layout: FileLayout | undefined;
	let names: readonly string[] = [];
	let usable = true;
	let idAt = -1;
	let keyAt = -1;
	// The table says how a row is keyed: by its id column (top level), or by a column within its parent.
	const def = resourceOf(pass);
	const within = "column" in def.key ? def.key : undefined;
	// Onboardings are known by their name within the customer when no other row of it repeats it.
	const nameCounts: NameCounts =
		within?.numbered === true ? await onboardingNames(file, options.map, { ...settings }) : new Map();
	// Onboardings are numbered per customer over every row naming that customer, valid or not,
	// so fixing a bad row later does not shift the keys of the rows after it.
	const seen = new Map<string, number>();
	const noop = (): void => {};
	const skipped = new Set(options.skipLines?.[pass] ?? []);
	// Customers without a slug get one derived from the name, unique within the file.
	let slugs: FileSlugs | undefined;
	let hasSlugColumn = false;
	let fields: readonly string[] = [];
	for await (const batch of readRows(file, scan, { ...settings, hash: false })) {
		for (const row of batch) {
			if (layout === undefined) {
				layout = layoutFor(pass, file, row.cells, options.map);
				names = row.cells;
				const header = layout.header;
				usable = !header.issues.some((i) => i.column === undefined) && layout.mapProblems.length === 0;
				idAt = header.indexOf.get(idColumnOf(pass)) ?? -1;
				keyAt = within === undefined ? -1 : (header.indexOf.get(within.column) ?? -1);
				hasSlugColumn = header.indexOf.has("slug");
				fields = header.columns.flatMap((c) =>
					c.spec.field === undefined ? [] : [c.isMetadata ? `metadata.${c.spec.field}` : c.spec.field],
				);
				continue;
			}
			if (!usable) continue;
			const header = layout.header;
			const width = row.cells.length;
			const cells = layout.project === undefined ? row.cells : layout.project(row.cells);
			const id = cells[idAt];
			let n = 0;
			if (within?.numbered === true && id !== undefined && !isBlank(id) && width === header.width) {
				n = (seen.get(id) ?? 0) + 1;
				seen.set(id, n);
			}
			if (checkRow(header, cells, noop, width) > 0 || id === undefined) continue;
			if (skipped.size > 0 && skipped.has(row.line)) continue;
			let key: string;
			if (within === undefined) key = id;
			else if (within.numbered === true) key = onboardingKey(id, n, cells[keyAt]?.trim(), nameCounts);
			else key = `${id}/${within.fold === true ? (cells[keyAt] ?? "").toLowerCase() : (cells[keyAt] ?? "")}`;
			const body = buildBody(pass, header, cells);
			const columns = originalColumns(names, row.cells);
			if (def.parent === undefined) {
				if (def.derivesSlug !== true || typeof body.slug === "string") {
					yield { pass, key, line: row.line, body, columns, fields };
					continue;
				}
				slugs ??= new FileSlugs(
					hasSlugColumn ? await explicitSlugs(file, options.map, { ...settings }) : undefined,
				);
				const slug = slugs.derive(typeof body.name === "string" ? body.name : "", id);
				yield { pass, key, line: row.line, body, columns, slug, fields };
				continue;
			}
			yield { pass, key, line: row.line, parentKey: id, body, columns, fields };
		}
	}
	if (scan.failure !== undefined) {
		throw new SourceFileError({ file, ...scan.failure });
	}
}
