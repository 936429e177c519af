import { describe, expect, it } from "vitest";
import { type LegacyEntry, pickLegacy } from "../../../src/core/plan/legacy-keys.js";

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
