import type { RunOutcome } from "../../core/events.js";
import type { ImportSummary } from "../../core/run-types.js";

/** Documented exit codes: 0 all done, 1 some failed, 2 bad input, 3 interrupted, 4 key refused. */
export const EXIT = { ok: 0, failures: 1, usage: 2, interrupted: 3, auth: 4 } as const;

export function exitCodeFor(outcome: RunOutcome, summary?: ImportSummary): number {
	switch (outcome) {
		case "interrupted":
			return EXIT.interrupted;
		case "auth-failed":
			return EXIT.auth;
		case "circuit-open":
		case "checkpoint-failed":
			return EXIT.failures;
		case "completed": {
			if (!summary) return EXIT.ok;
			const failed = Object.values(summary.passes).some((p) => p.failed > 0 || p.blocked > 0);
			return failed ? EXIT.failures : EXIT.ok;
		}
	}
}
