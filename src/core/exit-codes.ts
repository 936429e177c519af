import type { RunOutcome } from "./events.js";
import type { ImportSummary } from "./run-types.js";

/** The command line's exit codes (DESIGN.md). */
export const EXIT = {
	/** Every record done. */
	ok: 0,
	/** Finished; some records failed or were blocked. */
	someFailed: 1,
	/** Bad usage or invalid input; nothing was sent. */
	usage: 2,
	/** Interrupted; the checkpoint resumes it. */
	interrupted: 3,
	/** The API key was refused. */
	auth: 4,
	/** A dry run with `--detailed-exitcode`: the plan has changes. */
	planHasChanges: 5,
	/** Another run holds this import's state; nothing was sent. */
	locked: 6,
} as const;

export function exitCodeFor(summary: Pick<ImportSummary, "outcome" | "passes">): number {
	const outcome: RunOutcome = summary.outcome;
	switch (outcome) {
		case "completed":
			// Every pass the summary holds: `--version` loads this file, and not the table of resources.
			return Object.values(summary.passes).some((p) => p.failed + p.blocked > 0) ? EXIT.someFailed : EXIT.ok;
		case "auth-failed":
			return EXIT.auth;
		case "interrupted":
		case "circuit-open":
		case "checkpoint-failed":
			return EXIT.interrupted;
	}
}
