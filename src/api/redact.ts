/**
 * The one redactor for secrets (STYLE practice 15): every string a server sends back passes
 * through it where it enters (the client), so a server that echoes the `Authorization` header —
 * in an error's code, field, message, or any other field — cannot put the key on a screen, in a
 * log, in the state or in a CSV.
 */

import { type Finder, isJoinedFound, isKeyChar, PATTERN_SEARCH_MAX, WITHHELD_PIECES } from "./key-pieces.js";
import { type Drawn, drawnAs, drawnWithOrigins, mayLookAlike } from "./look-alike.js";

export { WITHHELD_PIECES };

/**
 * Shorter than this, a "secret" (a simulator's test key) would match ordinary words: not masked.
 * Real keys are far longer.
 */
const MIN_SECRET = 8;

/**
 * A server that echoes the key may change it on the way: percent-encode it (`%5F` for `_`), change
 * its letter case, or cut it short. A run of this many consecutive characters of a secret that
 * may be cut short is masked too: long enough not to match ordinary text, short enough to catch
 * a truncated echo.
 */
export const MIN_FRAGMENT = 12;

export type Redactor = (text: string) => string;

export interface Secret {
	readonly secret: string;
	readonly mask: string;
	/** Any run of {@link MIN_FRAGMENT} or more of its consecutive characters is masked too. */
	readonly fragments?: boolean;
	/**
	 * How many of its first characters are no secret (a key's `pivotal_`): a run of them alone is
	 * left as it is, a run that holds one character past them is masked (adversarial finding L10:
	 * `pivotal_` and 11 characters of the secret, a truncated echo, was shown).
	 */
	readonly publicPrefix?: number;
}

/** One character as a server may echo it: itself (any case, with the `i` flag) or percent-encoded. */
function charPattern(char: string): string {
	const escaped = literal(char);
	const code = char.charCodeAt(0);
	if (char.length !== 1 || code > 0x7f) return escaped;
	return `(?:${escaped}|%${code.toString(16).padStart(2, "0")})`;
}

/**
 * `chars[from..]` where at least `min` characters must match and each further one may: the
 * nested optional groups make the match run as far along the secret as the text does.
 */
function runPattern(chars: readonly string[], from: number, min: number): string {
	let tail = "";
	for (let i = chars.length - 1; i >= from + min; i -= 1) tail = `(?:${charPattern(chars[i] ?? "")}${tail})?`;
	return (
		chars
			.slice(from, from + min)
			.map(charPattern)
			.join("") + tail
	);
}

function secretPattern({ secret, fragments, publicPrefix = 0 }: Secret): string {
	const chars = Array.from(secret);
	if (!fragments || chars.length <= MIN_FRAGMENT) return chars.map(charPattern).join("");
	const starts: string[] = [];
	// A run that starts in the public prefix must reach past it; it still starts there, so the
	// whole key is masked as one, prefix and all.
	for (let i = 0; i + MIN_FRAGMENT <= chars.length; i += 1)
		starts.push(runPattern(chars, i, Math.max(MIN_FRAGMENT, publicPrefix + 1 - i)));
	return starts.join("|");
}

/**
 * Replaces each secret wherever it appears in a string with its mask: exact, in any letter case,
 * percent-encoded, and (where asked) any long enough run of it.
 */
export function secretRedactor(secrets: readonly Secret[]): Redactor {
	const kept = secrets.filter((s) => s.secret.length >= MIN_SECRET);
	if (kept.length === 0) return (text) => text;
	// Longer secrets first: the whole key is masked as one, not as its secret part plus a prefix.
	const patterns = [...kept]
		.sort((a, b) => b.secret.length - a.secret.length)
		.map((s) => ({ pattern: new RegExp(secretPattern(s), "gi"), mask: s.mask }));
	return (text) => {
		let out = text;
		for (const { pattern, mask } of patterns) out = out.replace(pattern, mask);
		return out;
	};
}

/**
 * Whether `text` may hold anything `secretRedactor(secrets)` would mask: true for every text it
 * masks something in (rarely for one it does not). One case-insensitive search for a few plain
 * strings (the patterns only for a text with a `%`) instead of the masking patterns' scan at
 * every position, so a caller can skip redacting a text that has nothing to mask.
 */
export function secretFinder(secrets: readonly Secret[]): (text: string) => boolean {
	const find = directFinder(secrets);
	// A secret interleaved with invisible characters, or written in letters drawn alike, prints
	// as the secret: found through them. So is one cut into pieces with separators between them.
	return (text) => find(text) || (mayLookAlike(text) && find(drawnAs(text))) || isJoinedFound(text, find);
}

