import { describe, expect, it } from "vitest";
import { keySecrets } from "../../src/api/key-secrets.js";
import { drawnAs } from "../../src/api/look-alike.js";
import {
	guardedRedactor,
	secretFinder,
	secretRedactor,
	WITHHELD,
	WITHHELD_PIECES,
} from "../../src/api/redact.js";

const KEY = "pivotal_live_Hx93SECRETkey7777q9z8";
const SECRET = "live_Hx93SECRETkey7777q9z8";
const MASK = "pivotal_…q9z8";
const redact = secretRedactor([
	{ secret: KEY, mask: MASK },
	{ secret: SECRET, mask: MASK, fragments: true },
]);

const find = secretFinder([
	{ secret: KEY, mask: MASK },
	{ secret: SECRET, mask: MASK, fragments: true },
]);

describe("secretRedactor: the key however a server echoes it", () => {
	it.each([
		["the whole key", `Bearer ${KEY}`, `Bearer ${MASK}`],
		["its secret part", `x ${SECRET} y`, `x ${MASK} y`],
		["upper case", `Bearer ${KEY.toUpperCase()}`, `Bearer ${MASK}`],
		["lower case", `Bearer ${KEY.toLowerCase()}`, `Bearer ${MASK}`],
		["percent-encoded _", `a=${KEY.replaceAll("_", "%5F")}`, `a=${MASK}`],
		["percent-encoded, lower-case hex", `a=${KEY.replaceAll("_", "%5f")}`, `a=${MASK}`],
		[
			"every character percent-encoded",
			Array.from(KEY, (c) => `%${c.charCodeAt(0).toString(16)}`).join(""),
			MASK,
		],
		["cut short (first 12 of the secret)", `echo: ${SECRET.slice(0, 12)}`, `echo: ${MASK}`],
		["cut short (the key's first 20)", `echo: ${KEY.slice(0, 20)}…`, `echo: pivotal_${MASK}…`],
		["a middle run of 15", `[${SECRET.slice(5, 20)}]`, `[${MASK}]`],
		["a run of 12 in mixed case", `"${SECRET.slice(3, 15).toUpperCase()}"`, `"${MASK}"`],
		// `%` then two hex digits that begin the secret: decoded, they would hide it.
		["after a literal %", "100%ab12cd34ef56 off", "100%pivotal_…ef56 off", "pivotal_ab12cd34ef56"],
	])("%s", (_, text, expected, key = KEY) => {
		const secret = key.slice("pivotal_".length);
		const mask = `pivotal_…${key.slice(-4)}`;
		const redact = secretRedactor([
			{ secret: key, mask },
			{ secret, mask, fragments: true },
		]);
		const find = secretFinder([
			{ secret: key, mask },
			{ secret, mask, fragments: true },
		]);
		const out = redact(text);
		expect(out).toBe(expected);
		expect(out.toLowerCase()).not.toContain(secret.slice(0, 12).toLowerCase());
		// The quick search that lets a text skip redaction finds it too.
		expect(find(text)).toBe(true);
	});

	it.each([
		["11 characters of the secret are not a key", `id ${SECRET.slice(0, 11)} ok`],
		["ordinary text", "slug_taken: the slug is in use"],
		["the mask itself", `Bearer ${MASK}`],
	])("left alone: %s", (_, text) => {
		expect(redact(text)).toBe(text);
		expect(find(text)).toBe(false);
	});

	it("the quick search finds whatever the masking finds, over runs of every length and offset", () => {
		const forms = [
			(t: string) => t,
			(t: string) => t.toUpperCase(),
			(t: string) => t.replaceAll("_", "%5f"),
			// A `%` that is no escape (a progress line's "(1%)"), beside the run as it is or escaped.
			(t: string) => `(1%) ${t} 100%`,
			(t: string) => `(1%) ${t.replaceAll("_", "%5F")} %z`,
		];
		for (let start = 0; start < KEY.length; start += 1) {
			for (let end = start + 1; end <= KEY.length; end += 1) {
				for (const form of forms) {
					const text = `{"x":"a${form(KEY.slice(start, end))}b"}`;
					// A run the masking finds once the separators are out is found too: a key in
					// pieces (adversarial finding AJ2).
					const joined = text.replace(/[^A-Za-z0-9_]+/g, "");
					expect(find(text), text).toBe(redact(text) !== text || redact(joined) !== joined);
				}
			}
		}
	});

	it("the guarded redactor gives the masking's answer for every text, found or not (drawn as it is shown)", () => {
		const guarded = guardedRedactor([
			{ secret: KEY, mask: MASK },
			{ secret: SECRET, mask: MASK, fragments: true },
		]);
		const forms = [
			(t: string) => t,
			(t: string) => t.toUpperCase(),
			(t: string) => t.replaceAll("_", "%5F"),
			// The Kelvin sign is drawn as a K: the text is masked as drawn (finding L2).
			(t: string) => t.replaceAll("k", "\u212a"),
		];
		for (let start = 0; start < KEY.length; start += 3) {
			for (let end = start + 1; end <= KEY.length; end += 1) {
				for (const form of forms) {
					const text = `{"x":"a${form(KEY.slice(start, end))}b"}`;
					const drawn = drawnAs(text);
					// Masked where the text as drawn holds the key, over the original characters it covers.
					if (drawn === text) expect(guarded(text), text).toBe(redact(text));
					else expect(drawnAs(guarded(text)), text).toBe(drawnAs(redact(drawn)));
				}
			}
		}
		expect(guarded("slug_taken: the slug is in use")).toBe("slug_taken: the slug is in use");
	});
});

