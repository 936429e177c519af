/**
 * How one cell is checked: plain character loops or one anchored regex where that is the clear
 * way, since they run on every cell of million-row files. Each check returns the sentence that
 * says what is wrong and what to do, or undefined.
 */

import type { PassName } from "../model/records.js";
import { firstControl } from "../model/terminal-text.js";
import { hostOf, parseWhole } from "./clean/index.js";
import { isDateOrTime } from "./excel-dates.js";
import { BOOLEAN_WORDS, parseBoolean } from "./plain-values.js";
import { showValue } from "./problem.js";

export const NAME_MAX = 255;
export const SLUG_MAX = 64;
export const ID_MAX = 255;

/** A cell counts as empty when it holds nothing but whitespace: such cells are never sent. */
export function isBlank(value: string): boolean {
	if (value.length === 0) return true;
	const c = value.charCodeAt(0);
	// Printable ASCII first: the common case answers without trimming.
	if (c > 32 && c < 127) return false;
	return value.trim().length === 0;
}

function hasOuterSpace(value: string): boolean {
	const first = value.charCodeAt(0);
	const last = value.charCodeAt(value.length - 1);
	return first <= 32 || last <= 32 || first === 0xa0 || last === 0xa0;
}

export function maxLength(max: number) {
	return (value: string, column: string): string | undefined =>
		value.length > max
			? `${column} is ${value.length} characters long, more than the ${max} allowed; shorten it.`
			: undefined;
}

/**
 * `1.23457E+11`, `1E+11`, `1,2E-05`: how Excel shows (and saves to CSV) a number it was not told
 * is text, a long id among them. Only its own shape: a capital E and a signed exponent. `12E3`,
 * `4e2` and `3e45` are never written by Excel (`22E1` typed becomes `2.20E+02`), so such a cell
 * is the id as it was (a unit code, a short hex hash), not one Excel mangled (finding U17).
 */
const SCIENTIFIC = /^-?\d+(?:[.,]\d+)?E[+-]\d+$/;

/** Whether a cell could be in scientific notation at all: it has an `E` (the regex decides). */
function hasExponent(value: string): boolean {
	return value.indexOf("E") !== -1;
}

/** An id Excel turned into scientific notation has lost its last digits: no cleaning brings them back. */
export function checkMangledId(value: string, column: string): string | undefined {
	if (!hasExponent(value) || !SCIENTIFIC.test(value)) return undefined;
	return `${column} ${showValue(value)} is an id Excel mangled into scientific notation (its last digits are lost); format the column as Text in the spreadsheet, put the full ids back, and export again.`;
}

/**
 * An id a spreadsheet turned into a date or a time: `12-3`, `MAR12` and `SEPT2`, typed or opened
 * in Excel, become date cells (shown `12-Mar`), read here as the date they hold, neither the id
 * nor what Excel shows (adversarial finding Q6), or saved to a CSV in the form a locale shows
 * them (`12-Mar`, `28.02.2026`, `12. Mrz`: see excel-dates.ts). No id scheme we know is a bare date.
 */
export function checkDatedId(value: string, column: string): string | undefined {
	if (!isDateOrTime(value)) return undefined;
	return `${column} ${showValue(value)} is a date or a time, not an id (a spreadsheet turned the id into one: 12-3, MAR12 or SEPT2 typed or opened in Excel become dates); format the column as Text, put the ids back, and export again.`;
}

/** A CRM id column's checks: an id Excel mangled, or turned into a date. */
export function checkCrmId(value: string, column: string): string | undefined {
	return checkMangledId(value, column) ?? checkDatedId(value, column);
}

/**
 * Printable ASCII from end to end (no control, no space at either edge), short enough, and
 * not possibly scientific notation: most ids, answered in one loop over the characters.
 */
function isPlainId(value: string): boolean {
	if (value.length > ID_MAX) return false;
	let hasE = false;
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c <= 32 || c >= 127) return false;
		if (c === 69) hasE = true;
	}
	return !hasE || !SCIENTIFIC.test(value);
}

/**
 * What an export writes where it has no id: a placeholder, or a formula saved as its text
 * (LibreOffice's "save cell formulas", `=A52`). Taken as an id, a customer was made under it and,
 * with `--delete-missing`, the one its row stood for deleted (adversarial finding R2).
 */
const PLACEHOLDER_IDS: ReadonlySet<string> = new Set([
	"-",
	"--",
	"n/a",
	"na",
	"null",
	"none",
	"nil",
	"nan",
	"undefined",
	"?",
]);

/** `+4915005`, `+49 150 05`, `+1-555-0100`, `+1 (555) 0100`: digits as phone numbers are written (finding T7). */
const PHONE_NUMBER = /^\+\d[\d ().-]*\d$/;

