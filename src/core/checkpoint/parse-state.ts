import type { RecordState } from "../../model/records.js";
import { CheckpointError, FRESH_WAY_ELSEWHERE } from "./checkpoint-error.js";
import { isRecordState } from "./checkpoint-format.js";

/**
 * A state's text parsed. A load takes the lines of a snapshot whose digest matches unparsed, so a
 * line damaged under a digest made to match shows only here: refused in one sentence, never a
 * parse error out of the middle of a run.
 */
export function parseState(key: string, text: string, isWhole = true): RecordState {
	let state: unknown;
	try {
		state = JSON.parse(text);
	} catch {
		state = undefined;
	}
	// A whole state is checked as a load's full check does; a part of one (its members before
	// the values, parsed for a quick read) only for its kind.
	if (isWhole ? isRecordState(state) : typeof (state as { s?: unknown } | null)?.s === "string")
		return state as RecordState;
	throw new CheckpointError({
		code: "corrupt",
		path: "",
		message: `The state's record ${JSON.stringify(key)} is damaged (it does not read as a record's state); nothing more is sent: restore the state from its backup, or start over with --fresh.`,
		withoutFresh: `The state's record ${JSON.stringify(key)} is damaged (it does not read as a record's state); nothing more is sent: restore the state from its backup, or ${FRESH_WAY_ELSEWHERE}.`,
	});
}
