import { describe, expect, it } from "vitest";
import { maskKey } from "../../src/api/key.js";
import { base64Runs, keySecrets } from "../../src/api/key-secrets.js";
import { guardedRedactor, secretFinder, secretRedactor } from "../../src/api/redact.js";

const KEY = "pivotal_Zq7Xw3Rt9Lm2Np5Kv8Bc4Hd6Jf1Gs0Ya";
const secrets = keySecrets(KEY);
const redact = secretRedactor(secrets);
const find = secretFinder(secrets);

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** Whether any base64 decoding of `text`'s runs at any offset still spells the key's secret. */
function decodesToKey(text: string): boolean {
	const secret = KEY.slice("pivotal_".length, "pivotal_".length + 12);
	for (const alphabet of ["base64", "base64url"] as const) {
		for (let from = 0; from < 4; from += 1) {
			if (Buffer.from(text.slice(from), alphabet).toString("latin1").includes(secret)) return true;
		}
	}
	return false;
}

describe("keySecrets: the key base64-encoded, as a gateway echoes an Authorization", () => {
	it.each([
		["the key", b64(KEY)],
		["Bearer and the key", b64(`Bearer ${KEY}`)],
		["Basic auth, the key as user", b64(`${KEY}:`)],
		["Basic auth, the key as password", b64(`api:${KEY}`)],
		["base64url of the key", b64url(KEY)],
		["inside a larger token", b64(`{"sub":"ops","key":"${KEY}","n":1}`)],
		["url-safe inside a larger token", b64url(`xx${KEY}yy`)],
	])("%s is masked and found", (_, encoded) => {
		const text = `{"error":{"message":"rejected ${encoded}"}}`;
		expect(decodesToKey(text)).toBe(true);
		const out = redact(text);
		expect(decodesToKey(out)).toBe(false);
		expect(out).toContain("pivotal_…s0Ya");
		expect(find(text)).toBe(true);
	});

	it.each([
		["wrapped at 76 (MIME, PEM, coreutils base64)", (e: string) => e.replace(/(.{76})/g, "$1\n")],
		["wrapped at 76, the break escaped in JSON", (e: string) => e.replace(/(.{76})/g, "$1\\n")],
		["cut short", (e: string) => e.slice(0, 40)],
	])("the key's base64 %s is masked: no 12 characters of it left in a row", (_, shape) => {
		const encoded = shape(b64(`Bearer ${KEY}${KEY}`));
		const out = redact(`{"error":{"message":"rejected ${encoded}"}}`);
		expect(out).toContain("pivotal_…s0Ya");
		const runs = base64Runs(Buffer.from(KEY, "utf8"));
		for (const run of runs)
			for (let i = 0; i + 12 <= run.length; i += 1) expect(out).not.toContain(run.slice(i, i + 12));
	});

	it("leaves ordinary base64 alone", () => {
		const text = `{"avatar":"${b64("a picture of the Acme logo, 128 by 128 pixels")}"}`;
		expect(redact(text)).toBe(text);
		expect(find(text)).toBe(false);
	});

	it("gives one run per alignment and alphabet, each decided by the key's bytes alone", () => {
		const runs = base64Runs(Buffer.from(KEY, "utf8"));
		expect(runs.length).toBeGreaterThanOrEqual(3);
		for (const run of runs) expect(run.length).toBeGreaterThanOrEqual(16);
		// Whatever comes before or after the key, one of the runs stands in its base64.
		for (const before of ["", "a", "ab", "abc", "Bearer "]) {
			for (const after of ["", ":", "xy"]) {
				const encoded = b64(`${before}${KEY}${after}`);
				expect(runs.some((run) => encoded.includes(run))).toBe(true);
			}
		}
	});
});

