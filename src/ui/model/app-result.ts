/**
 * How the TUI ends and where its reports go: the exit code with the lines printed once Ink has
 * let go of the terminal, and the paths of the CSV files written beside the customers file.
 */

import { lstatSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { refuseClobber } from "../../app/output-paths.js";
import { escapeControls } from "../../model/terminal-text.js";

/** How the TUI ended: the exit code, and lines to print once Ink has let go of the terminal. */
export interface AppResult {
	readonly code: number;
	readonly message?: string | undefined;
}

/** What a stopped session was doing: the sentence says which command picks it up again. */
export type SessionKind = "import" | "undo";

export interface StoppedRun {
	readonly kind: SessionKind;
	readonly checkpointPath: string;
	/** The customers file, for the undo command that resumes. */
	readonly customersFile: string;
	/** The files were given on the command line (`pivotal-tui import FILE`). */
	readonly isFixed: boolean;
}

/** `customers.failures.csv` beside `customers.csv` (see `besideCustomers` for the files it never is). */
export function failuresPathFor(customersFile: string, guarded: readonly string[] = []): string {
	return besideCustomers(customersFile, "failures", guarded);
}

/** `customers.results.csv` beside `customers.csv` (see `besideCustomers`). */
export function resultsPathFor(customersFile: string, guarded: readonly string[] = []): string {
	return besideCustomers(customersFile, "results", guarded);
}

/** Other names tried before the file is written where it would replace something it must not. */
const OTHER_NAMES = 50;

/**
 * The wizard names its outputs itself, so it checks them itself: a name that is one of the run's
 * inputs, its map or its state (`guarded`; through a symlink or a hard link too), or that is a
 * symlink, takes a number (`customers.failures-2.csv`) instead of being written over. A contacts
 * file called `customers.failures.csv` (the last failures, fixed and imported again) stays.
 */
function besideCustomers(customersFile: string, what: string, guarded: readonly string[]): string {
	const base = join(dirname(customersFile), `${basename(customersFile, ".csv")}.${what}`);
	const files = guarded.map((path) => ({ what: "an input of the run", path }));
	for (let n = 1; n <= OTHER_NAMES; n++) {
		const path = n === 1 ? `${base}.csv` : `${base}-${n}.csv`;
		if (!isLink(path) && refuseClobber([{ flag: what, path }], files, false) === undefined) return path;
	}
	return `${base}-${process.pid}-${Date.now()}.csv`;
}

function isLink(path: string): boolean {
	try {
		return lstatSync(path).isSymbolicLink();
	} catch {
		return false;
	}
}

/** Exit 3, and the command that resumes: the wizard again for an import, `pivotal-tui undo` for an undo. */
export function interruptedResult(stopped: StoppedRun): AppResult {
	const { checkpointPath } = stopped;
	// Paths are named as drawn: a file name's escape sequences or line breaks shown, not acted on.
	const saved = `Stopped. Progress is saved in ${escapeControls(checkpointPath) || "the checkpoint"}.`;
	if (stopped.kind === "undo") {
		// The wizard would offer to resume the import, which creates again what the undo deleted.
		const named =
			checkpointPath === `${stopped.customersFile}.checkpoint.json`
				? ""
				: ` --checkpoint ${escapeControls(checkpointPath)}`;
		return {
			code: 3,
			message: `${saved}\nRun pivotal-tui undo ${escapeControls(stopped.customersFile)}${named} to finish the undo where it left off.`,
		};
	}
	// The wizard finds checkpoints by their default name in the folder; a command line named its own.
	const again =
		stopped.isFixed || !checkpointPath.endsWith(".checkpoint.json")
			? "Run the same command again"
			: `Run pivotal-tui in ${escapeControls(dirname(checkpointPath))} again`;
	return { code: 3, message: `${saved}\n${again} to resume where it left off.` };
}
