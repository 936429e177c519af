/**
 * The one read before a run: every row of the files is validated and, when the caller says how
 * the plan will be made, planned in the same read (`checkAndPlan`). The CLI (`openImport`) and
 * the wizard's plan step both call it, so they refuse the same rows with the same sentences and
 * plan the same operations; neither reads a file again to plan it.
 */

import type { CheckpointData } from "../core/checkpoint/index.js";
import { checkAndPlan } from "../core/plan/check-and-plan.js";
import type { SyncPlan } from "../core/plan/make-plan.js";
import type { SourceFiles } from "../core/run-types.js";
import { type EarlyRead, type SourceCheck, type SourceOptions, validateSources } from "../source/index.js";
import { makePlanOptionsOf, type PlanImportOptions } from "./plan-import.js";

export interface ImportToCheck {
	readonly files: SourceFiles;
	/** How the files are read (map, encoding, delimiter), already read and checked. */
	readonly source: SourceOptions;
	/** The state the plan is made against (undefined: none, or set aside). */
	readonly state: CheckpointData | undefined;
}

export interface CheckedImport {
	readonly check: SourceCheck;
	/** The plan made in the validation read (every row passed), and the options it was made with. */
	readonly planned?: { readonly options: PlanImportOptions; readonly plan: SyncPlan } | undefined;
}

export interface CheckImportOptions {
	/**
	 * The options `planImport` will be given (the same object): the files are then planned in the
	 * read that validates them. @default validated only
	 */
	readonly plan?: PlanImportOptions | undefined;
	/** At most this many problems are kept (the rest are counted). @default 200 */
	readonly maxProblems?: number | undefined;
	/** The customers file's read, begun while the state was read (`beginFirstRead`). */
	readonly begun?: EarlyRead | undefined;
}

export async function checkImport(
	input: ImportToCheck,
	options: CheckImportOptions = {},
): Promise<CheckedImport> {
	const validate = {
		...(options.maxProblems === undefined ? {} : { maxProblems: options.maxProblems }),
		...(options.begun === undefined ? {} : { begun: options.begun }),
	};
	const planOptions = options.plan;
	if (planOptions === undefined)
		return { check: await validateSources(input.files, { ...input.source, ...validate }) };
	const { check, plan } = await checkAndPlan(makePlanOptionsOf(input, planOptions), validate);
	return { check, ...(plan === undefined ? {} : { planned: { options: planOptions, plan } }) };
}
