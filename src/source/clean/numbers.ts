/**
 * Numbers as spreadsheets write them, in either convention: `1,234,567.89` (US, UK) and
 * `1.234.567,89` (German, most of Europe), with spaces or apostrophes as group separators
 * (`1 299,00`, `1'299.00`), and a currency sign or code on either side (`$1,299.00`,
 * `€ 1.299,00`, `1 299,00 kr`, `CHF 1'299.50`).
 *
 * One separator written once is a decimal point unless exactly three digits follow it and one
 * to three (not starting with 0) precede it: `1,299` and `1.299` are a thousand two hundred and
 * ninety-nine, `12,5` and `0.125` are fractions. Pure functions, no regex on the common path.
 */

import { isCurrencyCode } from "./currency.js";

export interface ReadNumber {
	/** Digits before the decimal separator, without group separators. */
	readonly whole: string;
	/** Digits after it ("" when there is none). */
	readonly fraction: string;
	/** A currency sign or code was written beside the number. */
	readonly hasCurrency: boolean;
	/** A decimal separator was written (`1299.00` says "major units" as plainly as a `$`). */
	readonly hasDecimals: boolean;
}

// A currency sign (Unicode Sc) or letters (`USD`, `kr`, `zł`, `Kč`, `CHF`, `R$`); letters count
// only when they are a known code (see currency.ts): `10k` is not ten of a currency called k.
const LEADING_CURRENCY = /^(?:\p{Sc}|(\p{L}{1,3}\.?\p{Sc}?))\s*/u;
const TRAILING_CURRENCY = /\s*(?:\p{Sc}|(\p{L}{1,3}\.?))$/u;

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

/** Spaces and apostrophes used between digit groups. */
function isGroupSpace(c: number): boolean {
	return c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 39 || c === 0x2019;
}

/** Groups after the first are exactly three digits; the first has one to three. */
function validGroups(groups: readonly string[]): boolean {
	const first = groups[0]!;
	if (first.length < 1 || first.length > 3) return false;
	for (let i = 1; i < groups.length; i++) if (groups[i]!.length !== 3) return false;
	return true;
}

function allDigits(value: string): boolean {
	if (value.length === 0) return false;
	for (let i = 0; i < value.length; i++) if (!isDigit(value.charCodeAt(i))) return false;
	return true;
}

/** `1 299 000,50`: the integer part's space-separated groups are 1–3 digits, then exactly 3. */
function spacedGroupsValid(core: string): boolean {
	const end = core.search(/[.,]\d{1,2}$|[.,]\d{4,}$/);
	const integer = end === -1 ? core : core.slice(0, end);
	return validGroups(integer.split(/[ \u00a0\u202f\u2009'\u2019]/));
}

/** Reads a non-negative number in either convention; undefined when the cell is not one. */
export function readNumber(value: string): ReadNumber | undefined {
	if (value.length === 0 || value.length > 40) return undefined;
	// Fast path: plain digits.
	if (allDigits(value)) return { whole: value, fraction: "", hasCurrency: false, hasDecimals: false };
	let core = value;
	let hasCurrency = false;
	const lead = LEADING_CURRENCY.exec(core);
	if (lead !== null && lead[1] !== undefined && !isCurrencyCode(lead[1])) return undefined;
	if (lead !== null) {
		core = core.slice(lead[0].length);
		hasCurrency = true;
	}
	const trail = TRAILING_CURRENCY.exec(core);
	if (trail !== null && trail[1] !== undefined && !isCurrencyCode(trail[1])) return undefined;
	if (trail !== null) {
		core = core.slice(0, core.length - trail[0].length);
		hasCurrency = true;
	}
	// Group spaces between digits only: `1 299,00`.
	let compact = "";
	for (let i = 0; i < core.length; i++) {
		const c = core.charCodeAt(i);
		if (isGroupSpace(c)) {
			if (
				i === 0 ||
				i === core.length - 1 ||
				!isDigit(core.charCodeAt(i - 1)) ||
				!isDigit(core.charCodeAt(i + 1))
			)
				return undefined;
			continue;
		}
		if (!isDigit(c) && c !== 44 && c !== 46) return undefined;
		compact += core[i];
	}
	const grouped = compact.length !== core.length;
	if (grouped && !spacedGroupsValid(core)) return undefined;
	const lastComma = compact.lastIndexOf(",");
	const lastDot = compact.lastIndexOf(".");
	if (lastComma === -1 && lastDot === -1) {
		return allDigits(compact) ? { whole: compact, fraction: "", hasCurrency, hasDecimals: false } : undefined;
	}
	const decimalAt = Math.max(lastComma, lastDot);
	const decimalChar = compact[decimalAt]!;
	const groupChar = decimalChar === "," ? "." : ",";
	const before = compact.slice(0, decimalAt);
	const after = compact.slice(decimalAt + 1);
	if (before.includes(groupChar) && after.includes(groupChar)) return undefined;
	const sameCount = compact.split(decimalChar).length - 1;
	let separatorIsGroup = false;
	if (sameCount > 1) separatorIsGroup = true;
	else if (!before.includes(groupChar) && !grouped && after.length === 3 && /^[1-9]\d{0,2}$/.test(before))
		separatorIsGroup = true;
	if (separatorIsGroup) {
		if (compact.includes(groupChar)) return undefined;
		const groups = compact.split(decimalChar);
		if (!groups.every(allDigits) || !validGroups(groups)) return undefined;
		return { whole: groups.join(""), fraction: "", hasCurrency, hasDecimals: false };
	}
	if (!allDigits(after)) return undefined;
	const groups = before.length === 0 ? [""] : before.split(groupChar);
	if (groups.length > 1 ? !groups.every(allDigits) || !validGroups(groups) : !allDigits(groups[0]!))
		return undefined;
	return { whole: groups.join(""), fraction: after, hasCurrency, hasDecimals: true };
}

/**
 * A whole count (`1,234`, `1.234`, `1 234`, and `1,234.00` as a spreadsheet's two-decimals format
 * shows it); undefined for fractions, currency or anything else.
 */
export function parseWhole(value: string): number | undefined {
	const read = readNumber(value);
	if (read === undefined || read.hasCurrency || read.whole.length > 15) return undefined;
	if (read.hasDecimals && (read.whole.length === 0 || !/^0+$/.test(read.fraction))) return undefined;
	return Number(read.whole);
}

/** What a money column's plain numbers are in: `cents` (the default, Pivotal's unit) or `major` (dollars, euros…). */
export type MoneyUnit = "cents" | "major";

/**
 * A money cell → cents. A cell with a currency sign or decimals is in major units whatever the
 * column's unit (`$1,299.00` → 129900); a plain whole number is in the column's unit (`1299` →
 * 1299 in a cents column, 129900 in a dollars one). More than two decimals is not money.
 */
export function parseMoney(value: string, unit: MoneyUnit): number | undefined {
	const read = readNumber(value);
	if (read === undefined || read.whole.length > 13) return undefined;
	const major = read.hasCurrency || read.hasDecimals || unit === "major";
	if (!major) return Number(read.whole);
	if (read.fraction.length > 2) return undefined;
	return Number(read.whole) * 100 + Number(read.fraction.padEnd(2, "0"));
}
