/**
 * Output files (failures, results, summaries, plans) never overwrite an input, a map or the
 * state: checked once, before anything is read or sent, with paths resolved the way the OS will
 * open them (`./x`, `../dir/x` and symlinks all name the same file), and existing files compared
 * by device and inode (a hard link is the same file under another name).
 */

import { closeSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileOnDisk } from "../source/workbook-path.js";

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
	/** Whether a path no file can be written at is refused too (a name picked beside an input need not). */
	isPlaceChecked = true,
): string | undefined {
	const taken = new Map<string, GuardedFile>();
	for (const file of guarded) {
		// A workbook's sheet (`book.xlsx#Customers`) is the workbook's file, whoever names it
		// (adversarial finding AJ1: --summary-md, --plan-out and the step summary wrote over it).
		for (const id of identities(fileOnDisk(file.path))) if (!taken.has(id)) taken.set(id, file);
	}
	for (const output of outputs) {
		const ids = identities(output.path);
		const clash = ids.map((id) => taken.get(id)).find((found) => found !== undefined);
		if (clash) {
			return `${output.flag} ${output.path} is ${clash.what} ${clash.path}; nothing was sent: give ${output.flag} a file of its own.`;
		}
		for (const id of ids) taken.set(id, { what: `the file of ${output.flag}`, path: output.path });
		// Another import's state, one --fresh set aside, or a plan: what its first bytes say, since
		// no name tells them (adversarial finding AH3).
		// A path no file can be written at: said before anything is sent, where the run went on and
		// its file was missing at the end, exit 0 (adversarial finding AI5).
		// (The state's own folder is said by the run, in its own words.)
		const place = output.flag === "--checkpoint" || !isPlaceChecked ? undefined : placeProblem(output);
		if (place !== undefined) return place;
		const kind = kindOfOwnFile(output.path, output.flag) ?? sideFileOfState(output.path);
		if (kind !== undefined)
			return `${output.flag} ${output.path} is ${kind}; nothing was sent: give ${output.flag} a file of its own.`;
	}
	return undefined;
}

/** Why no file can be written at `output.path` (a folder, or in a folder that is not there), if so. */
function placeProblem(output: OutputFile): string | undefined {
	const path = resolve(output.path);
	try {
		if (statSync(path).isDirectory())
			return `${output.flag} ${output.path} is a folder; nothing was sent: give ${output.flag} a file's path.`;
		return undefined;
	} catch {
		// Not there: its folder must be.
	}
	try {
		if (statSync(dirname(path)).isDirectory()) return undefined;
	} catch {
		// Not there either.
	}
	return `${output.flag} ${output.path}: the folder ${dirname(output.path)} does not exist; nothing was sent: create it, or give another path.`;
}

/** What a state's store keeps beside it (`stateFiles`), by the suffix of its name. */
const SIDE_SUFFIXES = [".bak", ".lock", ".tmp", ".lock.takeover"] as const;

/**
 * A file kept beside another import's state: its lock (a run holding it would be run beside),
 * its backup, its temporary file (adversarial finding AI2). Told by the state it is named after.
 */
function sideFileOfState(path: string): string | undefined {
	for (const suffix of SIDE_SUFFIXES) {
		if (!path.endsWith(suffix)) continue;
		const state = path.slice(0, -suffix.length);
		if (kindOfOwnFile(state, "") === OWN_FORMATS["pivotal-tui-checkpoint"])
			return `kept beside ${state}, the state of a pivotal-tui import`;
	}
	return undefined;
}

/** The files this tool writes that no output may replace, by the format their first line names. */
const OWN_FORMATS: Readonly<Record<string, string>> = {
	"pivotal-tui-checkpoint": "the state of a pivotal-tui import",
	"pivotal-tui-plan": "a pivotal-tui plan file",
};

/**
 * What an existing regular file at `path` is, when it is one of this tool's own (`OWN_FORMATS`)
 * that `flag` may not replace: a plan made again over the last one (`--plan-out`) may.
 */
function kindOfOwnFile(path: string, flag: string): string | undefined {
	let fd: number | undefined;
	try {
		// A FIFO or a device is never read here: opening one for reading could wait for a writer.
		if (!statSync(path).isFile()) return undefined;
		fd = openSync(path, "r");
		const head = Buffer.alloc(256);
		const read = readSync(fd, head, 0, head.length, 0);
		const format = /^\s*\{\s*"format"\s*:\s*"([a-z-]+)"/.exec(head.toString("utf8", 0, read))?.[1];
		if (format === "pivotal-tui-plan" && flag === "--plan-out") return undefined;
		// The state itself, named as the file the run keeps it in.
		if (format === "pivotal-tui-checkpoint" && flag === "--checkpoint") return undefined;
		return format === undefined ? undefined : OWN_FORMATS[format];
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
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
