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
/**
 * Drawn as nothing: combining marks (drawn on the letter before), format characters, and the
 * rest of Unicode's default-ignorable code points (zero-width spaces and joiners, bidi controls,
 * variation selectors, tags, fillers, the byte-order mark…).
 */
const DRAWN_AS_NOTHING = /^[\p{Mn}\p{Me}\p{Cf}\p{Default_Ignorable_Code_Point}\ufff9-\ufffb]+$/u;
const PAST_ASCII = /[^\x00-\x7f]/;

/** Whether `text` has anything to fold (a character past ASCII). */
export function mayLookAlike(text: string): boolean {
	return PAST_ASCII.test(text);
}

/** `text` as drawn: compatibility forms folded, marks and format characters gone, look-alikes Latin. */
export function drawnAs(text: string): string {
	return text.replace(PAST_ASCII_POINTS, drawnPoint);
}
const PAST_ASCII_POINTS = /[^\x00-\x7f]/gu;

/**
 * `text` as drawn, with where each of its UTF-16 units comes from: `from[i]` to `to[i]` in `text`.
 * Folded one code point at a time, so every drawn character has one origin and a secret found in
 * the drawn text masks the whole original span it covers, the invisible characters in it too
 * (adversarial finding N5: a key split by a zero-width space, masked piece by piece, showed up to
 * 11 secret characters on each side of the mask).
 */
export interface Drawn {
	readonly text: string;
	readonly from: readonly number[];
	readonly to: readonly number[];
}

export function drawnWithOrigins(text: string): Drawn {
	let out = "";
	const from: number[] = [];
	const to: number[] = [];
	let at = 0;
	for (const point of text) {
		const end = at + point.length;
		const drawn = point.charCodeAt(0) < 0x80 ? point : drawnPoint(point);
		out += drawn;
		for (let i = 0; i < drawn.length; i += 1) {
			from.push(at);
			to.push(end);
		}
		at = end;
	}
	return { text: out, from, to };
}

/** One code point as drawn: its compatibility form, nothing for a mark or an invisible, Latin for a look-alike. */
function drawnPoint(point: string): string {
	const known = DRAWN_POINTS.get(point);
	if (known !== undefined) return known;
	let out = "";
	for (const char of point.normalize("NFKC")) {
		if (DRAWN_AS_NOTHING.test(char)) continue;
		out += DRAWN_AS_LATIN[char] ?? char;
	}
	// The code points a process meets are few; a hostile text of many distinct ones is not kept.
	if (DRAWN_POINTS.size < 4096) DRAWN_POINTS.set(point, out);
	return out;
}
const DRAWN_POINTS = new Map<string, string>();