describe("secretFinder's pass over character pairs: never a text the needles' search finds missed", () => {
	// The needles the quick search looks for: the key, and every run of 12 of its secret part.
	const needles = [KEY, ...Array.from({ length: SECRET.length - 11 }, (_, i) => SECRET.slice(i, i + 12))];
	const reference = new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|"), "i");
	// A seeded generator: the same texts on every run.
	let seed = 19;
	const next = (n: number) => {
		seed = (seed * 48271) % 2147483647;
		return seed % n;
	};
	const alphabet = `${SECRET}${SECRET.toUpperCase()} _-:"{},.ıſKé😀\u200b0123456789abcxyz`;
	const junk = (length: number) =>
		Array.from({ length }, () => alphabet[next(alphabet.length)] ?? "x").join("");
	const recased = (text: string) =>
		Array.from(text, (c) => (next(2) === 0 ? c.toUpperCase() : c.toLowerCase())).join("");

	it("agrees with the needles' search over 20,000 generated texts (none with a %)", () => {
		let found = 0;
		for (let i = 0; i < 20_000; i += 1) {
			const from = next(SECRET.length);
			const piece = recased(SECRET.slice(from, from + 9 + next(8)));
			// Runs of the secret 9 to 16 long, cut by a character past ASCII or not, among junk.
			const cut = next(4) === 0 ? (["ı", "ſ", "K", "é"][next(4)] ?? "") : "";
			const at = next(piece.length + 1);
			const text = `${junk(next(40))}${piece.slice(0, at)}${cut}${piece.slice(at)}${junk(next(40))}`;
			// Through invisible characters and letters drawn alike too, as secretFinder reads a text.
			const visible = text.replace(/[\p{Default_Ignorable_Code_Point}]/gu, "");
			const expected =
				reference.test(text) ||
				reference.test(visible) ||
				reference.test(drawnAs(visible)) ||
				reference.test(text.replace(/[^A-Za-z0-9_]+/g, ""));
			if (expected) found += 1;
			expect(find(text), text).toBe(expected);
		}
		// Both outcomes were generated many times.
		expect(found).toBeGreaterThan(2_000);
		expect(found).toBeLessThan(18_000);
	});
});