describe("the key with invisible characters between its letters, which a terminal draws as the key", () => {
	const guarded = guardedRedactor(secrets);
	const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\ufff9-\ufffb]/gu;
	it.each([
		["zero-width spaces", "\u200b"],
		["soft hyphens", "\u00ad"],
		["word joiners", "\u2060"],
		["byte-order marks", "\ufeff"],
		["Arabic letter marks", "\u061c"],
		["Mongolian vowel separators", "\u180e"],
		["combining grapheme joiners", "\u034f"],
		["variation selectors", "\ufe0f"],
		["tag characters", "\u{e0020}"],
		["right-to-left overrides", "\u202e"],
		["Hangul fillers", "\u3164"],
		["interlinear annotation anchors", "\ufff9"],
	])("interleaved with %s: found and masked", (_name, mark) => {
		const text = `error for ${Array.from(KEY).join(mark)} at the gateway`;
		expect(find(text)).toBe(true);
		const out = guarded(text);
		expect(out.replace(INVISIBLE, "")).not.toContain(KEY.slice("pivotal_".length, "pivotal_".length + 12));
		expect(out).toMatch(/^error for .* at the gateway$/);
	});

	it("a name's zero-width joiners, with no key behind them, are kept as they are", () => {
		const names = ["می\u200cخواهم", "क्\u200dष", "👩\u200d💻 Dev"];
		for (const name of names) {
			expect(find(name)).toBe(false);
			expect(guarded(name)).toBe(name);
		}
	});
});

describe("a run of the key across its prefix (adversarial finding L10)", () => {
	// Every run of 12 of the whole key that reaches past the prefix Pivotal shows as safe to log:
	// the key's head (`pivotal_`, `pivotal_test_`) and 4 characters after it. Not fewer: a run of
	// the head and a character or two matches another key's head (adversarial finding O3).
	const cases = (key: string, prefix: number) =>
		Array.from({ length: key.length - 11 }, (_, i) => key.slice(i, i + 12)).filter((_, i) => i + 12 > prefix);

	it.each([
		["a live key", "pivotal_KabcdefghKjkmnopqrKstuvwxyzK01234567K", "pivotal_Kabc".length],
		["a test key", "pivotal_test_Zq7Xw3Rt9Lm2Np5Kv8Bc4Hd6", "pivotal_test_Zq7X".length],
	])("%s: every 12-character run past the prefix Pivotal shows is found and masked", (_, key, prefix) => {
		const keyed = keySecrets(key);
		const guarded = guardedRedactor(keyed);
		const spot = secretFinder(keyed);
		for (const run of cases(key, prefix)) {
			for (const echoed of [run, run.toUpperCase(), `${run}…`]) {
				const text = `{"code":"bad_${echoed}","message":"Key ${echoed} rejected"}`;
				expect(spot(text), text).toBe(true);
				const shown = guarded(text);
				expect(shown.toLowerCase(), text).not.toContain(run.toLowerCase());
				expect(shown).toContain(" rejected");
			}
		}
		// The finding's echo: the key cut to 19 characters, `pivotal_` and 11 of the secret.
		expect(guarded(`Key ${key.slice(0, 19)} rejected`)).toBe(`Key ${maskKey(key)} rejected`);
	});

	it("the prefix Pivotal shows (GET /me's api_key.prefix) is left as it is, and costs no masking", () => {
		const key = "pivotal_KabcdefghKjkmnopqrKstuvwxyzK01234567K";
		const keyed = keySecrets(key);
		const me = `{"object":"me","api_key":{"name":"Live key pivotal_Kabc","prefix":"pivotal_Kabc"}}`;
		expect(secretFinder(keyed)(me)).toBe(false);
		expect(guardedRedactor(keyed)(me)).toBe(me);
		// One character more is past it: masked.
		expect(guardedRedactor(keyed)("Key pivotal_Kabcd rejected")).toBe(`Key ${maskKey(key)} rejected`);
	});

	it("the prefix alone, or with a character the key does not have next, is no secret", () => {
		const key = "pivotal_test_Zq7Xw3Rt9Lm2Np5Kv8Bc4Hd6";
		const keyed = keySecrets(key);
		for (const text of [
			"pivotal_test_",
			"use a pivotal_test_ key",
			"pivotal_test_Yq7Xw3Rt9Lm",
			// Another test key whose secret starts with the same letter, in another case.
			"pivotal_test_zbcdefgh12345678",
			"PIVOTAL_API_KEY",
		]) {
			expect(secretFinder(keyed)(text), text).toBe(false);
			expect(guardedRedactor(keyed)(text)).toBe(text);
		}
	});
});
