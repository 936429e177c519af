/**
 * A text as a terminal draws it, for the search for a secret (adversarial finding L2): a server
 * that echoes the key with its letters swapped for ones drawn alike — the Kelvin sign for K,
 * fullwidth forms, a dotless ı or a Cyrillic а — or with marks a terminal draws on them or as
 * nothing between them (combining marks, format characters) shows the key on screen, in a log or
 * in a CSV, where the search for its characters finds nothing.
 *
 * Compatibility forms fold under NFKC (Kelvin sign, fullwidth, long s, ligatures); combining
 * marks and format characters are dropped; Cyrillic and Greek letters drawn as Latin ones, and the
 * dotless i, are mapped to them. Only texts with a character past ASCII are folded, and the
 * folded text is shown only where it holds a secret (masked).
 */

/** Letters drawn as Latin ones in the fonts terminals use: Cyrillic, Greek, and Turkish dotless i. */
const DRAWN_AS_LATIN: Readonly<Record<string, string>> = {
	ı: "i",
	а: "a",
	в: "b",
	е: "e",
	к: "k",
	м: "m",
	н: "h",
	о: "o",
	р: "p",
	с: "c",
	т: "t",
	у: "y",
	х: "x",
	і: "i",
	ј: "j",
	ѕ: "s",
	ԁ: "d",
	ԛ: "q",
	ԝ: "w",
	А: "A",
	В: "B",
	Е: "E",
	К: "K",
	М: "M",
	Н: "H",
	О: "O",
	Р: "P",
	С: "C",
	Т: "T",
	У: "Y",
	Х: "X",
	І: "I",
	Ј: "J",
	Ѕ: "S",
	α: "a",
	ο: "o",
	ν: "v",
	Α: "A",
	Β: "B",
	Ε: "E",
	Ζ: "Z",
	Η: "H",
	Ι: "I",
	Κ: "K",
	Μ: "M",
	Ν: "N",
	Ο: "O",
	Ρ: "P",
	Τ: "T",
	Υ: "Y",
	Χ: "X",
};
const LATIN_LOOKING = new RegExp(`[${Object.keys(DRAWN_AS_LATIN).join("")}]`, "g");
/** Combining marks (drawn on the letter before) and format characters (drawn as nothing). */
const MARKS_AND_FORMATS = /[\p{Mn}\p{Me}\p{Cf}]/gu;
const PAST_ASCII = /[^\x00-\x7f]/;

/** Whether `text` has anything to fold (a character past ASCII). */
export function mayLookAlike(text: string): boolean {
	return PAST_ASCII.test(text);
}

/** `text` as drawn: compatibility forms folded, marks and format characters gone, look-alikes Latin. */
export function drawnAs(text: string): string {
	return text
		.normalize("NFKC")
		.replace(MARKS_AND_FORMATS, "")
		.replace(LATIN_LOOKING, (char) => DRAWN_AS_LATIN[char] ?? char);
}
