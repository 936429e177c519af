import { useReducer } from "react";
import type { SourceOptions } from "../../source/index.js";
import { initialWizard, type WizardAction, type WizardState, wizardReducer } from "../model/wizard-state.js";

/** The wizard's step and choices, started with how the command line says the files are read. */
export function useWizard(source: SourceOptions | undefined): [WizardState, (action: WizardAction) => void] {
	return useReducer(wizardReducer, source, initialWizard);
}
