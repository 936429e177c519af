import { useEffect } from "react";
import type { UndoCheck, WizardAction } from "../model/wizard-state.js";
import type { UiServices } from "../services.js";

/** The undo step's reading: what undoing the last run would do, from the state on disk. */
export function useUndoCheck(
	services: Pick<UiServices, "planUndo">,
	check: UndoCheck | undefined,
	checkpointPath: string,
	dispatch: (action: WizardAction) => void,
): void {
	const isChecking = check?.kind === "checking";
	useEffect(() => {
		if (!isChecking) return;
		let isCancelled = false;
		services.planUndo(checkpointPath).then(
			(preview) => !isCancelled && dispatch({ type: "undo-planned", preview }),
			(error: unknown) =>
				!isCancelled &&
				dispatch({ type: "undo-failed", message: error instanceof Error ? error.message : String(error) }),
		);
		return () => {
			isCancelled = true;
		};
	}, [isChecking, services, checkpointPath, dispatch]);
}
