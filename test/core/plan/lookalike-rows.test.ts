import { describe, expect, it } from "vitest";
import { idShape, LookalikeRows } from "../../../src/core/plan/lookalike-rows.js";
import type { RecordState, SourceRecord } from "../../../src/model/records.js";

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
		// A number format's thousands separators, a trailing dot, full-width digits (finding S1).
		["900,000", "900000"],
		["900.000", "900000"],
		["900 000", "900000"],
		["1,234,567.00", "1234567"],
		["5000.", "5000"],
		// A decimal comma (adversarial finding T1).
		["900000,0", "900000"],
		["0012,0", "12"],
		["12,", "12"],
		// A phone number's + dropped (adversarial finding T12).
		["+4915005", "4915005"],
		["１２", "12"],
		['"ABC-2"', "abc-2"],
		["\u201cABC-2\u201d", "abc-2"],
		["ABC\u20132", "abc-2"],
	])("%j → %j", (id, shape) => {
		expect(idShape(id)).toBe(shape);
	});

	it("keeps what a tool would not have changed: decimals, inner zeros, letters' zeros", () => {
		expect(idShape("12.5")).toBe("12.5");
		expect(idShape("1002")).toBe("1002");
		expect(idShape("z0050")).not.toBe(idShape("z050"));
	});
});

const row = (key: string, line: number, body: Record<string, unknown> = {}): SourceRecord => ({
	pass: "customers",
	key,
	line,
	body: { name: key, metadata: { external_id: key }, ...body },
	columns: {},
});

describe("LookalikeRows.find", () => {
	const states = new Map<string, RecordState>([
		[
			"00123",
			{
				s: "done",
				attempts: 1,
				id: "c1",
				outcome: "created",
				v: { name: "A", hubspot_company_id: "HS-1" },
			} as RecordState,
		],
		// A create sent with no answer: it may be in Pivotal (finding S2).
		["q8-1", { s: "sent", attempts: 1 } as RecordState],
		["kept", { s: "done", attempts: 1, id: "c3", outcome: "created", v: { name: "K" } } as RecordState],
	]);
	const find = (rows: SourceRecord[], inFile: string[] = []) => {
		const lookalikes = new LookalikeRows();
		for (const r of rows) lookalikes.add(r);
		return lookalikes
			.find(
				states.keys(),
				(key) => states.get(key),
				(key) => inFile.includes(key),
			)
			.map((l) => [l.row.key, l.stateKey, l.crmId?.field]);
	};

	it("names the customer a row looks like: by its id's shape, by a CRM id, or a create left in doubt", () => {
		expect(find([row("123", 2), row("Q8-1", 3), row("new", 4, { hubspot_company_id: "HS-1" })])).toEqual([
			["123", "00123", undefined],
			["Q8-1", "q8-1", undefined],
		]);
		expect(find([row("other", 2, { hubspot_company_id: "HS-1" })])).toEqual([
			["other", "00123", "hubspot_company_id"],
		]);
		// The CRM id re-typed as well (another case, a space).
		expect(find([row("other", 2, { hubspot_company_id: " hs-1" })])).toEqual([
			["other", "00123", "hubspot_company_id"],
		]);
	});

	it("leaves customers the file still holds, and rows tied to nothing", () => {
		expect(find([row("123", 2), row("KEPT ", 3)], ["00123", "kept"])).toEqual([]);
		expect(find([row("brand-new", 2, { hubspot_company_id: "HS-9" })])).toEqual([]);
	});
});
