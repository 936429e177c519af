/**
 * Whether a cell's text is a date or a time as a spreadsheet writes one: what an id becomes when
 * Excel takes it for a date (`12-3` typed or opened becomes the date shown `12-Mar`) and the sheet
 * is saved again, in the forms of the locales Excel runs in. Only the forms Excel writes, and only
 * real days: an id merely shaped so (`1.2.3`, `13/13/2026`, `31-Apr`) is an id. This runs on every
 * id cell of million-row files: the count of leading digits and the character after them pick
 * the one form that could match before any regular expression runs.
 */

const DASH = 45;
const DOT = 46;
const SLASH = 47;
const COLON = 58;
const SPACE = 32;

/** A time of day: `10:30`, `0:00`, `9:30:00`, and Excel's 12-hour `10:30 AM`, `10:30:00 PM`. */
const TIME_OF_DAY =
	"(?:(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?|(?:0?[1-9]|1[0-2]):[0-5]\\d(?::[0-5]\\d)? ?[AP]M)";
const TIME = new RegExp(`^${TIME_OF_DAY}$`, "i");
/** The time of a date-time (`2/28/2026 10:30`: Excel's m/d/yyyy h:mm, what an ISO date-time is saved as). */
const TRAILING_TIME = new RegExp(` ${TIME_OF_DAY}$`, "i");

/** `2026-03-12`, `2026-03-12T10:30`, `2026-03-12 10:30:00`: as a workbook's date and time cells are read. */
const ISO_DATE =
	/^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?Z?)?$/;

/** `2026/2/28`, and Hungarian `2026. 02. 28.`. */
const YEAR_FIRST = /^(\d{4})(?:\/(\d{1,2})\/(\d{1,2})|\. (\d{1,2})\. (\d{1,2})\.?)$/;

/**
 * A short date in a locale's order: `2/28/2026`, `28/02/2026`, `2/28/26`, `28-2-2026` (nl, en-IN),
 * `28.02.2026`, `28. 2. 2026` (cs, sk), `28.2.2026.` (hr), `31.12.99`. Which of these a match
 * is, isNumericDate decides.
 */
const DAY_OR_MONTH_FIRST = /^(\d{1,2})([/.-])( ?)(\d{1,2})\2\3(\d{4}|\d{2})(\.?)$/;

/** `12-Mar`, `02-Sep`, `12-Mar-26` (Excel's d-mmm, dd-mmm and d-mmm-yy), `12. Mrz`, `12.Mrz`, `12-janv.`. */
const DAY_MONTH_NAME = /^(\d{1,2})(?:-|\. ?)([^\d\s.-]{3,5})(?:\.?[- ](\d{4}|\d{2})|\.)?$/;

/** `Mar-12`: Excel's mmm-yy, what `MAR12` typed becomes (English month names only). */
const MONTH_YEAR = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-\d\d$/i;

/**
 * The short month names Excel writes in English, German, French, Spanish, Dutch, Italian,
 * Portuguese and Russian (a French one with its dot: `janv.`); no name stands for two months.
 */
const MONTHS: ReadonlyMap<string, number> = new Map(
	[
		"jan janv ene gen янв",
		"feb févr fev фев",
		"mar mrz mär mars mrt мар",
		"apr avr abr апр",
		"may mai mei mag май",
		"jun juin giu июн",
		"jul juil lug июл",
		"aug août ago авг",
		"sep sept set сен",
		"oct okt ott out окт",
		"nov ноя",
		"dec dez déc dic дек",
	].flatMap((names, index) => names.split(" ").map((name): [string, number] => [name, index + 1])),
);

