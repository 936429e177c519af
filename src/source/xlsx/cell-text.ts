/**
 * A cell's stored value as the text the rest of the import reads, the same text a CSV export of
 * the sheet would hold where that is unambiguous: dates as ISO `yyyy-MM-dd` (a CSV would hold the
 * locale's form, which the map would have to name), numbers as the shortest decimal Excel shows
 * (15 significant digits: no `1299.0000000001`), money with its currency sign (so the amount is
 * read in major units, as `$1,299.00` in a CSV is), numbers shown with fixed decimals with them
 * (`1299` formatted `#,##0.00` is `1299.00`, major units too), booleans as `TRUE`/`FALSE`.
 */

import { showDigits } from "./digit-pattern.js";
import type { NumberKind } from "./number-format.js";

/** The `t` attribute of a `<c>`: shared string, inline string, formula string, boolean, error, ISO date, number. */
export type CellType = "s" | "inlineStr" | "str" | "b" | "e" | "d" | "n";

const DAY_MS = 86_400_000;
/** Serial 0 of the 1900 system is 1899-12-31, but serials from 61 on count Lotus 1-2-3's 29 Feb 1900. */
const EPOCH_1900 = Date.UTC(1899, 11, 31);
const EPOCH_1900_AFTER_LEAP_BUG = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * The ISO date (and time, when the format shows one and the serial has one) of a day serial.
 * Serial 60 is the 29 February 1900 that never was; it is written as such, and the date check
 * then says it is not a real date, rather than silently moving it a day.
 */
export function serialToIso(serial: number, is1904: boolean, hasTime: boolean): string | undefined {
	if (!Number.isFinite(serial) || serial < 0 || serial >= 2_958_466) return undefined;
	let days = Math.floor(serial);
	// Round to the second: a time stored as a binary fraction is a hair off the second it shows.
	let seconds = Math.round((serial - days) * 86_400);
	if (seconds === 86_400) {
		days++;
		seconds = 0;
	}
	if (!is1904 && days === 60) return "1900-02-29";
	const epoch = is1904 ? EPOCH_1904 : days > 60 ? EPOCH_1900_AFTER_LEAP_BUG : EPOCH_1900;
	const date = new Date(epoch + days * DAY_MS);
	const iso = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
	if (!hasTime || seconds === 0) return iso;
	return `${iso}T${timeOf(seconds)}`;
}

function timeOf(seconds: number): string {
	return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/**
 * The number as Excel shows it in General format: 15 significant digits, no exponent for the
 * sizes a spreadsheet holds. The stored text is kept when it is already the short form, and when
 * it is a whole number of more digits than that: Excel never stores one, another program that
 * wrote the workbook (a CRM's export of a long numeric id) did, and rounding it would send an id
 * neither the file nor Pivotal holds (adversarial finding Q6).
 */
export function plainNumber(raw: string): string {
	if (LONG_WHOLE_NUMBER.test(raw)) return raw;
	const value = Number(raw);
	if (raw.length === 0 || !Number.isFinite(value)) return raw;
	// Sixteen whole digits or more not written out (`1.2345678901234568E+18`: what Excel stores for a
	// long id typed as a number): its last digits are lost. Read as Excel shows it, in scientific
	// notation, which an id column refuses (adversarial finding S16).
	if (Math.abs(value) >= 1e15) return value.toPrecision(15).replace(/\.?0*e\+?/, "E+");
	const short = Number(value.toPrecision(15));
	const text = String(short);
	if (!text.includes("e")) return text;
	// 1e21 and up, or 1e-7 and below: written out, without the float's trailing noise.
	return Math.abs(short) >= 1 ? BigInt(Math.round(short)).toString() : short.toFixed(20).replace(/0+$/, "");
}

/** A whole number of 16 digits or more, as written: its digits are kept. */
const LONG_WHOLE_NUMBER = /^-?[1-9]\d{15,}$/;

function moneyText(raw: string, symbol: string): string {
	const text = plainNumber(raw);
	const value = Number(text);
	if (!Number.isFinite(value)) return text;
	const sign = value < 0 ? "-" : "";
	const magnitude = Math.abs(value);
	// Whole cents get the two decimals money is written with; finer amounts keep their digits.
	const digits = Number.isInteger(Math.round(magnitude * 100 * 1e6) / 1e6)
		? magnitude.toFixed(2)
		: String(magnitude);
	return `${sign}${symbol}${digits}`;
}

/** The text of a numeric cell with this number format. */
export function numberText(raw: string, kind: NumberKind, is1904: boolean): string {
	switch (kind.kind) {
		case "plain":
			return plainNumber(raw);
		case "date":
			return serialToIso(Number(raw), is1904, kind.hasTime) ?? plainNumber(raw);
		case "time": {
			const value = Number(raw);
			if (!Number.isFinite(value) || value < 0) return plainNumber(raw);
			return timeOf(Math.round((value - Math.floor(value)) * 86_400) % 86_400);
		}
		case "money":
			return moneyText(raw, kind.symbol);
		case "decimals": {
			// As Excel shows it (`1299` in `#,##0.00` is 1,299.00): read in major units, like the CSV text.
			const value = Number(plainNumber(raw));
			return Number.isFinite(value) ? value.toFixed(Math.min(kind.places, 20)) : plainNumber(raw);
		}
		case "padded": {
			const text = plainNumber(raw);
			return /^\d+$/.test(text) ? text.padStart(kind.width, "0") : text;
		}
		case "digits": {
			const text = plainNumber(raw);
			// Excel rounds what the format has no decimals for (`136.4` shows `CUST-00136`).
			const whole = /^\d+\.\d+$/.test(text) ? String(Math.round(Number(text))) : text;
			return /^\d+$/.test(whole) ? showDigits(kind.parts, whole) : text;
		}
	}
}

/** `t="d"` cells hold an ISO date-time: midnight is written as the date alone. */
export function isoDateText(raw: string): string {
	const match = /^(\d{4}-\d\d-\d\d)(?:T00:00(?::00(?:\.0+)?)?Z?)?$/.exec(raw);
	return match?.[1] ?? raw;
}

export function booleanText(raw: string): string {
	return raw === "1" || raw.toLowerCase() === "true"
		? "TRUE"
		: raw === "0" || raw.toLowerCase() === "false"
			? "FALSE"
			: raw;
}
