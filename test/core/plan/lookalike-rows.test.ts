import { describe, expect, it } from "vitest";
import { idShape } from "../../../src/core/plan/lookalike-rows.js";

describe("idShape: an external_id as a tool may have re-typed it", () => {
	it.each([
		["00123", "123"],
		["123", "123"],
		["900000.0", "900000"],
		["900000.00", "900000"],
		["'z00050", "z00050"],
		["  ABC-1 ", "abc-1"],
		["0", "0"],
		["000", "0"],
		["0.0", "0"],
	])("%j → %j", (id, shape) => {
		expect(idShape(id)).toBe(shape);
	});

	it("keeps what a tool would not have changed: decimals, inner zeros, letters' zeros", () => {
		expect(idShape("12.5")).toBe("12.5");
		expect(idShape("1002")).toBe("1002");
		expect(idShape("z0050")).not.toBe(idShape("z050"));
	});
});
