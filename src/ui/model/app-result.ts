/**
 * How the TUI ends and where its reports go: the exit code with the lines printed once Ink has
 * let go of the terminal, and the paths of the CSV files written beside the customers file.
 */

import { basename, dirname, join } from "node:path";

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

/** `customers.failures.csv` beside `customers.csv`. */
export function failuresPathFor(customersFile: string): string {
	return besideCustomers(customersFile, "failures");
}

/** `customers.results.csv` beside `customers.csv`. */
export function resultsPathFor(customersFile: string): string {
	return besideCustomers(customersFile, "results");
}

function besideCustomers(customersFile: string, what: string): string {
	return join(dirname(customersFile), `${basename(customersFile, ".csv")}.${what}.csv`);
}

/** Exit 3, and the command that resumes: the wizard again for an import, `pivotal-tui undo` for an undo. */
export function interruptedResult(stopped: StoppedRun): AppResult {
	const { checkpointPath } = stopped;
	const saved = `Stopped. Progress is saved in ${checkpointPath || "the checkpoint"}.`;
	if (stopped.kind === "undo") {
		// The wizard would offer to resume the import, which creates again what the undo deleted.
		const named =
			checkpointPath === `${stopped.customersFile}.checkpoint.json` ? "" : ` --checkpoint ${checkpointPath}`;
		return {
			code: 3,
			message: `${saved}\nRun pivotal-tui undo ${stopped.customersFile}${named} to finish the undo where it left off.`,
		};
	}
	// The wizard finds checkpoints by their default name in the folder; a command line named its own.
	const again =
		stopped.isFixed || !checkpointPath.endsWith(".checkpoint.json")
			? "Run the same command again"
			: `Run pivotal-tui in ${dirname(checkpointPath)} again`;
	return { code: 3, message: `${saved}\n${again} to resume where it left off.` };
}
