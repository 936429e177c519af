/**
 * The quick comparison of a refresh (quick-unchanged.ts) read on a done state's UTF-8 bytes as
 * the text arena keeps them, without decoding the state into a string: the planner asks it of
 * every row of a refresh, and decoding each state (a few hundred bytes) cost more than comparing.
 * Every mark it looks for is ASCII, and an ASCII byte is never part of a multi-byte UTF-8
 * character, so a position found in the bytes is the same member the text would show.
 */

import { MISMATCH, matchJson } from "./json-match.js";

/** How a done state's JSON begins as the stores write it (`s` first); other spellings take the slow path. */
export const DONE_BYTES = Buffer.from('{"s":"done",');

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const CLOSE = 0x7d;

/** Is `"<name>":` (a one-letter key) at `i`? */
function isKeyAt(bytes: Buffer, i: number, name: number): boolean {
	return bytes[i] === QUOTE && bytes[i + 1] === name && bytes[i + 2] === QUOTE && bytes[i + 3] === COLON;
}

const V = 0x76;
const S = 0x73;

/**
 * Where the `"v":` member starts in the state held at `bytes[start, end)`, when it is a done
 * state whose top-level `v` is exactly `values[0, length)` (the row's values' JSON, UTF-8); else
 * -1. The same answer as `valuesAt` on the decoded text (state-map.ts), read the same way: the
 * first `"v":`, after a comma, with no `{`, `[` nor second `"s":` before it (the members before
 * it are scalars, so it is the top-level key), the row's bytes next, then `,` or `}`, and no
 * `"s":` or `"v":` after them (JSON.parse keeps the last of a repeated key).
 */
export function valuesAtBytes(
	bytes: Buffer,
	start: number,
	end: number,
	values: Buffer,
	length: number,
): number {
	const at = valuesKeyAt(bytes, start, end);
	if (at < 0) return -1;
	const after = at + 4 + length;
	if (after >= end || bytes.compare(values, 0, length, at + 4, after) !== 0) return -1;
	return isValuesEnd(bytes, after, end) ? at : -1;
}

/**
 * `valuesAtBytes` with the row's values themselves, compared with the state's bytes without
 * writing their JSON (json-match.ts): the UTF-8 length of their JSON when the state is done with
 * exactly those values; `MISMATCH` when it is not; `UNSURE` when the values hold a kind that
 * comparison does not read (the caller compares their JSON with `valuesAtBytes`).
 */
export function valuesLengthAtBytes(bytes: Buffer, start: number, end: number, values: unknown): number {
	const at = valuesKeyAt(bytes, start, end);
	if (at < 0) return MISMATCH;
	const after = matchJson(values, bytes, at + 4, end);
	if (after < 0) return after;
	return after < end && isValuesEnd(bytes, after, end) ? after - (at + 4) : MISMATCH;
}

/**
 * Where the top-level `"v":` key starts in the done state at `bytes[start, end)`: the first one,
 * after a comma, with no `{`, `[` nor `"s":` before it (the members before it are scalars); -1
 * when there is none so spelt.
 */
function valuesKeyAt(bytes: Buffer, start: number, end: number): number {
	const head = DONE_BYTES.length;
	if (!holdsAt(bytes, start, end, DONE_BYTES)) return -1;
	for (let i = start + head - 1; i + 4 <= end; i++) {
		const byte = bytes[i];
		if (byte === 0x7b || byte === 0x5b) return -1;
		if (byte !== QUOTE) continue;
		// A quote after a comma is not an escaped one: it opens a key.
		if (isKeyAt(bytes, i, V)) return bytes[i - 1] === COMMA ? i : -1;
		if (isKeyAt(bytes, i, S)) return -1;
	}
	return -1;
}

/** The values end at `after`: a `,` or `}` next, and no `"s":` or `"v":` after them (JSON.parse keeps the last). */
function isValuesEnd(bytes: Buffer, after: number, end: number): boolean {
	const next = bytes[after];
	if (next !== COMMA && next !== CLOSE) return false;
	for (let i = after; i + 4 <= end; i++) if (isKeyAt(bytes, i, S) || isKeyAt(bytes, i, V)) return false;
	return true;
}

