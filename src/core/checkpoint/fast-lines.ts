/**
 * The snapshot's record lines taken as written, without parsing them, while their digest is to be
 * proven: a refresh of a million records reads the snapshot it wrote itself, and the JSON parse
 * and check of every line was most of the load. A line is taken when it reads exactly as this
 * program writes a done record (`{"p":PASS,"k":KEY,"v":{"s":"done",…}}`, a key without escapes,
 * its outcome among the members before its values); any other line is left to the full check.
 * The caller hashes every record line as it goes and refuses the state when the digest is not
 * the snapshot's (`DigestMismatch`): a record changed since it was written is damage, even where
 * its line still reads as one.
 */

import { PASSES, type PassName } from "../../model/records.js";
import type { StateMap } from "./state-map.js";

/** The record lines' digest is not the one the snapshot holds: the state is damaged. */
export class DigestMismatch extends Error {}

const LINE_HEAD = Buffer.from('{"p":"');
const DONE = Buffer.from('{"s":"done",');
const OUTCOME = Buffer.from('"outcome":"');
const VALUES = Buffer.from('"v":');
const HEADS = PASSES.map((pass) => ({ pass, bytes: Buffer.from(`${pass}","k":"`) }));
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE = 0x7d;

/** Where `bytes` holds `part` at `at`. A loop: the parts are a few bytes, a native call costs more. */
function holds(bytes: Uint8Array, part: Uint8Array, at: number): boolean {
	if (bytes.length < at + part.length) return false;
	for (let i = 0; i < part.length; i++) if (bytes[at + i] !== part[i]) return false;
	return true;
}

/**
 * Takes the record `line` into `maps` when it is a done record as written here; false when it is
 * not (the caller parses it). `isDuplicate` is told of a key a pass already holds (and throws).
 */
export function takeDoneLine(
	line: Uint8Array,
	maps: Record<PassName, StateMap>,
	isDuplicate: (pass: PassName, key: string) => never,
): boolean {
	const bytes = Buffer.isBuffer(line) ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength);
	if (!holds(bytes, LINE_HEAD, 0) || bytes[bytes.length - 1] !== CLOSE) return false;
	const head = HEADS.find((h) => holds(bytes, h.bytes, LINE_HEAD.length));
	if (head === undefined) return false;
	const keyStart = LINE_HEAD.length + head.bytes.length;
	const keyEnd = bytes.indexOf(QUOTE, keyStart);
	if (keyEnd < 0 || bytes.subarray(keyStart, keyEnd).includes(BACKSLASH)) return false;
	const stateStart = keyEnd + 6;
	// `","v":` after the key: `"` closes it, then `,"v":`.
	if (bytes[keyEnd + 1] !== 0x2c || !holds(bytes, VALUES, keyEnd + 2) || !holds(bytes, DONE, stateStart))
		return false;
	const state = bytes.subarray(stateStart, bytes.length - 1);
	const outcomeAt = state.indexOf(OUTCOME);
	const valuesAt = state.indexOf(VALUES);
	if (outcomeAt < 0 || (valuesAt >= 0 && valuesAt < outcomeAt)) return false;
	// A done record has its Pivotal id before its values: one without is left to the full check.
	const idAt = state.indexOf(ID);
	if (idAt < 0 || (valuesAt >= 0 && valuesAt < idAt)) return false;
	const word = outcomeAt + OUTCOME.length;
	const outcome = holds(state, CREATED, word)
		? "created"
		: holds(state, EXISTED, word)
			? "existed"
			: undefined;
	if (outcome === undefined) return false;
	const key = bytes.toString("utf8", keyStart, keyEnd);
	if (!maps[head.pass].loadDone(key, outcome, state)) isDuplicate(head.pass, key);
	return true;
}

const ID = Buffer.from('"id":"');
const CREATED = Buffer.from('created"');
const EXISTED = Buffer.from('existed"');
