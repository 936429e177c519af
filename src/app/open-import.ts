/**
 * Open an import: read how the files are to be read (map, encoding, delimiter), validate every
 * row, leave invalid rows out when asked, and read the state. Nothing is sent; every refusal is
 * the sentences a person reads (file:line:col and what to do) and exit code 2.
 */

import { access } from "node:fs/promises";
import { createsInDoubtOf } from "../core/checkpoint/creates-in-doubt.js";
import type { CheckpointData } from "../core/checkpoint/index.js";
import { defaultCheckpointPath } from "../core/engine.js";
import { EXIT } from "../core/exit-codes.js";
import { otherServer } from "../core/open-state.js";
import type { SourceFiles } from "../core/run-types.js";
import {
	beginFirstRead,
	defaultMapPath,
	endEarlyRead,
	formatProblem,
	type InvalidRow,
	type Problem,
	type SourceCheck,
	type SourceOptions,
	skipInvalid,
} from "../source/index.js";
import { type CheckedImport, checkImport } from "./check-import.js";
import { type Outcome, refusal } from "./outcome.js";
import type { PlanImportOptions } from "./plan-import.js";
import { type DatabaseState, readStateHeld, type StateOptions } from "./read-state.js";
import { readSourceOptions, type SourceReadOptions } from "./source-options.js";

export interface OpenImportOptions extends SourceReadOptions, StateOptions {
	readonly files: SourceFiles;
	/** The server the run will talk to: a state made against another is refused. */
	readonly baseUrl: string;
	/** Set the state aside and start over. @default false */
	readonly fresh?: boolean | undefined;
	/** Import the valid rows, list the invalid ones, block their children. @default false */
	readonly skipInvalid?: boolean | undefined;
	/** Refuse a state of another server (a dry run, which sends nothing, does not). @default true */
	readonly checkServer?: boolean | undefined;
	/** Told of the rows `skipInvalid` leaves out, as soon as validation has found them. */
	readonly onSkipped?: ((skipped: SkippedRows) => void) | undefined;
	/**
	 * The options `planImport` will be given (the same object): the files are then planned in
	 * the read that validates them, so a sound import reads each file once before its run.
	 */
	readonly plan?: PlanImportOptions | undefined;
}

/** The rows `--skip-invalid` leaves out. */
export interface SkippedRows {
	/** The first problems, one line each, and a line counting the rest. */
	readonly lines: readonly string[];
	readonly rows: readonly InvalidRow[];
}

/** An import ready to plan: valid sources and the state they are planned against. */
export interface OpenedImport {
	readonly files: SourceFiles;
	/** How the files are read, with the invalid rows left out when there are any. */
	readonly source: SourceOptions;
	readonly check: SourceCheck;
	/** The map file the sources are read through, as given. */
	readonly mapPath: string | undefined;
	/** Rows left out by `skipInvalid`. */
	readonly invalid: readonly InvalidRow[];
	/** The state as read (undefined: none, or `fresh`). */
	readonly state: CheckpointData | undefined;
	/** A state of this import exists (set aside by `fresh` or not): a run resumes or syncs it. */
	readonly hasState: boolean;
	/** The state file, or the database and import name as shown (never a password). */
	readonly statePath: string;
	readonly database: DatabaseState | undefined;
	readonly baseUrl: string;
	readonly fresh: boolean;
	/**
	 * `fresh`: creates the state set aside holds that may have made records in Pivotal (sent with
	 * no answer, or landed and not found since). The new state does not know them (finding AF5).
	 */
	readonly setAsideInDoubt?: number;
	/** The plan made in the validation read (every row passed), and the options it was made with. */
	readonly planned?: CheckedImport["planned"];
}

/** At most this many problems are listed; the rest are counted. */
export const SHOWN_PROBLEMS = 20;

