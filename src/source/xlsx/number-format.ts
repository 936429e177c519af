/**
 * What a cell's number format says about its number: a date (Excel stores dates as day serials
 * and tells them apart only by format), a time, money (a currency sign), zero-padded digits, or
 * a plain number. Only what changes how the value reads as text is recognised; everything else
 * is a plain number.
 */

import { isCurrencyCode } from "../clean/currency.js";
import { type DigitPart, digitParts } from "./digit-pattern.js";
import { formatSections } from "./format-parts.js";

export type NumberKind =
	| { readonly kind: "plain" }
	| { readonly kind: "date"; readonly hasTime: boolean }
	| { readonly kind: "time" }
	| { readonly kind: "money"; readonly symbol: string }
	/** Shown with fixed decimals (`0.00`, `#,##0.00`): the text Excel shows is major units, as `1,299.00` in a CSV is. */
	| { readonly kind: "decimals"; readonly places: number }
	| { readonly kind: "padded"; readonly width: number }
	/** Whole digits with text before or among them (digit-pattern.ts): an id as Excel shows it. */
	| { readonly kind: "digits"; readonly parts: readonly DigitPart[] };

const PLAIN: NumberKind = { kind: "plain" };
const DATE: NumberKind = { kind: "date", hasTime: false };
const DATE_TIME: NumberKind = { kind: "date", hasTime: true };
const TIME: NumberKind = { kind: "time" };
const DOLLARS: NumberKind = { kind: "money", symbol: "$" };
const TWO_PLACES: NumberKind = { kind: "decimals", places: 2 };

/**
 * Built-in formats (ECMA-376 Part 1, 18.8.30) that are not plain: their codes are not written in
 * the workbook. 5–8 and 42/44 are the en-US currency and accounting formats; 2, 4, 39, 40 and 43
 * show two decimals without a sign; 27–36 and 50–58 are the East Asian date formats.
 */
const BUILT_IN: ReadonlyMap<number, NumberKind> = new Map<number, NumberKind>([
	[2, TWO_PLACES],
	[4, TWO_PLACES],
	[39, TWO_PLACES],
	[40, TWO_PLACES],
	[43, TWO_PLACES],
	[5, DOLLARS],
	[6, DOLLARS],
	[7, DOLLARS],
	[8, DOLLARS],
	[42, DOLLARS],
	[44, DOLLARS],
	[14, DATE],
	[15, DATE],
	[16, DATE],
	[17, DATE],
	[18, TIME],
	[19, TIME],
	[20, TIME],
	[21, TIME],
	[22, DATE_TIME],
	[45, TIME],
	[46, TIME],
	[47, TIME],
	...[27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58].map((id): [number, NumberKind] => [
		id,
		DATE,
	]),
	...[32, 33, 55, 56].map((id): [number, NumberKind] => [id, TIME]),
]);

/** The first section of a format code with its quoted text, escapes and `[...]` parts removed. */
function tokens(code: string): { readonly bare: string; readonly currency: string | undefined } {
	const section = firstSection(code);
	let bare = "";
	let currency: string | undefined;
	for (let i = 0; i < section.length; i++) {
		const c = section[i]!;
		if (c === '"') {
			const end = section.indexOf('"', i + 1);
			const text = section.slice(i + 1, end === -1 ? undefined : end);
			currency ??= currencyIn(text);
			i = end === -1 ? section.length : end;
		} else if (c === "\\" || c === "_" || c === "*") {
			// `\x` is a literal x; `_x` pads by the width of x; `*x` repeats x to fill the cell.
			if (c === "\\") currency ??= currencyIn(section[i + 1] ?? "");
			i++;
		} else if (c === "[") {
			const end = section.indexOf("]", i + 1);
			const inside = section.slice(i + 1, end === -1 ? undefined : end);
			// `[$€-407]`, `[$USD]`: a currency; `[h]`, `[mm]`: elapsed time; `[Red]`, `[>100]`: neither.
			// `[$-409]`: a locale tag, no currency (adversarial finding T6).
			if (inside.startsWith("$") && !/^\$-[0-9a-f]+$/i.test(inside))
				currency ??= inside.slice(1).split("-")[0] || "$";
			else if (/^(h+|m+|s+)$/i.test(inside)) bare += "h";
			i = end === -1 ? section.length : end;
		} else {
			currency ??= currencyIn(c);
			bare += c;
		}
	}
	return { bare, currency };
}

function firstSection(code: string): string {
	return formatSections(code)[0] ?? "";
}

const CURRENCY_SIGNS = /[$€£¥₹₩₽¢₺₪₫₱]/u;

/** A sign anywhere in the text, or the text itself when it is a currency's letters (`"kr"`, `"CHF"`). */
function currencyIn(text: string): string | undefined {
	const sign = CURRENCY_SIGNS.exec(text)?.[0];
	if (sign !== undefined) return sign;
	const letters = text.trim();
	return letters.length > 0 && isCurrencyCode(letters) ? letters : undefined;
}

/** Text only after one unpadded digit run (`0" users"`, `# "pcs"`): a unit, not part of an id. */
function isUnit(parts: readonly DigitPart[]): boolean {
	const last = parts.findLastIndex((p) => "digit" in p);
	const zeros = parts.filter((p) => "digit" in p && p.digit === "0").length;
	return parts.slice(0, last).every((p) => "digit" in p) && zeros <= 1;
}

/** How the numbers of a cell with this format read; `code` is the custom code, when there is one. */
export function numberKind(numFmtId: number, code: string | undefined): NumberKind {
	if (code === undefined) return BUILT_IN.get(numFmtId) ?? PLAIN;
	const { bare, currency } = tokens(code);
	const lower = bare.toLowerCase();
	if (lower === "general" || lower === "@") return PLAIN;
	const hasTime = /[hs]/.test(lower) || /am\/pm|a\/p/.test(lower);
	// `m` is months beside a day or year, or alone; minutes beside hours or seconds.
	const hasDate = /[dy]/.test(lower) || (/m/.test(lower) && !hasTime);
	if (hasDate && !/[0#?]/.test(lower)) return hasTime ? DATE_TIME : DATE;
	if (hasTime && !/[0#?]/.test(lower)) return TIME;
	if (currency !== undefined) return { kind: "money", symbol: currency };
	// Text before or among the digits (`"CUST-"00000`, `000\-00\-0000`): an id as Excel shows it
	// (findings S5, T6). Text only after unpadded digits (`0" users"`) is a unit, left out as before.
	const parts = digitParts(firstSection(code));
	if (parts?.some((p) => "text" in p) && !isUnit(parts)) return { kind: "digits", parts };
	const zeros = /^0{2,}$/.exec(lower.trim());
	if (zeros !== null) return { kind: "padded", width: zeros[0].length };
	// `0.00`, `#,##0.0`: fixed decimals (not a percentage or scientific, which scale the number).
	const places = /[0#?]\.(0+)/.exec(lower);
	if (places !== null && !/[%e]/.test(lower)) return { kind: "decimals", places: places[1]!.length };
	return PLAIN;
}
