/**
 * An opened import's plan: one operation per record (create, update, unchanged, blocked,
 * delete…) against the state, and how long sending it would take. Read only: nothing is sent.
 */

import { defaultConcurrency } from "../core/engine.js";
import { estimateDurationMs } from "../core/estimate.js";
import { type MakePlanOptions, makePlan, type SyncPlan } from "../core/plan/make-plan.js";
import type { SyncRules } from "../core/plan/sync-rules.js";
import { defaultPoolLimit } from "./key-limits.js";
import type { OpenedImport } from "./open-import.js";
import { rulesProblem, runOptionsProblem } from "./option-checks.js";

export interface PlanImportOptions {
	/** `--only`, `--empty`, `--keep-pivotal-edits`, `--delete-missing`, `--max-deletes`. @default none */
	readonly rules?: SyncRules | undefined;
	/** Send records that failed for good in an earlier run again. @default false */
	readonly retryFailed?: boolean | undefined;
	/** Create records again that were deleted in Pivotal since the last sync. @default false */
	readonly recreate?: boolean | undefined;
	/** Every record's operation, in file order, as it is planned (NDJSON lines). */
	readonly onOperation?: MakePlanOptions["onOperation"];
	/** Every record `--delete-missing` would delete, children first. */
	readonly onDelete?: MakePlanOptions["onDelete"];
	/** Count what each rule would change even when off (a screen of toggles). @default false */
	readonly preview?: boolean | undefined;
	/** No run follows (a dry run): no copy of the records is kept for one. @default false */
	readonly isPlanOnly?: boolean | undefined;
	/** The keys the run will use, for the estimate (their default limits). @default one live key */
	readonly keys?: readonly string[] | undefined;
	/** The server's rate-limit window, when told. @default 60000 */
	readonly windowMs?: number | undefined;
	/** Requests in flight at most. @default chosen from the keys' limit */
	readonly concurrency?: number | undefined;
}

export interface PlannedImport {
	readonly plan: SyncPlan;
	/** The rules it was made under (the plan file carries them for `apply`). */
	readonly rules: SyncRules;
	readonly retryFailed: boolean;
	readonly recreate: boolean;
	/** Requests per window the estimate assumed: the keys' default limits. */
	readonly limit: number;
	/** How long sending the plan would take at that limit, ms. */
	readonly estimateMs: number;
}

/**
 * The plan of an opened import. When `openImport` was given these very `options` (the same
 * object, as `plan`) and every row passed, the plan was made in the validation read and is
 * taken as it is; else the files are read for it (with what validation learnt of them).
 */
export async function planImport(
	// Only what the plan reads: the wizard plans files it has validated itself.
	opened: Pick<OpenedImport, "files" | "source" | "state"> & Partial<Pick<OpenedImport, "check" | "planned">>,
	options: PlanImportOptions = {},
): Promise<PlannedImport> {
	// A plan has no refusal to answer with: a rule the command line could never pass is a
	// caller's mistake, said in one sentence.
	const problem = rulesProblem(options.rules) ?? runOptionsProblem(options);
	if (problem !== undefined) throw new TypeError(problem);
	const rules = options.rules ?? {};
	const retryFailed = options.retryFailed === true;
	const recreate = options.recreate === true;
	const plan =
		opened.planned !== undefined && opened.planned.options === options
			? opened.planned.plan
			: await makePlan(makePlanOptionsOf(opened, options), opened.check?.known);
	const limit = defaultPoolLimit(options.keys ?? []);
	const estimateMs = estimateDurationMs({
		requests: plan.requests,
		limit,
		...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
		concurrency: options.concurrency ?? defaultConcurrency(limit),
	});
	return { plan, rules, retryFailed, recreate, limit, estimateMs };
}

/** What `makePlan` (or `checkAndPlan`) is given for an opened import's files, source and state. */
export function makePlanOptionsOf(
	opened: Pick<OpenedImport, "files" | "source" | "state">,
	options: PlanImportOptions,
): MakePlanOptions {
	return {
		files: opened.files,
		source: opened.source,
		state: opened.state,
		retryFailed: options.retryFailed === true,
		recreate: options.recreate === true,
		rules: options.rules ?? {},
		...(options.onOperation ? { onOperation: options.onOperation } : {}),
		...(options.onDelete ? { onDelete: options.onDelete } : {}),
		...(options.preview ? { preview: true } : {}),
		...(options.isPlanOnly ? { isPlanOnly: true } : {}),
	};
}