/** Whether `value` is a date, a time or a date-time in one of the forms above. */
export function isDateOrTime(value: string): boolean {
	if (value.length < 4 || value.length > 30) return false;
	const lead = leadingDigits(value);
	if (lead === 0) return value.length === 6 && value.charCodeAt(3) === DASH && MONTH_YEAR.test(value);
	if (lead !== 1 && lead !== 2 && lead !== 4) return false;
	const separator = value.charCodeAt(lead);
	if (separator === COLON) return lead !== 4 && TIME.test(value);
	if (separator !== DASH && separator !== DOT && separator !== SLASH) return false;
	if (lead === 4 && separator === DASH) return isIsoDate(value);
	const date = withoutTime(value);
	if (date === undefined) return false;
	if (lead === 4) return isYearFirst(date);
	return hasMonthName(date, lead) ? isDayMonthName(date) : isNumericDate(date);
}

/** How many digits the value starts with, counted up to 5 (no date starts with more). */
function leadingDigits(value: string): number {
	let count = 0;
	while (count < 5 && count < value.length) {
		const c = value.charCodeAt(count);
		if (c < 48 || c > 57) break;
		count++;
	}
	return count;
}

/** The date part of a date-time, the value when it has no time, or undefined for a time that is none. */
function withoutTime(value: string): string | undefined {
	if (value.indexOf(":") === -1) return value;
	const time = TRAILING_TIME.exec(value);
	return time === null ? undefined : value.slice(0, time.index);
}

/** Whether a month's name, not its number, follows the day and its `-` or `.` (and a space). */
function hasMonthName(date: string, lead: number): boolean {
	let next = date.charCodeAt(lead + 1);
	if (next === SPACE) next = date.charCodeAt(lead + 2);
	return !(next >= 48 && next <= 57);
}

function isIsoDate(value: string): boolean {
	const parts = ISO_DATE.exec(value);
	return parts !== null && isDay(Number(parts[1]), Number(parts[2]), Number(parts[3]));
}

function isYearFirst(date: string): boolean {
	const parts = YEAR_FIRST.exec(date);
	if (parts === null) return false;
	return isDay(Number(parts[1]), Number(parts[2] ?? parts[4]), Number(parts[3] ?? parts[5]));
}

type Six = [string, string, string, string, string, string];

function isNumericDate(date: string): boolean {
	const parts = DAY_OR_MONTH_FIRST.exec(date);
	if (parts === null) return false;
	// Every group takes part in a match (the space and the closing dot as "" when absent).
	const [first, separator, space, second, year, closingDot] = parts.slice(1) as Six;
	const [a, b] = [Number(first), Number(second)];
	if (year.length === 2) {
		// `12-10-20` and `1.2.26` read as numbered ids: a two-digit year only after slashes
		// (`2/28/26`), or in the padded dd.MM.yy of a day no month number can be (`31.12.99`).
		if (separator === "/") return isDay(fullYear(year), a, b) || isDay(fullYear(year), b, a);
		const isPadded = first.length === 2 && second.length === 2 && space === "" && closingDot === "";
		return separator === "." && isPadded && a > 12 && isDay(fullYear(year), b, a);
	}
	// The spaces of `28. 2. 2026` and the closing dot of `28.2.2026.` come with dots only.
	if (separator !== "." && (space !== "" || closingDot !== "")) return false;
	return isDay(Number(year), a, b) || isDay(Number(year), b, a);
}

function isDayMonthName(date: string): boolean {
	const parts = DAY_MONTH_NAME.exec(date);
	if (parts === null) return false;
	const month = MONTHS.get(parts[2]!.toLowerCase());
	if (month === undefined) return false;
	const year = parts[3];
	// Without a year, a day of its month in some year: `29-Feb` is a date, `30-Feb` and `31-Apr`
	// are not (Excel keeps them as text, so the cell is the id: finding U10).
	const inYear = year === undefined ? 2024 : year.length === 2 ? fullYear(year) : Number(year);
	return isDay(inYear, month, Number(parts[1]));
}

/** Excel's window for a two-digit year: 00–29 are 2000–2029, 30–99 are 1930–1999. */
function fullYear(twoDigits: string): number {
	const year = Number(twoDigits);
	return year < 30 ? 2000 + year : 1900 + year;
}

/** A real day of the calendar, in the years a sheet's date is (1900–2099). */
function isDay(year: number, month: number, day: number): boolean {
	if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