export async function openImport(options: OpenImportOptions): Promise<Outcome<OpenedImport>> {
	const { files, database } = options;
	const statePath = database?.where ?? options.statePath ?? defaultCheckpointPath(files.customers);
	const given = await readSourceOptions(options);
	if (!given.ok) return given;
	const fresh = options.fresh === true;
	// The state is read before the files so that they are checked and planned in one read; a
	// state that cannot be read is refused after the input's problems, as before. The customers
	// file's thread begins parsing while the state is read.
	const begun = fresh ? undefined : beginFirstRead(files, given.value);
	let read: Awaited<ReturnType<typeof readStateHeld>> | { ok: true; value: undefined };
	try {
		read = fresh ? { ok: true as const, value: undefined } : await readStateHeld(statePath, database);
	} catch (error) {
		await endEarlyRead(begun);
		throw error;
	}
	// Planned in the read that validates (the wizard's plan step calls checkImport the same way).
	const { check, planned } = await checkImport(
		{ files, source: given.value, state: read.ok ? read.value : undefined },
		{ plan: read.ok ? options.plan : undefined, begun },
	);
	const skip = options.skipInvalid === true && check.problemCount > 0 ? skipInvalid(check) : undefined;
	let source = given.value;
	let invalid: readonly InvalidRow[] = [];
	if (skip?.ok === true) {
		options.onSkipped?.({ lines: problemLines(check.problems, check.problemCount), rows: skip.rows });
		source = { ...given.value, skipLines: skip.skipLines };
		invalid = skip.rows;
	} else if (check.problemCount > 0) {
		return refusal(await invalidSentences(options, check), EXIT.usage);
	}
	if (!read.ok) return read;
	const state = read.value;
	// Refused before a key is shown to another server (the engine checks again on open).
	const server =
		state && options.checkServer !== false
			? otherServer(state.header, options.baseUrl, statePath)
			: undefined;
	if (server) return refusal(server, EXIT.usage);
	const hasState = database ? state !== undefined : await exists(statePath);
	// What --fresh leaves behind that may be in Pivotal: read only to be said (a state that cannot
	// be read, the usual reason for --fresh, says nothing).
	const aside =
		fresh && hasState ? await readStateHeld(statePath, database).catch(() => undefined) : undefined;
	const setAsideInDoubt = aside?.ok === true && aside.value !== undefined ? createsInDoubtOf(aside.value) : 0;
	return {
		ok: true,
		value: {
			files,
			source,
			check,
			mapPath: options.map,
			invalid,
			state,
			hasState,
			statePath,
			database,
			baseUrl: options.baseUrl,
			fresh,
			...(setAsideInDoubt > 0 ? { setAsideInDoubt } : {}),
			...(planned === undefined ? {} : { planned }),
		},
	};
}

/** The first problems, one line each, and a line counting the rest. */
export function problemLines(problems: readonly Problem[], total: number): string[] {
	const lines = problems.slice(0, SHOWN_PROBLEMS).map(formatProblem);
	const more = total - Math.min(SHOWN_PROBLEMS, problems.length);
	if (more > 0) lines.push(`…and ${more} more problem${more === 1 ? "" : "s"}.`);
	return lines;
}

async function invalidSentences(options: OpenImportOptions, check: SourceCheck): Promise<string> {
	const lines = problemLines(check.problems, check.problemCount);
	const saved = defaultMapPath(options.files.customers);
	if (options.map === undefined && (await exists(saved)))
		lines.push(
			`A map the wizard saved is beside the customers file: add --map ${saved} to read the files through it.`,
		);
	// --skip-invalid is offered only where it would help: problems in rows, not in the files themselves.
	lines.push(
		options.skipInvalid === true
			? "Nothing was sent: --skip-invalid leaves out invalid rows, but these problems are with the files themselves (header, map or encoding); fix them and run the command again."
			: check.fileProblemCount > 0
				? "Nothing was sent: fix the input and run the command again."
				: "Nothing was sent: fix the input and run the command again (or add --skip-invalid to import the valid rows and list the others).",
	);
	return lines.join("\n");
}

async function exists(path: string): Promise<boolean> {
	try {
		await access(path);
		return true;
	} catch {
		return false;
	}
}
