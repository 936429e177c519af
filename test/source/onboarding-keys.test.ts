import { describe, expect, it } from "vitest";
import { StringSet } from "../../src/source/key-sets.js";
import { OnboardingNames, onboardingKey, pairOf } from "../../src/source/onboarding-keys.js";

const NFC = "Caf\u00e9 Rollout";
const NFD = "Cafe\u0301 Rollout";

/** The tally of a file's rows, each `[customer, name]` in file order. */
function tally(rows: readonly [string, string | undefined][]): OnboardingNames {
	const names = new OnboardingNames();
	for (const [customer, name] of rows) names.add(customer, name);
	return names;
}

describe("onboardingKey", () => {
	it("keys a name unique within its customer by the name, whichever Unicode form the export wrote", () => {
		const names = tally([["c-1", NFC]]);
		expect(NFC).not.toBe(NFD);
		expect(onboardingKey("c-1", 1, NFC, names)).toBe(`c-1/name:${NFC}`);
		expect(onboardingKey("c-1", 1, NFD, names)).toBe(`c-1/name:${NFC}`);
		expect(pairOf("c-1", NFD)).toBe(pairOf("c-1", NFC));
	});

	it.each<[string, string | undefined, number, string]>([
		["a repeated name by position", "Rollout", 2, "c-1/#2"],
		["a blank name by position", undefined, 3, "c-1/#3"],
		["a / and a % escaped", "50% / phase 2", 4, "c-1/name:50%25 %2F phase 2"],
	])("%s", (_, name, n, expected) => {
		const names = tally([
			["c-1", "Rollout"],
			["c-1", " Rollout "],
			["c-1", undefined],
			["c-1", "50% / phase 2"],
		]);
		expect(onboardingKey("c-1", n, name, names)).toBe(expected);
	});
});

describe("OnboardingNames.holds: the keys a file's rows hold", () => {
	const names = tally([
		["c-1", "Kickoff"],
		["c-1", "Rollout"],
		["c-1", ""],
		["c-2", "Rollout"],
		["c-1", "Rollout"],
		["", "Setup"],
		["c-1", "50% / phase 2"],
	]);
	it.each<[string, boolean]>([
		["c-1/name:Kickoff", true],
		["c-1/#1", false],
		// Rollout is repeated within c-1: both of its rows (positions 2 and 4) are numbered.
		["c-1/name:Rollout", false],
		["c-1/#2", true],
		["c-1/#4", true],
		["c-1/#3", true],
		["c-1/#5", false],
		["c-1/name:50%25 %2F phase 2", true],
		["c-2/name:Rollout", true],
		["c-2/#1", false],
		["/name:Setup", false],
		["c-1/6", false],
	])("%s → %s", (key, held) => {
		expect(names.holds(key)).toBe(held);
	});

	it("counts a name by customer, trimmed, in any Unicode form", () => {
		const nf = tally([
			["c-1", NFC],
			["c-1", ` ${NFD}`],
		]);
		expect(nf.count("c-1", NFD)).toBe(2);
		expect(nf.count("c-2", NFC)).toBe(0);
		expect(nf.holds("c-1/#1")).toBe(true);
		expect(nf.holds("c-1/#2")).toBe(true);
	});

	it("counts a name as the rows so far carry it when asked right after each row, as a row is keyed", () => {
		const names = new OnboardingNames();
		const asked: number[] = [];
		const rows: [string, string | undefined, string][] = [
			["c-1", "Setup", "Setup"],
			["c-1", " Setup ", "Setup"],
			["c-1", "Setup", " Setup"],
			["c-1", undefined, "Setup"],
			["c-1", NFD, NFC],
			["c-2", "Setup", "Setup"],
			["c-2", "Other", "Setup"],
			["c-1", NFC, NFD],
			["c-1", "Setup", "Setup"],
		];
		for (const [customer, name, askedName] of rows) {
			names.add(customer, name);
			asked.push(names.count(customer, askedName));
		}
		expect(asked).toEqual([1, 2, 3, 3, 1, 1, 1, 2, 4]);
		expect(names.count("c-1", "Setup")).toBe(4);
		expect(names.count("c-1", NFD)).toBe(2);
	});

	it("holds a name's key in NFC only: one written in NFD by an earlier version is no row's", () => {
		const nf = tally([["c-1", NFD]]);
		expect(nf.holds(`c-1/name:${NFC}`)).toBe(true);
		expect(nf.holds(`c-1/name:${NFD}`)).toBe(false);
	});
});

describe("OnboardingNames over thousands of rows", () => {
	it.each([
		["without the customers' ids", false],
		["with the customers file's ids", true],
	])("counts and keys as a plain tally does, %s", (_, hasIds) => {
		const ids = new StringSet();
		for (let c = 0; c < 3000; c += 2) ids.add(`cus_${c}`);
		const names = new OnboardingNames(hasIds ? ids : undefined);
		const rows: [string, string][] = [];
		for (let i = 0; i < 9000; i++) rows.push([`cus_${(i * 7919) % 3000}`, `Phase ${(i * 31) % 5}`]);
		const pairs = new Map<string, number>();
		const positions = new Map<string, number>();
		for (const [customer, name] of rows) {
			names.add(customer, name);
			pairs.set(`${customer}|${name}`, (pairs.get(`${customer}|${name}`) ?? 0) + 1);
			positions.set(customer, (positions.get(customer) ?? 0) + 1);
			expect(names.count(customer, name)).toBe(pairs.get(`${customer}|${name}`));
		}
		for (const [customer, name] of rows.slice(0, 500))
			expect(names.count(customer, ` ${name}`)).toBe(pairs.get(`${customer}|${name}`));
		expect(names.count("cus_1", "Phase 9")).toBe(0);
		const keyed = new Map<string, number>();
		for (const [customer, name] of rows) {
			const n = (keyed.get(customer) ?? 0) + 1;
			keyed.set(customer, n);
			const key = onboardingKey(customer, n, name, names);
			expect(key).toBe(
				pairs.get(`${customer}|${name}`) === 1 ? `${customer}/name:${name}` : `${customer}/#${n}`,
			);
			expect(names.holds(key)).toBe(true);
		}
		expect(names.isAnyRepeated).toBe(true);
	});
});
