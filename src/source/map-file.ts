/**
 * The map file (`--map FILE`, or the one the wizard saves beside the CSV): how another
 * program's export becomes our columns. One section per input file:
 *
 *   { "customers": { "columns": { "external_id": "Record ID", "name": ["First", "Last"] },
 *                    "values": { "status": { "Customer": "active" } },
 *                    "dates": "MM/dd/yyyy" } }
 *
 * Loading checks everything that does not need the CSV (JSON syntax, shape, field names, the
 * values a map may produce, the date format); what needs the header is checked in `layout.ts`.
 * Every problem points at its line in the map file.
 */

import { readFile } from "node:fs/promises";
import type { ParseError } from "jsonc-parser";
import type { PassName } from "../model/records.js";
import type { MoneyUnit } from "./clean/index.js";
import { lazyPackage } from "./lazy-package.js";
import { lineStarts, MAP_DEPTH_MAX, positionOf, SYNTAX, tooDeepAt } from "./map-json.js";
import { ShapeChecker } from "./map-shape.js";
import type { Problem } from "./problem.js";

const jsonc = lazyPackage<typeof import("jsonc-parser")>("jsonc-parser");

/** A field's source: one header, several joined with a space, or `null` for "leave it out". */
export type ColumnSource = string | readonly string[] | null;

export interface MapSection {
	/** Our field → the source header(s). Headers already named as ours need no entry. */
	readonly columns?: Readonly<Record<string, ColumnSource>>;
	/** Our field → source value → our value. */
	readonly values?: Readonly<Record<string, Readonly<Record<string, string>>>>;
	/** date-fns format of the file's date cells (ISO dates are read whatever it says). */
	readonly dates?: string;
	/** Money field → what its plain numbers are in (`"mrr": "dollars"`); cents when not named. */
	readonly units?: Readonly<Record<string, MoneyUnit>>;
}

export type MapSections = Readonly<Partial<Record<PassName, MapSection>>>;

export interface MapPosition {
	readonly line: number;
	readonly column: number;
}

/** A loaded, checked map: plain data, so it can travel in an import plan. */
export interface SourceMap {
	/** The path as the user gave it. */
	readonly file: string;
	readonly sections: MapSections;
	/** Where each entry is in the file, by its JSON path joined with "/" (`customers/columns/name`). */
	readonly positions: Readonly<Record<string, MapPosition>>;
}

export type MapLoad =
	| { readonly ok: true; readonly map: SourceMap }
	| { readonly ok: false; readonly problems: readonly Problem[] };

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code === "ENOENT") return "the map file does not exist; check the path given to --map.";
	if (code === "EISDIR") return "this is a directory, not a map file; give the path of the JSON file.";
	return `the map file cannot be read (${code ?? String(error)}); check the path and its permissions.`;
}

/** Reads and checks a map file. Never throws for bad input: each problem names its line. */
export async function loadMap(file: string): Promise<MapLoad> {
	let text: string;
	try {
		text = await readFile(file, "utf8");
	} catch (error) {
		return { ok: false, problems: [{ file, line: 0, message: describeFsError(error) }] };
	}
	return parseMap(file, text);
}

/** Checks the text of a map file; `file` is what problems name. */
export function parseMap(file: string, source: string): MapLoad {
	const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
	const starts = lineStarts(text);
	const at = (offset: number) => positionOf(starts, offset);
	const deep = tooDeepAt(text, MAP_DEPTH_MAX);
	if (deep !== undefined) {
		return {
			ok: false,
			problems: [
				{
					file,
					...at(deep),
					message: `the map nests deeper than ${MAP_DEPTH_MAX} levels here, and a map is at most 4 deep ({ "customers": { "values": { "status": { … } } } }); check that this is the map file.`,
				},
			],
		};
	}
	const errors: ParseError[] = [];
	const root = jsonc().parseTree(text, errors, {
		disallowComments: true,
		allowTrailingComma: false,
		allowEmptyContent: false,
	});
	const first = text.trim() === "" ? undefined : errors[0];
	if (first !== undefined || root === undefined) {
		const where = at(first?.offset ?? 0);
		const what =
			first === undefined
				? "the file is empty"
				: (SYNTAX[jsonc().printParseErrorCode(first.error)] ?? "a syntax error");
		return {
			ok: false,
			problems: [
				{
					file,
					...where,
					message: `the map is not valid JSON here (${what}); fix the JSON, whose shape is { "customers": { "columns": { … }, "values": { … }, "dates": "…" }, … }.`,
				},
			],
		};
	}
	const checker = new ShapeChecker(file, at);
	const sections = checker.root(root);
	if (checker.problems.length > 0) return { ok: false, problems: checker.problems };
	return { ok: true, map: { file, sections, positions: checker.positions } };
}
