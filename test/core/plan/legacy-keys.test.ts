import { describe, expect, it } from "vitest";
import { type LegacyEntry, looseName, pickLegacy } from "../../../src/core/plan/legacy-keys.js";

const entries: readonly LegacyEntry[] = [
	{ key: "k1/1", n: 1, name: "Pilot" },
	{ key: "k1/2", n: 2, name: "Expansion" },
	{ key: "k1/3", n: 3, name: "Twin" },
	{ key: "k1/4", n: 4, name: "Twin" },
	{ key: "k1/5", n: 5, name: null },
	{ key: "k1/6", n: 6, name: undefined },
];

describe("pickLegacy: the positional entry an onboarding row takes", () => {
	const rows: readonly [
		string,
		string | undefined,
		number | undefined,
		readonly string[],
		string | undefined,
	][] = [
		["by name, wherever it stood", "Expansion", undefined, [], "k1/2"],
		["a repeated name at its own position first", "Twin", 4, [], "k1/4"],
		["a repeated name, the first free otherwise", "Twin", 9, ["k1/3"], "k1/4"],
		["a name no entry has: none (a new onboarding)", "Launch", undefined, [], undefined],
		["a name no entry has, at a position with no values known: that entry", "Launch", 5, [], "k1/5"],
		["no name: the entry written with no name", undefined, 2, [], "k1/6"],
		["taken already: none", "Pilot", 1, ["k1/1"], undefined],
	];
	for (const [name, rowName, n, claimed, expected] of rows) {
		it(name, () => {
			expect(pickLegacy(entries, rowName, n, new Set(claimed))?.key).toBe(expected);
		});
	}
});

describe("pickLegacy: rows of one name told apart by their values", () => {
	const twins: readonly LegacyEntry[] = [
		{ key: "k2/#1", n: 1, name: "Rollout", values: { name: "Rollout", phase: "review", notes: "EU" } },
		{ key: "k2/#2", n: 2, name: "Rollout", values: { name: "Rollout", phase: "launch", notes: "US" } },
		{ key: "k2/#3", n: 3, name: "Rollout", values: { name: "Rollout", phase: "launch", notes: "US" } },
	];
	const distanceTo =
		(row: Record<string, string>) =>
		(e: LegacyEntry): number =>
			Object.entries(row).filter(([field, value]) => e.values?.[field] !== value).length;
	const rows: readonly [string, Record<string, string>, number | undefined, string][] = [
		["the same values", { name: "Rollout", phase: "launch", notes: "US" }, undefined, "k2/#2"],
		[
			"changed in one field: the closest",
			{ name: "Rollout", phase: "review", notes: "US, moved" },
			undefined,
			"k2/#1",
		],
		["a tie: the one at the row's position", { name: "Rollout", phase: "launch", notes: "US" }, 3, "k2/#3"],
		[
			"nothing alike: the first",
			{ name: "Rollout", phase: "internal_qa", notes: "APAC" },
			undefined,
			"k2/#1",
		],
	];
	for (const [name, row, n, expected] of rows) {
		it(name, () => {
			expect(pickLegacy(twins, "Rollout", n, new Set(), distanceTo(row))?.key).toBe(expected);
		});
	}
});

describe("looseName: what a change of spelling only leaves as it was", () => {
	it.each([
		["Kickoff", "Kick-off"],
		["On-boarding", "Onboarding"],
		["KICK OFF", "kick off"],
		["Démarrage Été", "Demarrage Ete"],
		["Straße Rollout", "Strasse Rollout"],
		["Wave 2", "Wave-2"],
		["Łódź Rollout", "Lodz Rollout"],
		["Øresund", "Oresund"],
		["Æble Go", "AEble Go"],
	])("%j is %j", (a, b) => {
		expect(looseName(a)).toBe(looseName(b));
	});

	it.each([
		["Store 1/2", "Store 12"],
		["Phase 1.1", "Phase 11"],
		["Q1-25", "Q125"],
		["Kickoff", "Go-live"],
		// Symbols that carry meaning (adversarial finding T11).
		["Rollout 🇩🇪", "Rollout 🇫🇷"],
		["C# migration", "C++ migration"],
		["Tier +", "Tier -"],
		["Phase 1+2", "Phase 12"],
	])("%j is not %j (digits parted by punctuation are other numbers)", (a, b) => {
		expect(looseName(a)).not.toBe(looseName(b));
	});
});
