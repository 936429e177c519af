/**
 * Which letters beside a number say "currency". Only a known list counts: `10k`, `1,2 Mio` or
 * `500 mo` end in letters too, and reading those as a currency code would store ten dollars for
 * ten thousand. A magnitude or period suffix is recognised only to be refused with a sentence:
 * whether `1.5k` means 1,500 or 1,536, or `mo` a month's or a year's price, is the user's call.
 */

/** ISO 4217 codes in common use, and the letter signs written beside amounts (lower case). */
const CODES: ReadonlySet<string> = new Set([
	// ISO 4217
	"usd",
	"eur",
	"gbp",
	"chf",
	"jpy",
	"cad",
	"aud",
	"nzd",
	"sek",
	"nok",
	"dkk",
	"isk",
	"pln",
	"czk",
	"huf",
	"ron",
	"bgn",
	"hrk",
	"rsd",
	"try",
	"rub",
	"uah",
	"inr",
	"pkr",
	"lkr",
	"bdt",
	"brl",
	"mxn",
	"ars",
	"clp",
	"cop",
	"pen",
	"uyu",
	"zar",
	"ngn",
	"kes",
	"egp",
	"mad",
	"sgd",
	"hkd",
	"cny",
	"rmb",
	"krw",
	"twd",
	"thb",
	"myr",
	"idr",
	"php",
	"vnd",
	"ils",
	"aed",
	"sar",
	"qar",
	"kwd",
	"bhd",
	"omr",
	// Signs written in letters (with or without a dot, some with a dollar sign)
	"kr",
	"kr.",
	"zł",
	"kč",
	"fr",
	"fr.",
	"sfr",
	"sfr.",
	"ft",
	"lei",
	"lev",
	"rs",
	"rs.",
	"din",
	"r$",
	"us$",
	"c$",
	"a$",
	"nz$",
	"hk$",
	"s$",
	"nt$",
	"mx$",
	"ca$",
	"au$",
]);

/** Letters that scale a number or name a period: never a currency. */
const MAGNITUDES: ReadonlySet<string> = new Set([
	"k",
	"m",
	"mm",
	"mn",
	"b",
	"bn",
	"t",
	"tsd",
	"mio",
	"mio.",
	"mrd",
	"mrd.",
	"mo",
	"yr",
	"pa",
	"p.a",
]);

/** Whether `letters` (a sign or code written beside a number) is a currency this reader knows. */
export function isCurrencyCode(letters: string): boolean {
	return CODES.has(letters.toLowerCase());
}

/**
 * The magnitude or period suffix a cell ends in (`"k"` of `10k`, `"Mio"` of `€1,2 Mio`, `"mo"` of
 * `500 mo`), or undefined: what the money check names when it refuses the cell.
 */
export function magnitudeSuffix(value: string): string | undefined {
	const match = /\d\s*(\p{L}{1,3}\.?)$/u.exec(value.trim());
	if (match === null) return undefined;
	return MAGNITUDES.has(match[1]!.toLowerCase()) ? match[1] : undefined;
}
