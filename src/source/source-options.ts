/**
 * How the input files are to be read, beyond their paths: the map, and the encoding and
 * delimiter when they are forced. Plain data, so an import plan can carry it to the engine.
 */

import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import type { PassName } from "../model/records.js";
import { perPass } from "../model/resources.js";
import { type Delimiter, delimiterFromOption } from "./delimiter.js";
import { type Encoding, encodingFromName } from "./encoding.js";
import type { MapSection, SourceMap } from "./map-file.js";
import { fileOnDisk } from "./workbook-path.js";

export interface SourceOptions {
	/** A loaded map (`loadMap`): its section for a file is how that file is read. @default none */
	readonly map?: SourceMap | undefined;
	/** `--encoding`: the code page of files without a BOM. @default UTF-8 */
	readonly encoding?: string | undefined;
	/** `--delimiter`: `,` `;` `\t` (or `tab`) `|`. @default detected from each header row */
	readonly delimiter?: string | undefined;
	/**
	 * `--skip-invalid`: the lines of each file's invalid rows (`SourceCheck.invalidLines`), left
	 * out when the records are read. @default none
	 */
	readonly skipLines?: Readonly<Partial<Record<PassName, readonly number[]>>> | undefined;
}

/** The forced encoding and delimiter, checked; a string is the sentence saying what is wrong. */
export function readSettings(
	options: SourceOptions,
): { encoding: Encoding | undefined; delimiter: Delimiter | undefined } | string {
	const encoding = options.encoding === undefined ? undefined : encodingFromName(options.encoding);
	if (typeof encoding === "string") return encoding;
	if (options.delimiter === undefined) return { encoding, delimiter: undefined };
	const delimiter = delimiterFromOption(options.delimiter);
	return delimiter.ok ? { encoding, delimiter: delimiter.delimiter } : delimiter.message;
}

/** JSON with object keys sorted at every level: equal maps hash equal however they were written. */
function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
	if (value !== null && typeof value === "object") {
		const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
			a < b ? -1 : a > b ? 1 : 0,
		);
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
	}
	return JSON.stringify(value);
}

/** SHA-256 (hex) of a map section's canonical JSON: what the state records of the map used for a pass. */
export function sectionFingerprint(section: MapSection): string {
	return createHash("sha256").update(canonicalJson(section)).digest("hex");
}

export function mapFingerprints(map: SourceMap | undefined): Record<PassName, string | undefined> {
	const of = (pass: PassName): string | undefined => {
		const section = map?.sections[pass];
		return section === undefined ? undefined : sectionFingerprint(section);
	};
	return perPass(of);
}

/** Where the wizard keeps the map of an import: beside its customers file, `companies.map.json`. */
export function defaultMapPath(customersFile: string): string {
	// A workbook's map is the workbook's, whichever sheet holds the customers: `book.map.json`.
	const file = fileOnDisk(customersFile);
	return join(dirname(file), `${basename(file).replace(/\.(csv|txt|tsv|xlsx)$/i, "")}.map.json`);
}
