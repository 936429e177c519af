import { describe, expect, it } from "vitest";
import { onboardingKey, pairOf } from "../../src/source/onboarding-keys.js";

const NFC = "Caf\u00e9 Rollout";
const NFD = "Cafe\u0301 Rollout";

describe("onboardingKey", () => {
	it("keys a name unique within its customer by the name, whichever Unicode form the export wrote", () => {
		const counts = new Map([[pairOf("c-1", NFC), 1]]);
		expect(NFC).not.toBe(NFD);
		expect(onboardingKey("c-1", 1, NFC, counts)).toBe(`c-1/name:${NFC}`);
		expect(onboardingKey("c-1", 1, NFD, counts)).toBe(`c-1/name:${NFC}`);
		expect(pairOf("c-1", NFD)).toBe(pairOf("c-1", NFC));
	});

	it.each<[string, string | undefined, number, string]>([
		["a repeated name by position", "Rollout", 2, "c-1/#2"],
		["a blank name by position", undefined, 3, "c-1/#3"],
		["a / and a % escaped", "50% / phase 2", 1, "c-1/name:50%25 %2F phase 2"],
	])("%s", (_, name, n, expected) => {
		const counts = new Map([
			[pairOf("c-1", "Rollout"), 2],
			[pairOf("c-1", "50% / phase 2"), 1],
		]);
		expect(onboardingKey("c-1", n, name, counts)).toBe(expected);
	});
});
