/**
 * Output files (failures, results, summaries, plans) never overwrite an input, a map or the
 * state: checked once, before anything is read or sent, with paths resolved the way the OS will
 * open them (`./x`, `../dir/x` and symlinks all name the same file), and existing files compared
 * by device and inode (a hard link is the same file under another name).
 */

import { lstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** A file the run writes, by the flag that named it. */
export interface OutputFile {
	/** As the user wrote it, e.g. `--results-csv`. */
	readonly flag: string;
	readonly path: string;
}

/** A file the run reads or keeps, which no output may replace. */
export interface GuardedFile {
	/** What it is, for the sentence: "the customers file", "the state". */
	readonly what: string;
	readonly path: string;
}

/** The state file and the files beside it that its store writes. */
export function stateFiles(statePath: string): GuardedFile[] {
	if (/^postgres(ql)?:\/\//i.test(statePath)) return [];
	return [
		{ what: "the state", path: statePath },
		...[".bak", ".lock", ".tmp", ".lock.takeover"].map((suffix) => ({
			what: "a file of the state",
			path: `${statePath}${suffix}`,
		})),
	];
}

/**
 * The sentence refusing the first output that names a guarded file (or another output), or
 * undefined when every output is a file of its own.
 * @example
 * refuseClobber([{ flag: "--results-csv", path: "customers.csv" }], [{ what: "the customers file", path: "customers.csv" }])
 * // → "--results-csv customers.csv is the customers file customers.csv; nothing was sent: …"
 */
export function refuseClobber(
	outputs: readonly OutputFile[],
	guarded: readonly GuardedFile[],
): string | undefined {
	const taken = new Map<string, GuardedFile>();
	for (const file of guarded) {
		for (const id of identities(file.path)) if (!taken.has(id)) taken.set(id, file);
	}
	for (const output of outputs) {
		const ids = identities(output.path);
		const clash = ids.map((id) => taken.get(id)).find((found) => found !== undefined);
		if (clash) {
			return `${output.flag} ${output.path} is ${clash.what} ${clash.path}; nothing was sent: give ${output.flag} a file of its own.`;
		}
		for (const id of ids) taken.set(id, { what: `the file of ${output.flag}`, path: output.path });
	}
	return undefined;
}

/**
 * The names one file goes by: its canonical path, and where it exists its device and inode, so a
 * hard link (another path to the same bytes) is the same file too.
 */
function identities(path: string): string[] {
	const real = canonical(path);
	try {
		const stat = statSync(real);
		return stat.isFile() ? [`path:${real}`, `inode:${stat.dev}:${stat.ino}`] : [`path:${real}`];
	} catch {
		return [`path:${real}`];
	}
}

/**
 * The path the OS will open: symlinks followed where the file exists, else its folder's real
 * path with its name (a file still to be created, in a folder reached through a symlink).
 */
export function canonical(path: string, links = 0): string {
	const absolute = resolve(path);
	try {
		return realpathSync(absolute);
	} catch {
		// A symlink to a file not made yet (the state of a first run) names that file: writing
		// through it would make it.
		const target = links < MAX_LINKS ? linkTarget(absolute) : undefined;
		if (target !== undefined) return canonical(resolve(dirname(absolute), target), links + 1);
		try {
			return join(realpathSync(dirname(absolute)), basename(absolute));
		} catch {
			return absolute;
		}
	}
}

/** Links followed at most, as the OS does (ELOOP past it). */
const MAX_LINKS = 40;

function linkTarget(path: string): string | undefined {
	try {
		return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
	} catch {
		return undefined;
	}
}

/** A file by what a sentence calls it: `the customers file`, or an output's flag. */
export type NamedPath = GuardedFile;

/** `refuseClobber` for callers that name their outputs the way they name their inputs. */
export function outputPathProblem(
	outputs: readonly NamedPath[],
	inputs: readonly NamedPath[],
): string | undefined {
	return refuseClobber(
		outputs.map((output) => ({ flag: output.what, path: output.path })),
		inputs,
	);
}
