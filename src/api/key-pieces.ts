/**
 * A key a server echoes cut into pieces, separators between them: each piece too short for the
 * fragment rule (redact.ts), the whole still readable. Found in the text with the separators
 * taken out (adversarial finding AJ2).
 */

/** Longest text the masking patterns search for a secret mixing escapes and characters, or mask. */
export const PATTERN_SEARCH_MAX = 64 * 1024;

/**
 * Whatever is not a character of a key (`pivotal_`, letters and digits): what a server can put
 * between a secret's pieces so that no run of it is long enough to be found (adversarial finding
 * AJ2: the key in pieces of ten characters, or a space after each character, was kept and shown).
 */
const SEPARATORS = /[^A-Za-z0-9_]+/g;

/** What stands for a text that held a secret in pieces: the pieces cannot be told from the rest. */
export const WITHHELD_PIECES = "[withheld: a text that held the API key in pieces]";

/** A finder that can tell, without joining, that a text joined holds nothing it finds. */
export type Finder = ((text: string) => boolean) & { readonly mayHoldJoined?: (text: string) => boolean };

/** Does `text`, its separators taken out, hold what `find` finds? */
export function isJoinedFound(text: string, find: Finder): boolean {
	// Most answers: no run of a needle's pairs even across separators, so nothing is joined
	// (about 3 µs an answer where joining each cost 5).
	if (find.mayHoldJoined !== undefined && !find.mayHoldJoined(text)) return false;
	SEPARATORS.lastIndex = 0;
	if (!SEPARATORS.test(text)) return false;
	const joined = text.replace(SEPARATORS, "");
	return joined.length <= PATTERN_SEARCH_MAX && find(joined);
}

/** A letter, a digit or `_`: what `SEPARATORS` leaves. */
export function isKeyChar(code: number): boolean {
	return (
		(code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
	);
}
