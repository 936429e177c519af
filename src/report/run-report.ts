/**
 * What a command leaves for the reports written when it ends (the Markdown summary, the
 * notification): filled in by the command as it learns it, read once the exit code is known.
 */

import type { SyncPlan } from "../core/plan/make-plan.js";
import type { FailureDetail, ImportSummary } from "../core/run-types.js";

export interface RunReport {
	readonly command: "import" | "apply" | "undo";
	/** The server's host (never a URL's path or query, where a webhook or a token may hide). */
	host?: string;
	workspace?: string;
	dryRun?: boolean;
	/** A dry run's plan. */
	plan?: SyncPlan;
	/** Where a dry run saved its plan. */
	planFile?: string;
	summary?: ImportSummary;
	/** This run's own requests (the summary's are summed over every run of the import). */
	session?: { readonly requests: number; readonly rateLimited: number; readonly retries: number };
	/** The failed records, for the first few examples per code. */
	failures?: readonly FailureDetail[];
	/** What a run that finished left undone, in one sentence (an undo's records not taken back). */
	shortOf?: string;
	/** The last sentence the command wrote to stderr: why it refused or stopped. */
	lastProblem?: string;
	/** The first line the command wrote to stderr: for a refused input, its first problem. */
	firstProblem?: string;
	/** Inputs, the map and the state, as the command learns them: a report never overwrites one. */
	inputs: { readonly what: string; readonly path: string }[];
}

/** What a run's exit code says, in one word the reports share (DESIGN.md's exit codes). */
export type RunOutcomeName =
	| "finished"
	/** A dry run that planned (without `--detailed-exitcode`, or with no changes). */
	| "planned"
	| "some-failed"
	| "refused"
	| "interrupted"
	| "auth-refused"
	| "plan-has-changes"
	| "locked"
	| "error";

export function outcomeOf(code: number, isDryRun = false): RunOutcomeName {
	switch (code) {
		case 0:
			return isDryRun ? "planned" : "finished";
		case 1:
			return "some-failed";
		case 2:
			return "refused";
		case 3:
			return "interrupted";
		case 4:
			return "auth-refused";
		case 5:
			return "plan-has-changes";
		case 6:
			return "locked";
		default:
			return "error";
	}
}

/** The host of a URL, or undefined when it is not one. */
export function hostOf(url: string): string | undefined {
	try {
		return new URL(url).host;
	} catch {
		return undefined;
	}
}

/**
 * Why the command refused or stopped, for a report: its last sentence, after its first one when
 * they differ (a refused input's first problem, with file and line, then "Nothing was sent…").
 */
export function problemOf(report: Pick<RunReport, "firstProblem" | "lastProblem">): string | undefined {
	const { firstProblem: first, lastProblem: last } = report;
	return first && last && first !== last ? `${first} ${last}` : last;
}
