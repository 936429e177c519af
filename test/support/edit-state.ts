import { readFileSync, writeFileSync } from "node:fs";
import { sealState } from "./seal-state.js";

/**
 * Edits a checkpoint file's text as a test stands in for a state some other writer made (an
 * earlier version's keys, a record adopted rather than created). The snapshot's digest and the
 * journal's links are made anew, as that writer would have made them: a digest or a chain that no
 * longer matches is refused as damage.
 */
export function editState(path: string, edit: (text: string) => string): string {
	const text = readFileSync(path, "utf8");
	writeFileSync(path, sealState(edit(text)));
	return text;
}
