/**
 * The operations a plan file lists, in the order it lists them: every record's operation in file
 * order, pass by pass (rows `--only` leaves out among them), then the records `--delete-missing`
 * deletes, children first. `--plan-out` writes them and `apply` gives them again to compare, from
 * this one function, so the two can only differ when the inputs do.
 */

import type { SourceOptions } from "../../source/index.js";
import type { CheckpointData } from "../checkpoint/index.js";
import type { SourceFiles } from "../run-types.js";
import { makePlan, type SyncPlan } from "./make-plan.js";
import { deleteOperation, type PlanCounts, type PlanOperation, planOperation } from "./plan-file.js";
import type { SyncRules } from "./sync-rules.js";

export interface PlanInputs {
	readonly files: SourceFiles;
	readonly source: SourceOptions;
	readonly state: CheckpointData | undefined;
	readonly retryFailed: boolean;
	readonly recreate: boolean;
	readonly rules: SyncRules;
}

/** Plan the inputs once more, handing each listed operation to `each`; resolves with the plan. */
export function eachPlanOperation(
	inputs: PlanInputs,
	each: (operation: PlanOperation) => void,
): Promise<SyncPlan> {
	return makePlan({
		files: inputs.files,
		source: inputs.source,
		state: inputs.state,
		retryFailed: inputs.retryFailed,
		recreate: inputs.recreate,
		rules: inputs.rules,
		onOperation: (record, op) => {
			const operation = planOperation(record, op, inputs.rules);
			if (operation) each(operation);
		},
		onDelete: (planned) => each(deleteOperation(planned)),
	});
}

/** A pass's counts as the plan file's head keeps them: the planner's operations and the deletes. */
export function planCounts(pass: SyncPlan["passes"][keyof SyncPlan["passes"]]): PlanCounts {
	return { ...pass.ops, delete: pass.deleteCount ?? 0 };
}
