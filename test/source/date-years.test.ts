import { describe, expect, it } from "vitest";
import { dateReader } from "../../src/source/dates.js";
import { columnsFor } from "../../src/source/schema.js";

describe("a four-digit-year date format reads four-digit years only", () => {
	it.each<[string, string, string | undefined]>([
		["MM/dd/yyyy", "3/4/2026", "2026-03-04"],
		["MM/dd/yyyy", "3/4/26", undefined],
		["MM/dd/yyyy", "03/04/0026", undefined],
		["MM/dd/yyyy", "03/04/1899", undefined],
		["MM/dd/yyyy", "03/04/1900", "1900-03-04"],
		["dd.MM.yyyy", "15.03.26", undefined],
		["dd.MM.yyyy", "15.03.2026", "2026-03-15"],
		// A two-digit-year format reads them, in this century.
		["MM/dd/yy", "3/4/26", "2026-03-04"],
		["dd.MM.yy", "15.03.26", "2026-03-15"],
	])("%s reads %s as %s", (pattern, value, expected) => {
		expect(dateReader(pattern)(value)).toBe(expected);
	});

	it("says why in one sentence, suggesting the two-digit-year format", () => {
		const spec = columnsFor("onboardings", "MM/dd/yyyy").find((s) => s.name === "target_launch_date")!;
		expect(spec.check!("3/4/26", "target_launch_date")).toBe(
			'target_launch_date "3/4/26" reads as the year 26 under the map\'s date format "MM/dd/yyyy", which wants a four-digit year; write the year in full, or, if the file writes two-digit years, set "dates" to "MM/dd/yy".',
		);
		expect(spec.check!("03/04/0026", "target_launch_date")).toContain("reads as the year 26");
		expect(spec.check!("3/4/2026", "target_launch_date")).toBeUndefined();
		expect(spec.check!("TBD", "target_launch_date")).toContain("does not match the map's date format");
	});
});
