import { useInput } from "ink";
import type { MappingAction, MappingPhase } from "../model/mapping-state.js";

/**
 * Keys of the mapping step: ↑/↓ move, ←/→ change the choice, Enter goes on, Esc goes back (out of
 * the step from the column list). Listens only while `isActive`.
 */
export function useMappingInput(
	phase: MappingPhase,
	dispatch: (action: MappingAction) => void,
	onBack: () => void,
	isActive: boolean,
): void {
	useInput(
		(_input, key) => {
			if (key.upArrow) dispatch({ type: "move", delta: -1 });
			else if (key.downArrow) dispatch({ type: "move", delta: 1 });
			else if (key.pageUp) dispatch({ type: "move", delta: -8 });
			else if (key.pageDown) dispatch({ type: "move", delta: 8 });
			else if (key.leftArrow) dispatch({ type: "cycle", delta: -1 });
			else if (key.rightArrow || key.tab) dispatch({ type: "cycle", delta: 1 });
			else if (key.return) dispatch({ type: "confirm" });
			else if (key.escape) {
				if (phase.kind === "columns") onBack();
				else dispatch({ type: "back" });
			}
		},
		{ isActive: isActive && (phase.kind === "columns" || phase.kind === "values") },
	);
}
