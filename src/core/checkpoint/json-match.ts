/**
 * A row's values compared with the JSON bytes a state holds, without writing the row's JSON: the
 * quick comparison of a refresh asks it of every row, and `JSON.stringify` with the UTF-8 copy of
 * its text was most of that comparison's cost. Only the kinds of value a row's body holds are
 * read here, spelt exactly as `JSON.stringify` spells them: strings (UTF-8; those needing an
 * escape are left out), finite numbers (as `String` writes them, which is JSON's spelling),
 * booleans, arrays and plain objects of those. Anything else answers `UNSURE`, and the caller
 * compares the JSON text instead: `null` among them, since a value JSON cannot spell (NaN,
 * undefined) is written as `null` and must not pass for one.
 */

/** The bytes differ from the value's JSON. */
export const MISMATCH = -1;
/** The value holds something this does not read: compare its JSON text instead. */
export const UNSURE = -2;

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Where the JSON of `value` ends in `bytes`, when `bytes[at, end)` starts with exactly that JSON;
 * `MISMATCH` when it does not; `UNSURE` when `value` is of a kind not read here.
 */
export function matchJson(value: unknown, bytes: Uint8Array, at: number, end: number): number {
	switch (typeof value) {
		case "string":
			return matchString(value, bytes, at, end);
		case "number":
			return Number.isFinite(value) ? matchAscii(String(value), bytes, at, end) : UNSURE;
		case "boolean":
			return matchAscii(value ? "true" : "false", bytes, at, end);
		case "object":
			if (value === null) return UNSURE;
			return Array.isArray(value) ? matchArray(value, bytes, at, end) : matchObject(value, bytes, at, end);
		default:
			return UNSURE;
	}
}

function matchArray(value: readonly unknown[], bytes: Uint8Array, at: number, end: number): number {
	if (at >= end || bytes[at] !== 0x5b) return MISMATCH;
	let i = at + 1;
	for (let n = 0; n < value.length; n++) {
		if (n > 0) {
			if (i >= end || bytes[i] !== COMMA) return MISMATCH;
			i++;
		}
		// A hole or undefined is written as null: not read here.
		if (!(n in value) || value[n] === undefined) return UNSURE;
		i = matchJson(value[n], bytes, i, end);
		if (i < 0) return i;
	}
	return i < end && bytes[i] === 0x5d ? i + 1 : MISMATCH;
}

function matchObject(value: object, bytes: Uint8Array, at: number, end: number): number {
	const proto = Object.getPrototypeOf(value);
	// A class instance (a Date) or an object with its own toJSON is written otherwise.
	if ((proto !== Object.prototype && proto !== null) || "toJSON" in value) return UNSURE;
	if (at >= end || bytes[at] !== 0x7b) return MISMATCH;
	let i = at + 1;
	let n = 0;
	// The own members in the order JSON.stringify writes them, without Object.keys' array: an
	// inherited one (JSON.stringify leaves it out) is not read here.
	for (const key in value) {
		if (!Object.hasOwn(value, key)) return UNSURE;
		const member = (value as Record<string, unknown>)[key];
		// Left out by JSON.stringify (undefined, a function, a symbol): not read here.
		if (member === undefined || typeof member === "function" || typeof member === "symbol") return UNSURE;
		if (n++ > 0) {
			if (i >= end || bytes[i] !== COMMA) return MISMATCH;
			i++;
		}
		i = matchString(key, bytes, i, end);
		if (i < 0) return i;
		if (i >= end || bytes[i] !== COLON) return MISMATCH;
		i = matchJson(member, bytes, i + 1, end);
		if (i < 0) return i;
	}
	return i < end && bytes[i] === 0x7d ? i + 1 : MISMATCH;
}

/** `"text"` as UTF-8 bytes; `UNSURE` for a character JSON escapes (a quote, a backslash, a control, a lone surrogate). */
function matchString(text: string, bytes: Uint8Array, at: number, end: number): number {
	if (at >= end || bytes[at] !== QUOTE) return MISMATCH;
	const from = at + 1;
	const length = text.length;
	// The usual text, ASCII that JSON writes as it is, compared in a tight loop first; the first
	// character that is not (or a byte that differs) goes to the full loop below, which decides.
	let k = 0;
	if (from + length <= end)
		for (; k < length; k++) {
			const c = text.charCodeAt(k);
			if (c !== bytes[from + k] || c < 0x20 || c >= 0x80 || c === QUOTE || c === 0x5c) break;
		}
	let i = from + k;
	for (; k < length; k++) {
		let c = text.charCodeAt(k);
		if (c < 0x80) {
			if (c < 0x20 || c === QUOTE || c === 0x5c) return UNSURE;
			if (i >= end || bytes[i] !== c) return MISMATCH;
			i += 1;
			continue;
		}
		if (c >= 0xd800 && c <= 0xdfff) {
			const low = text.charCodeAt(k + 1);
			if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return UNSURE;
			c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
			k++;
		}
		const length = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		if (i + length > end) return MISMATCH;
		if (length === 2) {
			if (bytes[i] !== (0xc0 | (c >> 6)) || bytes[i + 1] !== (0x80 | (c & 0x3f))) return MISMATCH;
		} else if (length === 3) {
			if (
				bytes[i] !== (0xe0 | (c >> 12)) ||
				bytes[i + 1] !== (0x80 | ((c >> 6) & 0x3f)) ||
				bytes[i + 2] !== (0x80 | (c & 0x3f))
			)
				return MISMATCH;
		} else if (
			bytes[i] !== (0xf0 | (c >> 18)) ||
			bytes[i + 1] !== (0x80 | ((c >> 12) & 0x3f)) ||
			bytes[i + 2] !== (0x80 | ((c >> 6) & 0x3f)) ||
			bytes[i + 3] !== (0x80 | (c & 0x3f))
		)
			return MISMATCH;
		i += length;
	}
	return i < end && bytes[i] === QUOTE ? i + 1 : MISMATCH;
}

/** An ASCII spelling (a number, a boolean) byte for byte. */
function matchAscii(text: string, bytes: Uint8Array, at: number, end: number): number {
	if (at + text.length > end) return MISMATCH;
	for (let k = 0; k < text.length; k++) if (bytes[at + k] !== text.charCodeAt(k)) return MISMATCH;
	return at + text.length;
}
