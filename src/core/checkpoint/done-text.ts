/**
 * The quick comparison of a refresh (quick-unchanged.ts) on a state held as text or parsed: the
 * counterpart of done-bytes.ts for the states a `StateMap` keeps outside its arena, or in its
 * cache. A state's text is compared with the row's values' JSON without parsing the state.
 */

import type { RecordState } from "../../model/records.js";

export type DoneState = Extract<RecordState, { s: "done" }>;

/** How a done state's JSON begins as the stores write it (`s` first); other spellings take the slow path. */
export const DONE = '{"s":"done",';
/** The row's values' JSON as UTF-8, for `sameDoneLength`: grown as needed, reused. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** Writes `json` as UTF-8 at the start of the scratch buffer (`scratchBytes`) and answers its length in bytes. */
export function toScratch(json: string): number {
	if (json.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(json.length * 3);
	return scratch.write(json, 0, "utf8");
}

/** The buffer `toScratch` wrote to last. */
export function scratchBytes(): Buffer {
	return scratch;
}

/**
 * Where the `"v":` member of `text` (a state's JSON) starts, when it is a done state whose
 * top-level `v` is exactly `valuesJson`; else -1. The `v` found is the top-level one: no `{` or
 * `[` comes before it (the members before it are scalars), and a `"v":` outside a nested value
 * can only be a key, since a quote inside a JSON string is always escaped. A JSON value that
 * starts at a position and ends where a member ends there is that member's whole value.
 */
export function valuesAt(text: string, valuesJson: string): number {
	if (!text.startsWith(DONE)) return -1;
	const at = text.indexOf('"v":', DONE.length - 1);
	// A quote after a comma is not an escaped one: it opens a key.
	if (at < 0 || text.charCodeAt(at - 1) !== 0x2c || !text.startsWith(valuesJson, at + 4)) return -1;
	const nested = text.indexOf("{", 1);
	if ((nested >= 0 && nested < at) || text.lastIndexOf("[", at) >= 0) return -1;
	const end = at + 4 + valuesJson.length;
	const next = text.charCodeAt(end);
	// `,` or `}` after the value.
	if (next !== 0x2c && next !== 0x7d) return -1;
	// JSON.parse keeps the last of a repeated key: a second `s` or `v` outside the values (a
	// hand-edited file, or a key of that name nested in a revision) is left to it.
	const s = text.indexOf('"s":', 2);
	if ((s >= 0 && s < at) || text.includes('"s":', end) || text.includes('"v":', end)) return -1;
	return at;
}

/** `text` without its `"v":valuesJson` member (see `valuesAt`), or undefined. */
export function withoutValues(text: string, valuesJson: string): string | undefined {
	const at = valuesAt(text, valuesJson);
	// The `,` before "v" goes with it.
	return at < 0 ? undefined : `${text.slice(0, at - 1)}${text.slice(at + 4 + valuesJson.length)}`;
}

/** A parsed state done with values of exactly this JSON. */
export function isDoneWith(state: RecordState, valuesJson: string): state is DoneState {
	return state.s === "done" && state.v !== undefined && JSON.stringify(state.v) === valuesJson;
}
