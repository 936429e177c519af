/**
 * `import … --dry-run --plan-out PLAN.json`: the checks before a dry run reads anything, and the
 * end of the dry run: the plan saved for `apply` (see `core/plan/write-plan-file.ts`), and the
 * exit code `--detailed-exitcode` asks for.
 */

import type { OpenedImport } from "../app/open-import.js";
import { outputPathProblem, stateFiles } from "../app/output-paths.js";
import type { PlannedImport } from "../app/plan-import.js";
import { savePlanFile } from "../app/save-plan.js";
import type { CheckpointData } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import { hasChanges, type PlanHead } from "../core/plan/plan-file.js";
import { planCounts } from "../core/plan/plan-operations.js";
import type { SourceFiles } from "../core/run-types.js";
import { PASSES } from "../model/records.js";
import { hostOf } from "../report/run-report.js";
import type { CommandIo, ImportFlags } from "./import-command.js";

/**
 * The workspace a plan is made for: the state's, or else the key's (one `GET /me`, a read) when
 * a key is set. Undefined when neither is known: `apply` then checks only the server.
 */
export async function planWorkspace(
	state: CheckpointData | undefined,
	baseUrl: string,
	apiKey: string | undefined,
): Promise<{ id: string; name: string } | undefined> {
	if (state?.header.workspace) return state.header.workspace;
	if (!apiKey) return undefined;
	// Loaded here, not at start-up: a dry run without a key sends nothing (see connect-keys.ts).
	const { createClient } = await import("../api/client.js");
	const client = createClient({ baseUrl, apiKey, timeouts: { headersMs: 10_000, bodyMs: 10_000 } });
	try {
		const me = await client.me();
		return { id: me.data.organization.id, name: me.data.organization.name };
	} catch {
		// The dry run needs no key; the apply checks the key's workspace itself.
		return undefined;
	} finally {
		await client.close();
	}
}

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

export interface SavePlanInput {
	readonly flags: Pick<ImportFlags, "planOut" | "detailedExitcode">;
	readonly opened: OpenedImport;
	readonly planned: PlannedImport;
	readonly io: CommandIo;
	readonly keys: readonly { readonly secret: string }[];
	readonly say: (text: string) => void;
}

/** The end of a dry run: the plan saved when asked, and its exit code. */
export async function savePlan(input: SavePlanInput): Promise<number> {
	const { flags, io, opened, planned } = input;
	const { plan } = planned;
	if (io.report) Object.assign(io.report, { dryRun: true, plan, host: hostOf(opened.baseUrl) ?? "" });
	if (flags.planOut) {
		const workspace = await planWorkspace(opened.state, opened.baseUrl, input.keys[0]?.secret);
		await savePlanFile(flags.planOut, opened, planned, { workspace });
		if (io.report) {
			io.report.planFile = flags.planOut;
			if (workspace) io.report.workspace = workspace.name;
		}
		input.say(`Plan saved to ${flags.planOut}; after review: pivotal-tui apply ${flags.planOut}`);
	}
	const counts = Object.fromEntries(
		PASSES.map((pass) => [pass, planCounts(plan.passes[pass])]),
	) as PlanHead["counts"];
	return flags.detailedExitcode && hasChanges(counts) ? EXIT.planHasChanges : EXIT.ok;
}
