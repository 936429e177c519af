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
		["2026-03-04", "2026-03-04T00:00:00Z", "date"],
		["2026-03-04T00:00:00.000Z", "2026-03-04", "date"],
		// One instant written in two offsets (finding W2: compared by the day, this was an edit).
		["2026-03-15T23:30:00-05:00", "2026-03-16T04:30:00.000Z", "date"],
		["Ann@One.example", "ann@one.example", "lower"],
		["Acme", "Acme", undefined],
		[null, undefined, undefined],
		[[], undefined, undefined],
	] as const)("%j is %j (form %s)", (a, b, form) => {
		expect(isSameValue(a, b, form)).toBe(true);
	});

	it.each([
		["Atlas Tech", "Atlas Tech Q", undefined],
		["Atlas Tech Q", "Atlas Tech", undefined],
		["Atlas Tech", "Atlas Tech (renamed by CSM)", undefined],
		["2026-03-04", "2026-03-04 notes", "date"],
		["2026-03-04", "2026-03-05T00:00:00Z", "date"],
		// A new time of day is an edit, in Pivotal or in the file (finding W2).
		["2026-03-15T10:00:00Z", "2026-03-15T11:00:00.000Z", "date"],
		["2026-04-01", "2026-04-01T15:00:00.000Z", "date"],
		// Only the e-mail field folds case: a title or a metadata value keeps it (finding W3).
		["Ops@Eps.com", "OPS@eps.com", undefined],
		["Some@Title", "SOME@TITLE", undefined],
		["Acme", "acme", undefined],
		["2026-03-04", "2026-03-04T00:00:00Z", undefined],
	] as const)("%j is not %j (form %s)", (a, b, form) => {
		expect(isSameValue(a, b, form)).toBe(false);
	});

	it("undo keeps a name edited in Pivotal that starts with the ten characters the import wrote", () => {
		const decision = restoreFields(
			"customers",
			{ name: "Atlas" },
			{ name: "Atlas Tech" },
			{ name: "Atlas Tech (renamed by CSM)" },
		);
		expect(decision.kept).toEqual(["name"]);
		expect(decision.patch).toBeUndefined();
	});
});