/**
 * The members of a done state before its values, when its `"v":` member holds `length` bytes
 * (as the plan's quick comparison found) and no member after them is an `"r"` of `run`: the
 * text of those members as an object (`{…}`), for the caller to parse; undefined otherwise
 * (the caller reads the state whole). See `StateMap.quickCopy`.
 */
export function headBeforeValues(
	bytes: Buffer,
	start: number,
	end: number,
	length: number,
	run: number,
): string | undefined {
	const head = DONE_BYTES.length;
	if (!holdsAt(bytes, start, end, DONE_BYTES)) return undefined;
	let at = -1;
	for (let i = start + head - 1; i + 4 <= end; i++)
		if (isKeyAt(bytes, i, V)) {
			at = i;
			break;
		}
	const after = at + 4 + length;
	// The values end with a `}` followed by the next member's `,` or the state's `}`.
	if (at < 0 || after >= end || bytes[at - 1] !== COMMA || bytes[after - 1] !== CLOSE) return undefined;
	const next = bytes[after];
	if (next !== COMMA && next !== CLOSE) return undefined;
	if (hasRunKey(bytes, after, end)) {
		const tail = bytes.toString("utf8", after, end);
		for (const match of tail.matchAll(RUN_MEMBER)) if (Number(match[1]) === run) return undefined;
	}
	return `${bytes.toString("utf8", start, at - 1)}}`;
}

/** Is there an `"r"` in `bytes[from, end)`? Searched by hand: `indexOf` would read on past `end`. */
function hasRunKey(bytes: Buffer, from: number, end: number): boolean {
	for (let i = from; i + 3 <= end; i++)
		if (bytes[i] === QUOTE && bytes[i + 1] === R && bytes[i + 2] === QUOTE) return true;
	return false;
}

const R = 0x72;
/** A `"r":` member (the run that last wrote a record) and its number, however spaced. */
const RUN_MEMBER = /"r"\s*:\s*(\d+)/g;

/**
 * Does `bytes[start, end)` hold `part` (a few ASCII bytes)? Searched by hand, within bounds,
 * stopping only at `part[anchor]`: a JSON text is full of quotes and colons, so a part like
 * `"g":` is looked for by its letter, which a state holds a few times where it holds fifty quotes.
 */
export function holdsWithin(bytes: Buffer, start: number, end: number, part: Buffer, anchor = 0): boolean {
	const mark = part[anchor];
	const last = end - part.length + anchor;
	outer: for (let i = start + anchor; i <= last; i++) {
		if (bytes[i] !== mark) continue;
		const from = i - anchor;
		for (let j = 0; j < part.length; j++) if (bytes[from + j] !== part[j]) continue outer;
		return true;
	}
	return false;
}

const OPEN = 0x7b;
const OPEN_ARRAY = 0x5b;
const BACKSLASH = 0x5c;
const ID = Buffer.from('"id":"');

/**
 * The Pivotal id of the done state held at `bytes[start, end)`, read on its bytes: the first
 * `"id":"` after a comma, with no `{` or `[` before it (the members before it are scalars, so it is
 * the top-level key), its value plain printable ASCII up to the next quote. Undefined for any
 * other spelling (an escape, a non-ASCII byte): the caller parses the state.
 */
export function doneIdAt(bytes: Buffer, start: number, end: number): string | undefined {
	// Byte loops, not Buffer.compare: the parts are a few bytes, a native call costs more.
	if (!holdsAt(bytes, start, end, DONE_BYTES)) return undefined;
	for (let i = start + DONE_BYTES.length; i + ID.length <= end; i++) {
		const b = bytes[i];
		if (b === OPEN || b === OPEN_ARRAY) return undefined;
		if (b !== QUOTE || bytes[i - 1] !== COMMA || !holdsAt(bytes, i, end, ID)) continue;
		const from = i + ID.length;
		for (let j = from; j < end; j++) {
			const c = bytes[j] as number;
			if (c === QUOTE) return j > from ? bytes.toString("latin1", from, j) : undefined;
			if (c === BACKSLASH || c < 0x20 || c >= 0x7f) return undefined;
		}
		return undefined;
	}
	return undefined;
}

/** Does `bytes[at, end)` begin with `part`? */
function holdsAt(bytes: Buffer, at: number, end: number, part: Buffer): boolean {
	if (end - at < part.length) return false;
	for (let i = 0; i < part.length; i++) if (bytes[at + i] !== part[i]) return false;
	return true;
}