function checkPlaceholderId(value: string, column: string): string | undefined {
	const first = value.charCodeAt(0);
	// `=`, `+`, `@`: a formula's text, never an id; but `+4915005`, digits after a `+`, is a phone
	// number's form, which some CRMs key contacts and customers by (adversarial finding S8).
	if ((first === 61 || first === 43 || first === 64) && !PHONE_NUMBER.test(value))
		return `${column} ${showValue(value)} is a formula's text, not an id (the spreadsheet was saved with its formulas instead of their values); export the values and run again.`;
	if (value.length > 9 || !PLACEHOLDER_IDS.has(value.toLowerCase())) return undefined;
	return `${column} ${showValue(value)} is a placeholder for a missing id, not an id; fill in the row's id, or remove the row.`;
}

export function checkId(value: string, column: string): string | undefined {
	const placeholder = checkPlaceholderId(value, column);
	if (placeholder !== undefined) return placeholder;
	const dated = checkDatedId(value, column);
	if (dated !== undefined) return dated;
	if (isPlainId(value)) return undefined;
	const mangled = checkMangledId(value, column);
	if (mangled !== undefined) return mangled;
	// Before the space check: a NUL or BEL at either end is no space, and must be named as what it is.
	const control = firstControl(value);
	if (control) {
		return `${column} ${showValue(value)} contains ${control.name} at character ${control.index + 1}; remove it so the ids match exactly.`;
	}
	if (hasOuterSpace(value)) {
		return `${column} ${showValue(value)} starts or ends with a space; remove the spaces so the ids match exactly.`;
	}
	return idLength(value, column);
}

const idLength = maxLength(ID_MAX);

/** The map entry that would read `value` as `to` in `field`: the fix most exports need. */
export function valuesHint(pass: PassName, field: string, value: string, to: string): string {
	return `add "values": { ${JSON.stringify(field)}: { ${JSON.stringify(value)}: ${JSON.stringify(to)} } } to the map's ${pass} section`;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function checkSlug(value: string, column: string): string | undefined {
	if (value.length <= SLUG_MAX && SLUG.test(value)) return undefined;
	return `${column} ${showValue(value)} is not a valid slug (lower-case letters and digits in words joined by single hyphens, at most ${SLUG_MAX} characters, e.g. "bright-future-tech"); fix it or leave the cell empty.`;
}

function isHostLabelChar(c: number): boolean {
	return (
		(c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c > 127 // internationalised names
	);
}

/** A URL's host is the domain (see clean/domain.ts); what is left must be a bare host name. */
export function checkDomain(raw: string, column: string): string | undefined {
	if (isBareHost(raw)) return undefined;
	const value = hostOf(raw);
	let ok = value.length <= 253;
	let labelLength = 0;
	let dots = 0;
	for (let i = 0; ok && i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c === 46) {
			if (labelLength === 0) ok = false;
			labelLength = 0;
			dots++;
		} else if (isHostLabelChar(c)) {
			labelLength++;
			if (labelLength > 63) ok = false;
		} else {
			ok = false;
		}
	}
	if (ok && labelLength > 0 && dots > 0) return undefined;
	// The cell as written: what is left of `http://` is nothing, and `domain ""` would not say which cell.
	return `${column} ${showValue(raw)} is not a bare host name (no scheme, path, port or spaces); write only the host, e.g. "acme.com".`;
}

/**
 * The common cell, answered in one loop: lower-case labels of letters, digits and hyphens, 1–63
 * long, at least two, no `www.` in front (which hostOf would take off). Anything else goes
 * through hostOf and the full check below, which give the same answer for these.
 */
function isBareHost(value: string): boolean {
	if (value.length > 253 || value.startsWith("www.")) return false;
	let labelLength = 0;
	let dots = 0;
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c === 46) {
			if (labelLength === 0) return false;
			labelLength = 0;
			dots++;
		} else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) {
			if (++labelLength > 63) return false;
		} else return false;
	}
	return labelLength > 0 && dots > 0;
}

export function checkCount(value: string, column: string): string | undefined {
	if (parseWhole(value) !== undefined) return undefined;
	return `${column} ${showValue(value)} is not a whole non-negative number; write digits only (1,234 and 1.234 are read too), or leave the cell empty.`;
}

export function checkBoolean(value: string, column: string): string | undefined {
	return parseBoolean(value) === undefined
		? `${column} ${showValue(value)} is not a yes/no value; use ${BOOLEAN_WORDS}.`
		: undefined;
}

// Deliberately simple: one "@", no spaces, a dotted domain. The server has the final word; this
// catches the typos that would otherwise fail a thousand requests later.
const EMAIL = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:.]+(?:\.[^\s@"<>(),;:.]+)+$/;

export function checkEmail(value: string, column: string): string | undefined {
	// A contact is keyed `<customer id>/<e-mail>` (the customer id may hold a "/" of its own):
	// a "/" in the address would let two rows, or two runs, name one contact. Real addresses
	// almost never hold one.
	if (value.includes("/"))
		return `${column} ${showValue(value)} holds a "/", which would make its contact's key (customer id/e-mail) ambiguous; fix the cell or remove the row.`;
	if (value.length <= 254 && EMAIL.test(value)) return undefined;
	const inner = /\s/.test(value) ? " (it has a space inside)" : "";
	return `${column} ${showValue(value)} is not a valid address${inner}; fix the cell or remove the row.`;
}
