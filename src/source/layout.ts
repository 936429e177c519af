/**
 * A file's header and its map section → the columns the checks see. Without a map the row is
 * used as it is; with one, each row is projected into our fields (headers joined, values
 * translated) once, and everything downstream (checks, cross-row rules, request bodies) reads
 * the projected row as if the file had our header. Messages still name the source header and
 * column, since that is what the user will open.
 */

import type { PassName } from "../model/records.js";
import { resourceOf } from "../model/resources.js";
import { type ResolvedColumn, type ResolvedHeader, resolveHeader } from "./header.js";
import type { MapPosition, MapSection, SourceMap } from "./map-file.js";
import { enumKey } from "./plain-values.js";
import { type Problem, showValue } from "./problem.js";
import { columnsFor, isBlank, METADATA_PREFIX, metadataSpec } from "./schema.js";

export interface FileLayout {
	readonly header: ResolvedHeader;
	/** Source row → the row of `header.columns`; undefined when the row is used as it is. */
	readonly project: ((cells: readonly string[]) => string[]) | undefined;
	/** Source headers no field reads (a map leaves them out). */
	readonly ignored: readonly string[];
	/** What is wrong with the map for this header, each pointing into the map file. */
	readonly mapProblems: readonly Problem[];
}

interface Mapped {
	readonly field: string;
	/** Source column indexes, joined with one space when more than one. */
	readonly from: readonly number[];
	readonly exact: ReadonlyMap<string, string> | undefined;
	readonly byKey: ReadonlyMap<string, string> | undefined;
}

function lookup(path: string, map: SourceMap, fallback: string): MapPosition {
	return map.positions[path] ?? map.positions[fallback] ?? { line: 1, column: 1 };
}

function listHeaders(header: readonly string[]): string {
	const shown = header.slice(0, 12).map((h) => JSON.stringify(h));
	return `${shown.join(", ")}${header.length > 12 ? `, … (${header.length} in all)` : ""}`;
}

/** The layout of a `pass` file with this header row, read through `map` when it has a section for it. */
export function layoutFor(
	pass: PassName,
	file: string,
	header: readonly string[],
	map: SourceMap | undefined,
): FileLayout {
	const section = map?.sections[pass];
	if (map === undefined || section === undefined) {
		return { header: unmapped(pass, file, header), project: undefined, ignored: [], mapProblems: [] };
	}
	if (section.columns === undefined && section.values === undefined) {
		// Only a date format or units: the header must be ours as it stands.
		return {
			header: resolveHeader(pass, header, section.dates, section.units),
			project: undefined,
			ignored: [],
			mapProblems: [],
		};
	}
	return mappedLayout(pass, file, header, map, section);
}

/**
 * Our own header. When not one of its columns is ours the file is another program's export:
 * one sentence pointing at the map says more than a complaint per column.
 */
function unmapped(pass: PassName, file: string, header: readonly string[]): ResolvedHeader {
	const resolved = resolveHeader(pass, header);
	const named = header.filter((h) => !isBlank(h));
	if (resolved.columns.length > 0 || named.length < 2) return resolved;
	return {
		...resolved,
		issues: [
			{
				message: `none of the columns of ${file} (${listHeaders(header)}) is a ${pass} column; map them to ours with --map FILE (see the README), or run pivotal-tui on a terminal, whose mapping step writes the map.`,
			},
		],
	};
}

