/**
 * `import … --dry-run --plan-out PLAN.json`: the checks before a dry run reads anything. The end
 * of the dry run (the plan saved, its exit code) is plan-save.ts's, loaded only by a dry run.
 */

import { outputPathProblem, stateFiles } from "../app/output-paths.js";
import type { SourceFiles } from "../core/run-types.js";
import { PASSES } from "../model/records.js";
import type { ImportFlags } from "./import-command.js";

/**
 * What `--plan-out`, `--detailed-exitcode` and the output files ask of an import, checked before
 * any file is read: one sentence, or undefined. (Outputs never overwrite an input, the map or the
 * state; a shared check of every output path may replace this one.)
 */
export function checkPlanOutputs(
	files: SourceFiles,
	flags: Pick<
		ImportFlags,
		| "dryRun"
		| "planOut"
		| "detailedExitcode"
		| "summaryMd"
		| "map"
		| "fresh"
		| "skipInvalid"
		| "failuresCsv"
		| "resultsCsv"
	>,
	statePath: string,
	env: Readonly<Record<string, string | undefined>>,
): string | undefined {
	if (!flags.dryRun && flags.planOut !== undefined)
		return "--plan-out goes with --dry-run: pivotal-tui import CUSTOMERS.csv --dry-run --plan-out plan.json";
	if (flags.planOut !== undefined && flags.fresh)
		return "--plan-out cannot go with --fresh: apply runs against the state as it is; move the state aside first, then plan.";
	// apply reads the files whole and refuses any invalid row: a plan that leaves rows out could
	// never be applied, and "plan again" would give it again (adversarial finding O15).
	if (flags.planOut !== undefined && flags.skipInvalid)
		return "--plan-out cannot go with --skip-invalid: apply refuses files with invalid rows; fix or remove those rows, then plan.";
	if (!flags.dryRun && flags.detailedExitcode)
		return "--detailed-exitcode goes with --dry-run: it says whether the plan has changes (exit 5) or none (exit 0).";
	const stepSummary = env.GITHUB_STEP_SUMMARY;
	return outputPathProblem(
		[
			...(flags.planOut ? [{ what: "--plan-out", path: flags.planOut }] : []),
			...(flags.failuresCsv ? [{ what: "--failures-csv", path: flags.failuresCsv }] : []),
			...(flags.resultsCsv ? [{ what: "--results-csv", path: flags.resultsCsv }] : []),
			...(flags.summaryMd ? [{ what: "--summary-md", path: flags.summaryMd }] : []),
			...(stepSummary ? [{ what: "$GITHUB_STEP_SUMMARY", path: stepSummary }] : []),
		],
		[
			...PASSES.flatMap((pass) => {
				const file = files[pass];
				return file ? [{ what: `the ${pass} file`, path: file }] : [];
			}),
			...(flags.map ? [{ what: "the map", path: flags.map }] : []),
			...stateFiles(statePath),
		],
	);
}