function directFinder(secrets: readonly Secret[]): Finder {
	const kept = secrets.filter((s) => s.secret.length >= MIN_SECRET);
	if (kept.length === 0) return () => false;
	// Made at its first use: most texts are settled by the needles below, and every client and
	// every masked stream makes a finder (a key's fragments make a pattern of some 10 KB).
	let pattern: RegExp | undefined;
	const patternTest = (text: string): boolean => {
		pattern ??= new RegExp(kept.map((s) => `(?:${secretPattern(s)})`).join("|"), "i");
		return pattern.test(text);
	};
	// A secret with a `%` of its own, or one beyond printable ASCII, is asked with the patterns alone.
	if (kept.some((s) => !/^[\x21-\x7e]+$/.test(s.secret) || s.secret.includes("%"))) {
		return patternTest;
	}
	// What any masked run without a `%` contains: the whole secret, or (where fragments are
	// masked) one of its runs of MIN_FRAGMENT characters that reaches past its public prefix, in
	// any case (a longer run from inside the prefix holds the one that ends just past it). The
	// same `i` flag as the masking patterns, so a letter matches here exactly when it matches there.
	const needles = new Set<string>();
	for (const { secret, fragments, publicPrefix = 0 } of kept) {
		if (!fragments || secret.length <= MIN_FRAGMENT) needles.add(secret);
		else
			for (let i = Math.max(0, publicPrefix + 1 - MIN_FRAGMENT); i + MIN_FRAGMENT <= secret.length; i += 1)
				needles.add(secret.slice(i, i + MIN_FRAGMENT));
	}
	const plain = new RegExp([...needles].map((needle) => Array.from(needle, literal).join("")).join("|"), "i");
	const mayHoldNeedle = runFinder(needles);
	const mayHoldJoined = runFinder(needles, true);
	const hasNeedle = (text: string) => mayHoldNeedle(text) && plain.test(text);
	// A text with a `%` escape: its escapes may spell the secret. It is searched as it is and with
	// its escapes decoded (a literal `%` before the secret, `100%ab12…`, decoded with the secret's
	// first two characters, would hide the needle), then, up to a size, with the patterns, which
	// take any mix of the two. Their nested groups at every start cost seconds on a megabyte of
	// near-misses (adversarial finding L9: a hostile answer pinned the CPU past the stop's grace).
	// Only a `%` and two hex digits can stand for a character: a `%` that cannot ("12%)" in a
	// progress line) leaves the text to the needles, where the patterns' first run compiles them
	// (about half a second of CPU).
	const find = (text: string): boolean => {
		if (!PERCENT_ESCAPE.test(text)) return hasNeedle(text);
		if (hasNeedle(text) || hasNeedle(decodeEscapes(text))) return true;
		return text.length <= PATTERN_SEARCH_MAX && patternTest(text);
	};
	return Object.assign(find, { mayHoldJoined });
}

/** What stands for a text too long to mask that holds a secret. */
export const WITHHELD = "[withheld: a long text that held the API key]";

/** Every `%` and two hex digits as the character it stands for. */
function decodeEscapes(text: string): string {
	return text.replace(PERCENT_ESCAPES, (hex) => String.fromCharCode(Number.parseInt(hex.slice(1), 16)));
}
const PERCENT_ESCAPES = /%[0-9a-f]{2}/gi;

/**
 * Whether `text` has a run of characters as long as the shortest needle whose every pair of
 * neighbours is a pair some needle (printable ASCII) has, in any letter case: true for every
 * text a needle matches in under the `i` flag, and by chance almost never for one it does not
 * (a key's pairs are a few dozen of the 9,025 printable ones). One pass over the text's
 * character codes, where the needles' alternation (a few hundred of them for a key and its
 * Base64 forms) costs several microseconds on every answer. Under `i` without `u`, no character
 * past ASCII matches an ASCII one (ECMAScript's Canonicalize), so such a character ends a run.
 */
function runFinder(needles: ReadonlySet<string>, isJoined = false): (text: string) => boolean {
	const pairs = new Uint8Array(128 * 128);
	let shortest = Number.POSITIVE_INFINITY;
	for (const needle of needles) {
		shortest = Math.min(shortest, needle.length);
		for (let i = 1; i < needle.length; i += 1)
			pairs[(foldAscii(needle.charCodeAt(i - 1)) << 7) | foldAscii(needle.charCodeAt(i))] = 1;
	}
	const pairsNeeded = shortest - 1;
	return (text) => {
		let run = 0;
		let before = 128;
		for (let i = 0; i < text.length; i += 1) {
			const code = text.charCodeAt(i);
			// `isJoined`: the text as `SEPARATORS` taken out would read it, a run going on across them.
			if (isJoined && !isKeyChar(code)) continue;
			const folded = code < 128 ? foldAscii(code) : 128;
			if (folded < 128 && before < 128 && pairs[(before << 7) | folded] === 1) {
				run += 1;
				if (run >= pairsNeeded) return true;
			} else run = 0;
			before = folded;
		}
		return false;
	};
}

