import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isTestKey, keyFingerprint, maskKey, validateKeyShape } from "../../src/api/key.js";

const LIVE = "pivotal_K8s9fJ2mQ7xZ4vN1a1b2";
const TEST = "pivotal_test_Zk3mQ9sW2xV7bN4pL8c3d4";

/** Longest run of characters `shown` shares with `key` outside the known prefixes. */
function leakedSecretChars(key: string, shown: string): number {
	const secret = key.replace(/^bearer\s+/i, "").replace(/^pivotal_(test_)?/, "");
	let longest = 0;
	for (let i = 0; i < secret.length; i++) {
		for (let j = i + 1; j <= secret.length; j++) {
			if (shown.includes(secret.slice(i, j))) longest = Math.max(longest, j - i);
		}
	}
	return longest;
}

describe("maskKey", () => {
	it("keeps the prefix and the last 4 characters", () => {
		expect(maskKey(LIVE)).toBe("pivotal_…a1b2");
		expect(maskKey(TEST)).toBe("pivotal_test_…c3d4");
	});

	it.each([
		["", "(invalid key)"],
		["abc", "(invalid key)"],
		["pivotal_", "(invalid key)"],
		["pivotal_short1", "(invalid key)"],
		["pivotal_ab", "(invalid key)"],
		["pivotal_short123", "…23"],
		["sk_live_abcdefghijkl", "…kl"],
		["pivotal_abcdefghijkl\n", "(invalid key)"],
		["pivotal_abcdefghijk€€", "(invalid key)"],
	])("masks garbage %j as %j", (key, masked) => {
		expect(maskKey(key)).toBe(masked);
	});

	it("never reveals more than 4 secret characters for any key shape", () => {
		const keys = [LIVE, TEST, "pivotal_abcdefgh", "pivotal_test_abcdefghijk", "abcdefgh", "x".repeat(80)];
		for (const key of keys) expect(leakedSecretChars(key, maskKey(key))).toBeLessThanOrEqual(4);
	});
});

describe("isTestKey", () => {
	it("tells test keys from live keys", () => {
		expect(isTestKey(TEST)).toBe(true);
		expect(isTestKey(LIVE)).toBe(false);
		expect(isTestKey("pivotal_testing123456789")).toBe(false);
	});
});

describe("keyFingerprint", () => {
	it("is sha256: and the first 16 hex characters of the key's SHA-256", () => {
		const hex = createHash("sha256").update(LIVE).digest("hex");
		expect(keyFingerprint(LIVE)).toBe(`sha256:${hex.slice(0, 16)}`);
		expect(keyFingerprint(LIVE)).toMatch(/^sha256:[0-9a-f]{16}$/);
	});

	it("differs between keys and reveals nothing of the key", () => {
		expect(keyFingerprint(LIVE)).not.toBe(keyFingerprint(TEST));
		expect(keyFingerprint(LIVE)).not.toContain("pivotal");
		expect(leakedSecretChars(LIVE, keyFingerprint(LIVE))).toBeLessThanOrEqual(3);
	});
});

describe("validateKeyShape", () => {
	it("accepts well-formed live and test keys", () => {
		expect(validateKeyShape(LIVE)).toBeUndefined();
		expect(validateKeyShape(TEST)).toBeUndefined();
	});

	it.each([
		["", /empty/],
		["   ", /empty/],
		[`Bearer ${LIVE}`, /Bearer/],
		[` ${LIVE}`, /spaces or line breaks/],
		[`${LIVE}\n`, /spaces or line breaks/],
		["pivotal_abcdéfghij", /characters/],
		["sk_live_1234567890abcdef", /does not start with “pivotal_”/],
		["pivotal_abc", /too short/],
	])("rejects %j in one sentence without echoing it", (key, problem) => {
		const message = validateKeyShape(key);
		expect(message).toMatch(problem);
		expect(message).toMatch(/^[A-Z][^\n]*\.$/);
		if (key.trim() !== "") expect(message).not.toContain(key.trim());
		expect(leakedSecretChars(key, message ?? "")).toBeLessThanOrEqual(3);
	});
});
