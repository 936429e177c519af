import { useReducer } from "react";
import type { PassName } from "../../model/records.js";
import type { MapSection } from "../../source/index.js";
import {
	initialMapping,
	type MappingAction,
	type MappingState,
	mappingReducer,
} from "../model/mapping-state.js";

/** The mapping step's state for one file, started from the saved section or the suggestions. */
export function useMappingState(
	pass: PassName,
	header: readonly string[],
	sample: readonly (readonly string[])[],
	saved: MapSection | undefined,
): [MappingState, (action: MappingAction) => void] {
	return useReducer(mappingReducer, undefined, () => initialMapping(pass, header, sample, saved));
}