function mappedLayout(
	pass: PassName,
	file: string,
	header: readonly string[],
	map: SourceMap,
	section: MapSection,
): FileLayout {
	const problems: Problem[] = [];
	const problem = (path: string, message: string): void => {
		problems.push({ file: map.file, ...lookup(path, map, pass), message });
	};
	// A repeated or blank header cannot be named by a map; left out, it does no harm.
	const indexOfHeader = new Map<string, number>();
	const repeated = new Set<string>();
	header.forEach((h, i) => {
		if (indexOfHeader.has(h)) repeated.add(h);
		else indexOfHeader.set(h, i);
	});
	const columns = section.columns ?? {};
	const specs = columnsFor(pass, section.dates, section.units);
	const mapped: Mapped[] = [];
	const fields = [
		...specs.map((s) => s.name),
		...Object.keys(columns).filter((f) => f.startsWith(METADATA_PREFIX)),
	];
	const used = new Set<number>();
	const indexesOf = (field: string, source: string | readonly string[]): number[] | undefined => {
		// Headers are read trimmed (clean/trim.ts): a map written with the space still matches.
		const names = (typeof source === "string" ? [source] : source).map((n) => n.trim());
		const out: number[] = [];
		for (const name of names) {
			const at = indexOfHeader.get(name);
			if (at === undefined || repeated.has(name)) {
				problem(
					`${pass}/columns/${field}`,
					at === undefined
						? `${pass}.columns.${field} names the header ${showValue(name)}, which ${file} does not have; use one of its headers: ${listHeaders(header)}.`
						: `${pass}.columns.${field} names the header ${showValue(name)}, which appears more than once in ${file}; rename one of those columns in the file.`,
				);
				return undefined;
			}
			out.push(at);
		}
		return out;
	};
	for (const field of fields) {
		const source = Object.hasOwn(columns, field) ? columns[field] : field;
		if (source === null || source === undefined) continue;
		const from = Object.hasOwn(columns, field)
			? indexesOf(field, source)
			: indexOfHeader.has(field) && !repeated.has(field)
				? [indexOfHeader.get(field)!]
				: undefined;
		if (from === undefined) continue;
		for (const i of from) used.add(i);
		const table = section.values?.[field];
		mapped.push({
			field,
			from,
			exact: table === undefined ? undefined : new Map(Object.entries(table)),
			byKey:
				table === undefined ? undefined : new Map(Object.entries(table).map(([k, v]) => [enumKey(k), v])),
		});
	}
	// Our own `metadata.*` headers, which a customers map does not have to list.
	const keyField = resourceOf(pass).metadata?.keyField;
	if (keyField !== undefined) {
		header.forEach((h, i) => {
			const key = h.slice(METADATA_PREFIX.length);
			if (!h.startsWith(METADATA_PREFIX) || key.length === 0 || key === keyField) return;
			if (Object.hasOwn(columns, h) || repeated.has(h) || used.has(i)) return;
			used.add(i);
			mapped.push({ field: h, from: [i], exact: undefined, byKey: undefined });
		});
	}
	const have = new Set(mapped.map((m) => m.field));
	for (const spec of specs) {
		if (spec.required !== true || have.has(spec.name)) continue;
		if (Object.hasOwn(columns, spec.name) && columns[spec.name] !== null) continue; // reported above
		problem(
			Object.hasOwn(columns, spec.name) ? `${pass}/columns/${spec.name}` : `${pass}/columns`,
			`${pass}.columns does not map the required field "${spec.name}", and ${file} has no "${spec.name}" column; add "${spec.name}": "<header>" naming one of its headers: ${listHeaders(header)}.`,
		);
	}
	const bySpec = new Map(specs.map((s) => [s.name, s]));
	const resolved: ResolvedColumn[] = mapped.map((m, index) => {
		const sourceName = m.from.map((i) => header[i]!).join(" + ");
		return {
			index,
			header: sourceName === m.field ? m.field : `${sourceName} (${m.field})`,
			column: m.from[0]! + 1,
			spec: bySpec.get(m.field) ?? metadataSpec(m.field),
			isMetadata: !bySpec.has(m.field),
		};
	});
	const ignored = header.filter((h, i) => !used.has(i) && !isBlank(h));
	return {
		header: {
			columns: resolved,
			indexOf: new Map(mapped.map((m, i) => [m.field, i])),
			width: header.length,
			issues: [],
		},
		project: projector(mapped),
		ignored,
		mapProblems: problems,
	};
}

/** One function per file that builds the projected row; a loop over fields, nothing else. */
function projector(mapped: readonly Mapped[]): (cells: readonly string[]) => string[] {
	return (cells) => {
		const out = new Array<string>(mapped.length);
		for (let f = 0; f < mapped.length; f++) {
			const m = mapped[f]!;
			let value: string;
			if (m.from.length === 1) value = cells[m.from[0]!] ?? "";
			else {
				value = "";
				for (const i of m.from) {
					const part = (cells[i] ?? "").trim();
					if (part.length === 0) continue;
					value = value.length === 0 ? part : `${value} ${part}`;
				}
			}
			if (m.exact !== undefined && value.length > 0) {
				value = m.exact.get(value) ?? m.byKey?.get(enumKey(value)) ?? value;
			}
			out[f] = value;
		}
		return out;
	};
}

/** Whether a `pass` file with this header needs no map (every column is one of ours, the required ones present). */
export function isOwnHeader(pass: PassName, header: readonly string[]): boolean {
	return resolveHeader(pass, header).issues.length === 0;
}
