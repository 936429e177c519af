import { useEffect } from "react";
import type { SyncRules } from "../../core/plan/sync-rules.js";
import type { SourceFiles } from "../../core/run-types.js";
import type { SourceOptions } from "../../source/index.js";
import type { PlanCheck, WizardAction } from "../model/wizard-state.js";
import { StateHeldError, type UiServices } from "../services.js";

export interface PlanCheckInput {
	/** The plan step's check; the work starts while it is `checking`. */
	readonly check: PlanCheck | undefined;
	readonly files: SourceFiles;
	readonly source: SourceOptions | undefined;
	readonly checkpointPath: string;
	readonly isFresh: boolean;
	/** The sync rules the plan is made under. */
	readonly rules?: SyncRules | undefined;
}

/**
 * The plan step's reading: validate the files and, when every row is valid, plan them against
 * the state (what is created, updated, left alone) in the same read. Reports through `dispatch`.
 */
export function usePlanCheck(
	services: Pick<UiServices, "checkAndPlan">,
	input: PlanCheckInput,
	dispatch: (action: WizardAction) => void,
): void {
	const isChecking = input.check?.kind === "checking";
	// biome-ignore lint/correctness/useExhaustiveDependencies: the files are fixed by the time the plan step shows
	useEffect(() => {
		if (!isChecking) return;
		let isCancelled = false;
		(async () => {
			// One read validates and plans, as the CLI's: the same refusals, the same plan.
			const { check, plan } = await services.checkAndPlan(
				input.files,
				input.source,
				input.checkpointPath,
				input.isFresh,
				input.rules,
			);
			if (!isCancelled) dispatch({ type: "plan-checked", check, plan });
		})().catch((error: unknown) => {
			if (isCancelled) return;
			const message = error instanceof Error ? error.message : String(error);
			dispatch(
				error instanceof StateHeldError ? { type: "plan-held", message } : { type: "plan-failed", message },
			);
		});
		return () => {
			isCancelled = true;
		};
	}, [isChecking, services]);
}
