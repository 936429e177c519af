/**
 * How the files are to be read (`--map`, `--encoding`, `--delimiter`), checked before any file
 * is read: each mistake is one sentence, the map file's line where it has one.
 */

import { EXIT } from "../core/exit-codes.js";
import { formatProblem, loadMap, readSettings, type SourceOptions } from "../source/index.js";
import { type Outcome, refusal } from "./outcome.js";

export interface SourceReadOptions {
	/** A map file: how another program's columns and values become ours. @default our own headers */
	readonly map?: string | undefined;
	/** Code page of files without a BOM. @default detected (UTF-8 unless the bytes say otherwise) */
	readonly encoding?: string | undefined;
	/** The delimiter, forced instead of detected. @default detected */
	readonly delimiter?: string | undefined;
}

/** At most this many of a map's problems are listed. */
const SHOWN_MAP_PROBLEMS = 20;

export async function readSourceOptions(options: SourceReadOptions): Promise<Outcome<SourceOptions>> {
	const { encoding, delimiter } = options;
	const settings = readSettings({ encoding, delimiter });
	if (typeof settings === "string") return refusal(`${settings}\nNothing was sent.`, EXIT.usage);
	if (options.map === undefined) return { ok: true, value: { encoding, delimiter } };
	const loaded = await loadMap(options.map);
	if (!loaded.ok) {
		const lines = loaded.problems.slice(0, SHOWN_MAP_PROBLEMS).map(formatProblem);
		lines.push("Nothing was sent: fix the map file and run the command again.");
		return refusal(lines.join("\n"), EXIT.usage);
	}
	return { ok: true, value: { map: loaded.map, encoding, delimiter } };
}
