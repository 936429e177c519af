/**
 * How a sync's edit guard and undo compare what Pivotal holds with what the import wrote: a day
 * and its timestamp are one value, an e-mail in any case is one address, and nothing else is
 * loosened. Any 10 characters were taken for the day at the start of any longer text (a rename
 * keeping them was never sent, an edit keeping them overwritten) and any text with an `@` was
 * compared in any case (adversarial finding V7).
 */
import { describe, expect, it } from "vitest";
import { isSameValue } from "../../../src/core/plan/edit-guard.js";
import { restoreFields } from "../../../src/core/undo/restore-fields.js";

describe("the same value, as the edit guard and undo compare", () => {
	it.each([
		["2026-03-04", "2026-03-04T00:00:00Z"],
		["2026-03-04T00:00:00.000Z", "2026-03-04"],
		["Ann@One.example", "ann@one.example"],
		["Acme", "Acme"],
		[null, undefined],
		[[], undefined],
	])("%j is %j", (a, b) => {
		expect(isSameValue(a, b)).toBe(true);
	});

	it.each([
		["Atlas Tech", "Atlas Tech Q"],
		["Atlas Tech Q", "Atlas Tech"],
		["Atlas Tech", "Atlas Tech (renamed by CSM)"],
		["2026-03-04", "2026-03-04 notes"],
		["2026-03-04", "2026-03-05T00:00:00Z"],
		["Some@Title", "SOME@TITLE"],
		["Acme", "acme"],
	])("%j is not %j", (a, b) => {
		expect(isSameValue(a, b)).toBe(false);
	});

	it("undo keeps a name edited in Pivotal that starts with the ten characters the import wrote", () => {
		const decision = restoreFields(
			{ name: "Atlas" },
			{ name: "Atlas Tech" },
			{ name: "Atlas Tech (renamed by CSM)" },
		);
		expect(decision.kept).toEqual(["name"]);
		expect(decision.patch).toBeUndefined();
	});
});
