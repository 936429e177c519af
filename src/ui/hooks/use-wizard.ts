import { useReducer } from "react";
import type { SourceFiles } from "../../core/run-types.js";
import {
	checkpointPathOf,
	initialWizard,
	sourceFilesOf,
	type WizardAction,
	type WizardState,
	wizardReducer,
} from "../model/wizard-state.js";
import type { UiServices, WizardPrefill } from "../services.js";
import { usePlanCheck } from "./use-plan-check.js";
import { useUndoCheck } from "./use-undo-check.js";

export interface Wizard {
	readonly state: WizardState;
	readonly dispatch: (action: WizardAction) => void;
	readonly files: SourceFiles;
	/** The state the run reads and writes (and the undo takes back). */
	readonly checkpointPath: string;
}

/**
 * The wizard's step and choices, started with how the command line says the files are read;
 * the plan and undo steps' readings run while those steps wait for them.
 */
export function useWizard(
	services: Pick<UiServices, "checkAndPlan" | "planUndo">,
	prefill: WizardPrefill | undefined,
): Wizard {
	const [state, dispatch] = useReducer(wizardReducer, prefill?.source, initialWizard);
	const files = sourceFilesOf(state);
	const checkpointPath = checkpointPathOf(state, prefill?.checkpointPath);
	const { stage } = state;
	usePlanCheck(
		services,
		{
			check: stage.kind === "plan" ? stage.check : undefined,
			files,
			source: state.source,
			checkpointPath,
			isFresh: state.isFresh,
			rules: state.rules,
		},
		dispatch,
	);
	useUndoCheck(services, stage.kind === "undo" ? stage.check : undefined, checkpointPath, dispatch);
	return { state, dispatch, files, checkpointPath };
}
