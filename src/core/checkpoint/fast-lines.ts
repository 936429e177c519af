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

/** Where the parts of a done record's line lie in its buffer (`doneLineAt`). */
export interface DoneLine {
	pass: PassName;
	keyStart: number;
	keyEnd: number;
	stateStart: number;
	stateEnd: number;
	outcome: "created" | "existed";
}

/**
 * Reads the line at `bytes[start, end)` into `into` when it is a done record as written here;
 * false when it is not (it is then parsed in full). Byte loops over the line's head, and no view
 * made: a load takes a million lines, and a native search or a view per part cost more than the
 * bytes it reads (the head is short).
 */
export function doneLineAt(bytes: Buffer, start: number, end: number, into: DoneLine): boolean {
	if (end - start < LINE_HEAD.length || !holds(bytes, LINE_HEAD, start) || bytes[end - 1] !== CLOSE)
		return false;
	const pass = passAt(bytes, start + LINE_HEAD.length, end);
	if (pass === undefined) return false;
	const keyStart = start + LINE_HEAD.length + pass.bytes.length;
	// The key's end: the first quote, the key taken only without a backslash before it.
	let keyEnd = keyStart;
	while (keyEnd < end && bytes[keyEnd] !== QUOTE) {
		if (bytes[keyEnd] === BACKSLASH) return false;
		keyEnd++;
	}
	if (keyEnd >= end) return false;
	const stateStart = keyEnd + 6;
	const stateEnd = end - 1;
	// `","v":` after the key: `"` closes it, then `,"v":`.
	if (
		bytes[keyEnd + 1] !== 0x2c ||
		!holdsWithin(bytes, VALUES, keyEnd + 2, end) ||
		!holdsWithin(bytes, DONE, stateStart, end)
	)
		return false;
	// The first `"outcome":"` and the first `"id":"` of the state, both before its first `"v":`.
	const outcomeAt = beforeValues(bytes, stateStart, stateEnd, OUTCOME);
	if (outcomeAt < 0) return false;
	// A done record has its Pivotal id before its values: one without is left to the full check.
	if (beforeValues(bytes, stateStart, stateEnd, ID) < 0) return false;
	const word = outcomeAt + OUTCOME.length;
	const outcome = holdsWithin(bytes, CREATED, word, stateEnd)
		? "created"
		: holdsWithin(bytes, EXISTED, word, stateEnd)
			? "existed"
			: undefined;
	if (outcome === undefined) return false;
	into.pass = pass.pass;
	into.keyStart = keyStart;
	into.keyEnd = keyEnd;
	into.stateStart = stateStart;
	into.stateEnd = stateEnd;
	into.outcome = outcome;
	return true;
}

/** A `DoneLine` for `doneLineAt` to fill, line after line (one object, no garbage per line). */
export function emptyDoneLine(): DoneLine {
	return { pass: "customers", keyStart: 0, keyEnd: 0, stateStart: 0, stateEnd: 0, outcome: "created" };
}

const found = emptyDoneLine();

/**
 * Takes the record `line` into `maps` when it is a done record as written here (`doneLineAt`);
 * false when it is not (the caller parses it). `isDuplicate` is told of a key a pass already
 * holds (and throws).
 */
export function takeDoneLine(
	line: Uint8Array,
	maps: Record<PassName, StateMap>,
	isDuplicate: (pass: PassName, key: string) => never,
): boolean {
	const bytes = Buffer.isBuffer(line) ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength);
	if (!doneLineAt(bytes, 0, bytes.length, found)) return false;
	const key = bytes.toString("utf8", found.keyStart, found.keyEnd);
	if (!maps[found.pass].loadDoneAt(key, found.outcome, bytes, found.stateStart, found.stateEnd))
		isDuplicate(found.pass, key);
	return true;
}

/** The pass whose name follows the line's head, with the bytes that spell it there. */
function passAt(bytes: Buffer, at: number, end: number): (typeof HEADS)[number] | undefined {
	for (const head of HEADS) if (holdsWithin(bytes, head.bytes, at, end)) return head;
	return undefined;
}

/** Where `bytes[start, end)` holds `part` within it, as `holds` within a state. */
function holdsWithin(bytes: Buffer, part: Uint8Array, at: number, end: number): boolean {
	return at + part.length <= end && holds(bytes, part, at);
}

/**
 * Where `part` (a mark starting with a quote) first occurs in `bytes[start, end)`, when that is
 * before the first `"v":` there; -1 when it is not there, or only after it.
 */
function beforeValues(bytes: Buffer, start: number, end: number, part: Uint8Array): number {
	for (let i = start; i < end; i++) {
		if (bytes[i] !== QUOTE) continue;
		if (holdsWithin(bytes, part, i, end)) return i;
		if (holdsWithin(bytes, VALUES, i, end)) return -1;
	}
	return -1;
}

const ID = Buffer.from('"id":"');
const CREATED = Buffer.from('created"');
const EXISTED = Buffer.from('existed"');
