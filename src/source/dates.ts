/**
 * Date cells. ISO dates (and date-times with a zone) are always read; any other form only
 * through the map's `dates`, a date-fns format for the file, because `03/04/2026` is the 4th of
 * March in one country and the 3rd of April in the next. A date read through a format is sent as
 * `YYYY-MM-DD`.
 */

import { lazyPackage } from "./lazy-package.js";
import { showValue } from "./problem.js";

// Only a map's date format needs date-fns (ISO dates are read here): loaded at the first such
// date, by subpath, since the package index would load every one of its functions.
const dateFormat = lazyPackage<typeof import("date-fns/format")>("date-fns/format");
const dateValid = lazyPackage<typeof import("date-fns/isValid")>("date-fns/isValid");
const dateParse = lazyPackage<typeof import("date-fns/parse")>("date-fns/parse");
const formatDate: typeof import("date-fns/format").format = (...args) => dateFormat().format(...args);
const isValid: typeof import("date-fns/isValid").isValid = (date) => dateValid().isValid(date);
const parse: typeof import("date-fns/parse").parse = (...args) => dateParse().parse(...args);

function isDigits(value: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) {
		const c = value.charCodeAt(i);
		if (c < 48 || c > 57) return false;
	}
	return true;
}

function daysInMonth(year: number, month: number): number {
	if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDate(year: number, month: number, day: number): boolean {
	return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const TIME = /^T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/;
const LOCAL_TIME = /^T\d\d:\d\d(:\d\d(\.\d+)?)?$/;
/** Day, month and year in some order, with one separator: `03/04/2026`, `3.4.2026`. */
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

const pad = (n: number): string => String(n).padStart(2, "0");
const iso = (y: number, m: number, d: number): string => `${y}-${pad(m)}-${pad(d)}`;

/** What a numeric non-ISO date would mean under each order, for the message. */
function readings(value: string): { readonly monthFirst?: string; readonly dayFirst?: string } | undefined {
	const match = NUMERIC.exec(value);
	if (match === null) return undefined;
	const a = Number(match[1]);
	const b = Number(match[3]);
	const year = Number(match[4]);
	const sep = match[2]!;
	const width = (s: string | undefined, token: string): string => (s?.length === 2 ? token + token : token);
	const mf = `${width(match[1], "M")}${sep}${width(match[3], "d")}${sep}yyyy`;
	const df = `${width(match[1], "d")}${sep}${width(match[3], "M")}${sep}yyyy`;
	return {
		...(isRealDate(year, a, b) ? { monthFirst: `${iso(year, a, b)} (${mf})` } : {}),
		...(isRealDate(year, b, a) ? { dayFirst: `${iso(year, b, a)} (${df})` } : {}),
	};
}

function notIso(value: string, column: string, pass: string): string {
	const r = readings(value);
	const option = `set "dates" for ${pass} in the map (--map FILE)`;
	if (r?.monthFirst !== undefined && r.dayFirst !== undefined) {
		return `${column} ${showValue(value)} is not an ISO date and reads two ways, ${r.monthFirst} or ${r.dayFirst}; ${option} to say which, or write the date as YYYY-MM-DD.`;
	}
	const one = r?.monthFirst ?? r?.dayFirst;
	if (one !== undefined) {
		const fmt = /\((.*)\)/.exec(one)?.[1] ?? "";
		return `${column} ${showValue(value)} is not an ISO date (it reads as ${one}); ${option}, e.g. "dates": "${fmt}", or write the date as YYYY-MM-DD.`;
	}
	// A word such as "TBD" or "n/a" is most often "no date yet": the map can say so.
	return `${column} ${showValue(value)} is not a date; use YYYY-MM-DD (e.g. 2027-03-01) or an ISO date-time such as 2027-03-01T09:00:00Z, ${option}, or read it as empty with "values": { "target_launch_date": { ${JSON.stringify(value)}: "" } } in the map's ${pass} section.`;
}

type IsoShape = "date" | "unreal" | "no-zone" | "other";

function isoShape(value: string): IsoShape {
	const shape = value.length >= 10 && value[4] === "-" && value[7] === "-";
	if (!(shape && isDigits(value, 0, 4) && isDigits(value, 5, 7) && isDigits(value, 8, 10))) return "other";
	const year = Number(value.slice(0, 4));
	const month = Number(value.slice(5, 7));
	const day = Number(value.slice(8, 10));
	if (!isRealDate(year, month, day)) return "unreal";
	if (value.length === 10 || TIME.test(value.slice(10))) return "date";
	return LOCAL_TIME.test(value.slice(10)) ? "no-zone" : "other";
}

/** Problem sentence for an ISO date cell, or undefined when it is one; `pass` names the map section. */
export function checkIsoDate(value: string, column: string, pass: string): string | undefined {
	switch (isoShape(value)) {
		case "date":
			return undefined;
		case "unreal":
			return `${column} ${showValue(value)} is not a real calendar date; fix the day or month (format YYYY-MM-DD, e.g. 2027-03-01).`;
		case "no-zone":
			// A workbook's date-time cell (format `m/d/yy h:mm`) reads this way: midnight is read as the
			// date alone (xlsx/cell-text.ts); a real time of day has no zone Excel could have written.
			return `${column} ${showValue(value)} has a time of day but no time zone; give just the date (in a spreadsheet, format the column as a date: Format Cells → Date), or add "Z" or an offset such as +02:00.`;
		case "other":
			return notIso(value, column, pass);
	}
}

/** A fixed day far from any edge: parsing fills the parts a format leaves out from it. */
const REFERENCE = new Date(2000, 0, 1);
const PROBE = new Date(2026, 2, 15);
/** Distinct cells remembered per format: exports repeat a few hundred dates a million times. */
const CACHE_LIMIT = 10_000;

/**
 * Why `pattern` cannot be the map's `dates`, or undefined when it reads back a whole date.
 * date-fns' `YYYY` and `DD` (week year, day of year) are what people type by mistake for `yyyy`
 * and `dd`; they are caught here (date-fns would print a warning of its own).
 */
export function checkDateFormat(pattern: string): string | undefined {
	const unquoted = pattern.replace(/'[^']*'/g, "");
	if (/[YD]/.test(unquoted)) {
		return `date format ${JSON.stringify(pattern)} uses Y or D, which date-fns reads as week year and day of year; write yyyy for the year and dd for the day (e.g. "MM/dd/yyyy").`;
	}
	let isWhole = false;
	try {
		const back = parse(formatDate(PROBE, pattern), pattern, REFERENCE);
		isWhole = isValid(back) && formatDate(back, "yyyy-MM-dd") === "2026-03-15";
	} catch {
		// An unknown token: the same answer as a format that loses the year, month or day.
	}
	// A time of day with no zone names no instant: dropped, the file's new time would never be sent
	// (adversarial finding X1), and Pivotal's day could be another than the file's.
	if (isWhole && TIME_TOKENS.test(unquoted) && !ZONE_TOKENS.test(unquoted))
		return `date format ${JSON.stringify(pattern)} reads a time of day but no time zone, so it names no instant; add the zone the export writes (e.g. "MM/dd/yyyy HH:mm XXX" for +02:00, "… X" for Z), or read only the date if the cells hold no time.`;
	// A zone with no time of day: the instant is midnight in that zone, another day in UTC for
	// any zone east of it, where a launch date of a day is the day written (finding Y5).
	if (isWhole && ZONE_TOKENS.test(unquoted) && !TIME_TOKENS.test(unquoted))
		return `date format ${JSON.stringify(pattern)} reads a time zone but no time of day; a launch date of a day is the day written: leave the zone out (quote it, e.g. "MM/dd/yyyy '+05:00'", if the cells carry one), or read the time of day too.`;
	if (isWhole) return undefined;
	return `date format ${JSON.stringify(pattern)} does not read a whole date (year, month and day); use date-fns tokens such as "MM/dd/yyyy", "dd.MM.yyyy" or "d MMM yyyy".`;
}

/**
 * The earliest year a date cell may name. date-fns reads `3/4/26` through `yyyy` as the year 26;
 * no customer launches in the first millennium, so such a year is a short year read wrongly.
 */
export const MIN_YEAR = 1900;

/** Why `value` read through `pattern` names a year before MIN_YEAR, or undefined when it does not. */
export function earlyYearProblem(value: string, column: string, pattern: string): string | undefined {
	const parsed = parse(value.trim(), pattern, REFERENCE);
	if (!isValid(parsed) || parsed.getFullYear() >= MIN_YEAR) return undefined;
	const short = pattern.includes("yyyy") ? pattern.replace("yyyy", "yy") : undefined;
	const hint =
		short === undefined
			? ""
			: `, or, if the file writes two-digit years, set "dates" to ${JSON.stringify(short)}`;
	const year = parsed.getFullYear();
	if (year >= 100)
		return `${column} ${showValue(value)} is in the year ${year}, before ${MIN_YEAR}; fix the year.`;
	return `${column} ${showValue(value)} reads as the year ${year} under the map's date format ${JSON.stringify(pattern)}, which wants a four-digit year; write the year in full${hint}.`;
}

/** date-fns tokens of a time of day, and of a zone or a whole instant (outside quoted text). */
const TIME_TOKENS = /[HhkKmsSa]/;
const ZONE_TOKENS = /[XxtT]/;

/**
 * Reads cells written in `pattern` (ISO cells too): the `YYYY-MM-DD` date, or, for a pattern
 * with a zone, the instant as ISO in UTC (a launch date is compared as its instant); undefined
 * when a cell does not read.
 */
export function dateReader(pattern: string): (value: string) => string | undefined {
	const cache = new Map<string, string | undefined>();
	const isInstant = ZONE_TOKENS.test(pattern.replace(/'[^']*'/g, ""));
	return (value) => {
		if (isoShape(value) === "date") return value;
		if (cache.has(value)) return cache.get(value);
		const parsed = parse(value.trim(), pattern, REFERENCE);
		const result =
			!isValid(parsed) || parsed.getFullYear() < MIN_YEAR
				? undefined
				: isInstant
					? parsed.toISOString()
					: formatDate(parsed, "yyyy-MM-dd");
		if (cache.size >= CACHE_LIMIT) cache.clear();
		cache.set(value, result);
		return result;
	};
}