describe("a key echoed in letters drawn alike (adversarial finding L2)", () => {
	const key = "pivotal_KabcdefghKjkmnopqrKstuvwxyzK01234567K";
	const secrets = keySecrets(key);
	const guarded = guardedRedactor(secrets);
	const spot = secretFinder(secrets);
	const between = (mark: string) => Array.from(key, (c) => `${c}${mark}`).join("");
	it.each([
		["the Kelvin sign for every K", key.replaceAll("K", "\u212a")],
		["fullwidth forms", Array.from(key, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("")],
		["a combining low line after each letter", between("\u0332")],
		["an Egyptian format control between letters", between("\u{13430}")],
		["an Arabic number sign between letters", between("\u0600")],
		["Cyrillic а and dotless ı", key.replaceAll("a", "\u0430").replaceAll("i", "\u0131")],
	])("%s: found, and shown masked", (_, echoed) => {
		const text = `Key ${echoed} rejected`;
		expect(spot(text)).toBe(true);
		const shown = guarded(text);
		expect(shown).toContain("rejected");
		expect(shown.toLowerCase()).not.toContain("abcdefghkjkm");
		expect(shown).not.toContain(echoed);
	});

	it("a name in another script, or with accents, is left as it is", () => {
		for (const name of ["José Ñúñez", "Алексей Смирнов", "山田太郎", "مرحبا\u200cبك", "Ωmega Ltd"]) {
			expect(spot(name)).toBe(false);
			expect(guarded(name)).toBe(name);
		}
	});
});

describe("a key split by invisible characters is masked whole (adversarial finding N5)", () => {
	const key = "pivotal_test_advn_secret_KEY_123456789";
	const guarded = guardedRedactor(keySecrets(key));
	const mask = "pivotal_test_…6789";
	it.each([
		["a zero-width space after 24", "one: pivotal_test_advn_secret\u200b_KEY_123456789", "one: MASK"],
		["a zero-width space near the end", "pivotal_test_advn_secret_KEY_12\u200b3456789 x", "MASK x"],
		["two, in a run without the prefix", "(advn_secre\u200bt_KEY_123456\u200b789)", "(MASK)"],
		["a soft hyphen and a word joiner", "k=pivotal_test_advn_se\u00adcret_KEY_1234\u2060567 89", "k=MASK 89"],
		["a Kelvin sign beside a zero-width space", "pivotal_test_advn_secret_\u212a\u200bEY_123456789", "MASK"],
		["a right-to-left override inside", "pivotal_test_advn_secret_KEY\u202e_123456789!", "MASK!"],
	])("%s", (_, text, expected) => {
		const shown = guarded(text);
		expect(shown).toBe(expected.replace("MASK", mask));
		// Nothing of the secret is left beside the mask, read as drawn.
		expect(drawnAs(shown).toLowerCase()).not.toMatch(/advn|secret|_key_|12345/);
	});

	it("an invisible character outside the key, and a name's joiner, are kept", () => {
		expect(guarded("\u200bpivotal_test_advn_secret_KEY_123456789 مرحبا\u200cبك")).toBe(
			`\u200b${mask} مرحبا\u200cبك`,
		);
	});
});

describe("a long text of percent-escapes (adversarial finding L9)", () => {
	const key = "pivotal_KabcdefghKjkmnopqrKstuvwxyzK01234567K";
	const secrets = keySecrets(key);
	const escaped = (text: string) => Array.from(text, (c) => `%${c.charCodeAt(0).toString(16)}`).join("");
	// Eleven characters of the secret, escaped: one short of a run, a megabyte of them.
	const nearMisses = `${escaped("KabcdefghKj")}!`.repeat(30_000);

	it("near-misses are not a key: found nowhere, the text left as it is", () => {
		expect(secretFinder(secrets)(nearMisses)).toBe(false);
		expect(guardedRedactor(secrets)(nearMisses)).toBe(nearMisses);
	});

	it("the key escaped among them is found, and the text withheld rather than masked for seconds", () => {
		const text = `${nearMisses}${escaped(key.slice(10, 30))}`;
		expect(secretFinder(secrets)(text)).toBe(true);
		expect(guardedRedactor(secrets)(text)).toBe(WITHHELD);
	});

	it("a short text mixing escapes and characters is masked as before", () => {
		const mixed = `x ${key.slice(8, 14)}${escaped(key.slice(14, 22))} y`;
		expect(secretFinder(secrets)(mixed)).toBe(true);
		expect(guardedRedactor(secrets)(mixed)).not.toContain(escaped(key.slice(14, 22)));
	});
});

describe("a key echoed in pieces with separators between them (adversarial finding AJ2)", () => {
	const guarded = guardedRedactor([
		{ secret: KEY, mask: MASK },
		{ secret: SECRET, mask: MASK, fragments: true },
	]);
	it.each([
		["pieces of ten, spaced", KEY.match(/.{1,10}/g)?.join(" ") ?? ""],
		["pieces of ten, hyphened", KEY.match(/.{1,10}/g)?.join("-") ?? ""],
		["a space after each character", KEY.split("").join(" ")],
		["two pieces of eleven in a name", `WS ${KEY.slice(0, 11)} ${KEY.slice(11, 22)}`],
	])("%s: the text is withheld, found by the quick search", (_, echoed) => {
		const text = `key is ${echoed}!`;
		expect(find(text)).toBe(true);
		expect(guarded(text)).toBe(WITHHELD_PIECES);
	});

	it("ordinary texts, and a key masked whole, are kept", () => {
		for (const text of [
			"slug_taken: the slug is in use",
			`Bearer ${MASK} refused`,
			"Hx93 is a code; key 7777",
		])
			expect(guarded(text)).toBe(text);
		expect(guarded(`Bearer ${KEY}`)).toBe(`Bearer ${MASK}`);
	});
});
