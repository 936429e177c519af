import { describe, expect, it } from "vitest";
import { inDoubtLine } from "../../src/report/summary-text.js";

describe("inDoubtLine: a stopped pass's pending records, sent without an answer or never sent", () => {
	it.each([
		[3, 1, "1 of the 3 pending was sent without an answer (in doubt: the next run checks it), 2 never sent"],
		[
			18,
			16,
			"16 of the 18 pending were sent without an answer (in doubt: the next run checks them), 2 never sent",
		],
		[4, 4, "4 of the 4 pending were sent without an answer (in doubt: the next run checks them)"],
	])("%i pending, %i in doubt", (pending, inDoubt, expected) => {
		expect(inDoubtLine(pending, inDoubt)).toBe(expected);
	});
});