/** An ASCII letter's lower case (the `i` flag's folding within ASCII); other codes as they are. */
function foldAscii(code: number): number {
	return code >= 65 && code <= 90 ? code + 32 : code;
}

/**
 * `secretRedactor(secrets)` for texts `secretFinder(secrets)` finds something in; every other
 * text is returned as it is, without running the masking patterns (nor compiling them, which
 * for a key's fragments takes milliseconds).
 */
export function guardedRedactor(secrets: readonly Secret[]): Redactor {
	const mayHold = directFinder(secrets);
	const masked = maskedWhole(secrets, mayHold);
	let full: Redactor | undefined;
	const isMasked = (joined: string) => {
		full ??= secretRedactor(secrets);
		return full(joined) !== joined;
	};
	// A secret in pieces is found in the text with its separators taken out, after the masking (a
	// whole secret masked leaves none): the whole text is withheld (finding AJ2).
	return (text) => {
		const out = masked(text);
		return isJoinedFound(out, mayHold) && isJoinedFound(out, isMasked) ? WITHHELD_PIECES : out;
	};
}

/** `guardedRedactor` but for secrets in pieces. */
function maskedWhole(secrets: readonly Secret[], mayHold: (text: string) => boolean): Redactor {
	let redact: Redactor | undefined;
	let spans: SpanFinder | undefined;
	return (text) => {
		// A text all ASCII is drawn as it is: masked where it holds a secret, as before.
		if (!mayLookAlike(text)) {
			if (!mayHold(text)) return text;
			if (text.length > PATTERN_SEARCH_MAX) return WITHHELD;
			redact ??= secretRedactor(secrets);
			return redact(text);
		}
		// Searched as drawn; every secret found there masks the whole original span it covers,
		// invisible characters and letters drawn alike included. The rest is kept as it is: a
		// name's zero-width joiner (Persian, Devanagari, emoji) or accent is no secret.
		const drawnText = drawnAs(text);
		if (!mayHold(drawnText)) return mayHold(text) ? redactAsIs(text) : text;
		if (drawnText.length > PATTERN_SEARCH_MAX) return WITHHELD;
		spans ??= spanFinder(secrets);
		return maskSpans(text, drawnWithOrigins(text), spans(drawnText));
	};

	function redactAsIs(text: string): string {
		if (text.length > PATTERN_SEARCH_MAX) return WITHHELD;
		redact ??= secretRedactor(secrets);
		return redact(text);
	}
}

interface Span {
	readonly start: number;
	readonly end: number;
	readonly mask: string;
}
type SpanFinder = (text: string) => Span[];

/**
 * Where `secretRedactor(secrets)` would mask in `text`, in the same order (longer secrets first),
 * each found span blanked with a character no pattern matches so that a later one cannot match
 * inside it, and offsets stay those of `text`.
 */
function spanFinder(secrets: readonly Secret[]): SpanFinder {
	const patterns = secrets
		.filter((s) => s.secret.length >= MIN_SECRET)
		.sort((a, b) => b.secret.length - a.secret.length)
		.map((s) => ({ pattern: new RegExp(secretPattern(s), "gi"), mask: s.mask }));
	return (text) => {
		const found: Span[] = [];
		let rest = text;
		for (const { pattern, mask } of patterns) {
			rest = rest.replace(pattern, (match: string, start: number) => {
				found.push({ start, end: start + match.length, mask });
				return BLANK.repeat(match.length);
			});
		}
		return found.sort((a, b) => a.start - b.start);
	};
}
/** A noncharacter: no secret has it, and under `i` without `u` it matches no other character. */
const BLANK = "\uffff";

/** `text` with each span found in its drawn form replaced, over the original characters it covers, by its mask. */
function maskSpans(text: string, drawn: Drawn, spans: readonly Span[]): string {
	let out = "";
	let at = 0;
	for (const { start, end, mask } of spans) {
		const from = drawn.from[start] ?? at;
		const to = drawn.to[end - 1] ?? from;
		out += `${text.slice(at, Math.max(at, from))}${mask}`;
		at = Math.max(at, to);
	}
	return out + text.slice(at);
}

/** A percent-escape, what a `%` in a masked run is part of (`charPattern`). */
const PERCENT_ESCAPE = /%[0-9a-f]{2}/i;

function literal(char: string): string {
	return char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
