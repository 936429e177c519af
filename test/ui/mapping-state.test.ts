import { describe, expect, it } from "vitest";
import { dateOptions } from "../../src/ui/model/mapping-dates.js";
import { previewSection, toSection } from "../../src/ui/model/mapping-section.js";
import {
	initialMapping,
	type MappingAction,
	type MappingState,
	mappingReducer,
} from "../../src/ui/model/mapping-state.js";
import { suggestColumns, suggestValue } from "../../src/ui/model/mapping-suggest.js";

const HUBSPOT = [
	"Record ID",
	"Company name",
	"Company Domain Name",
	"Lifecycle Stage",
	"Create Date",
	"Industry",
];
const HUBSPOT_ROWS = [
	["9001", "Acme", "acme.com", "Customer", "2025-01-14", "Retail"],
	["9002", "Bright", "bright.io", "Former Customer", "2025-01-15", "Software"],
];

const run = (state: MappingState, ...actions: MappingAction[]): MappingState =>
	actions.reduce(mappingReducer, state);

describe("header suggestions", () => {
	it.each([
		[
			"customers",
			HUBSPOT,
			{
				external_id: ["Record ID"],
				name: ["Company name"],
				domain: ["Company Domain Name"],
				status: ["Lifecycle Stage"],
			},
		],
		[
			"customers",
			["Account ID", "Account Name", "Website", "Type"],
			{ external_id: ["Account ID"], name: ["Account Name"], domain: ["Website"], status: ["Type"] },
		],
		[
			"customers",
			["external_id", "NAME", "Domain"],
			{ external_id: ["external_id"], name: ["NAME"], domain: ["Domain"] },
		],
		[
			"contacts",
			["First Name", "Last Name", "Email Address", "Associated Company ID"],
			{
				customer_external_id: ["Associated Company ID"],
				name: ["First Name", "Last Name"],
				email: ["Email Address"],
			},
		],
		[
			"contacts",
			["Full name", "E-mail", "Company ID", "Phone Number"],
			{
				customer_external_id: ["Company ID"],
				name: ["Full name"],
				email: ["E-mail"],
				phone: ["Phone Number"],
			},
		],
		[
			"onboardings",
			["Company ID", "Deal Name", "Close Date", "Deal Stage"],
			{
				customer_external_id: ["Company ID"],
				name: ["Deal Name"],
				target_launch_date: ["Close Date"],
				phase: ["Deal Stage"],
			},
		],
	] as const)("%s %j", (pass, header, expected) => {
		const fields = Object.keys(expected);
		const got = suggestColumns(pass, [...fields, "plan"], header);
		expect(got).toEqual(expected);
	});

	it("uses each header once, exact names before aliases", () => {
		// "Status" is our own name for onboardings' state: it is not offered to phase as well.
		expect(suggestColumns("onboardings", ["phase", "state"], ["Status", "Stage"])).toEqual({
			phase: ["Stage"],
			state: ["Status"],
		});
	});

	it.each([
		["status", "Customer", "active"],
		["status", "Former Customer", "churned"],
		["status", "At Risk", "at_risk"],
		["status", "Evangelist", "active"],
		["status", "Something else", undefined],
		["state", "On hold", "paused"],
	])("%s %j → %j", (field, value, expected) => {
		const allowed =
			field === "status"
				? ["onboarding", "active", "at_risk", "churned", "archived"]
				: ["active", "paused", "at_risk", "waiting"];
		expect(suggestValue(field, value, allowed)).toBe(expected);
	});
});

describe("the mapping reducer", () => {
	it("starts from the suggestions and offers unmatched customer columns as metadata, off", () => {
		const state = initialMapping("customers", HUBSPOT, HUBSPOT_ROWS);
		expect(toSection(state).columns).toEqual({
			external_id: "Record ID",
			name: "Company name",
			domain: "Company Domain Name",
			status: "Lifecycle Stage",
		});
		const fields = state.rows.map((r) => (r.kind === "field" ? r.field : "dates"));
		expect(fields.slice(-2)).toEqual(["metadata.create_date", "metadata.industry"]);
	});

	it("←/→ cycles the highlighted field's column; a metadata row toggles", () => {
		const state = initialMapping("customers", HUBSPOT, HUBSPOT_ROWS);
		const industry = state.rows.length - 1;
		const moved = run(state, { type: "move", delta: industry }, { type: "cycle", delta: 1 });
		expect(toSection(moved).columns?.["metadata.industry"]).toBe("Industry");
		// name: "Company name" is option 2 (none, Record ID, Company name, …); one step back is Record ID.
		const renamed = run(state, { type: "move", delta: 1 }, { type: "cycle", delta: -1 });
		expect(toSection(renamed).columns?.name).toBe("Record ID");
	});

	it("will not go on while a required field has no column", () => {
		const state = initialMapping("customers", ["Code", "Title"], [["1", "Acme"]]);
		const tried = run(state, { type: "confirm" });
		expect(tried.phase.kind).toBe("columns");
		expect(tried.error).toMatch(/^external_id is required/);
		const fixed = run(
			state,
			{ type: "cycle", delta: 1 },
			{ type: "move", delta: 1 },
			{ type: "cycle", delta: 2 },
		);
		expect(run(fixed, { type: "confirm" }).phase.kind).toBe("loading-values");
	});

	it("asks about values only where one is not ours already, spellings merged, suggestions first", () => {
		const state = run(
			initialMapping("customers", HUBSPOT, HUBSPOT_ROWS),
			{ type: "confirm" },
			{
				type: "values-loaded",
				values: [
					{
						field: "status",
						counts: [
							["Customer", 812],
							["Former Customer", 40],
							["Lead", 12],
							["customer", 3],
							["active", 2],
						],
						isTruncated: false,
					},
				],
			},
		);
		expect(state.phase).toEqual({ kind: "values", index: 0 });
		const field = state.values[0]!;
		expect(field.rows.map((r) => [r.value, r.count, field.targets[r.choice]])).toEqual([
			["Customer", 815, "active"],
			["Former Customer", 40, "churned"],
			["Lead", 12, "onboarding"],
			["active", 2, "active"],
		]);
		const done = run(state, { type: "move", delta: 2 }, { type: "cycle", delta: -1 }, { type: "confirm" });
		expect(done.phase.kind).toBe("done");
		// Values already ours need no entry; "Lead" one step back from onboarding wraps to "".
		expect(toSection(done).values).toEqual({
			status: { Customer: "active", "Former Customer": "churned", Lead: "" },
		});
	});

	it("skips the values phase when every value reads as ours", () => {
		const state = run(
			initialMapping("onboardings", ["Company ID", "Stage"], [["1", "Program Design"]]),
			{
				type: "confirm",
			},
			{
				type: "values-loaded",
				values: [
					{
						field: "phase",
						counts: [
							["Program Design", 3],
							["Launch", 1],
						],
						isTruncated: false,
					},
				],
			},
		);
		expect(state.phase.kind).toBe("done");
	});

	it("starts from a saved section, and says null for a field whose own-named column is left out", () => {
		const saved = { columns: { external_id: "Id", name: "plan" } };
		const state = initialMapping("customers", ["Id", "plan"], [["1", "Acme"]], saved);
		expect(toSection(state).columns).toEqual({ external_id: "Id", name: "plan", plan: null });
	});

	it("previews sampled enum values through their suggested targets before the values phase", () => {
		const state = initialMapping("customers", HUBSPOT, HUBSPOT_ROWS);
		expect(previewSection(state).values).toEqual({
			status: { Customer: "active", "Former Customer": "churned" },
		});
	});

	it("offers the date formats that read every sampled date, one per reading", () => {
		expect(dateOptions(["2026-03-15", ""])).toEqual([""]);
		expect(dateOptions(["03/15/2026", "12/01/2026"])).toEqual(["MM/dd/yyyy"]);
		expect(dateOptions(["03/04/2026", "12/01/2026"])).toEqual(["MM/dd/yyyy", "dd/MM/yyyy"]);
		expect(dateOptions(["15.03.2026"])).toEqual(["dd.MM.yyyy"]);
		expect(dateOptions(["soon"])).toEqual([""]);
	});

	it("puts the date format chosen into the section", () => {
		const state = initialMapping(
			"onboardings",
			["Company ID", "Go-live"],
			[
				["1", "03/04/2026"],
				["2", "05/06/2026"],
			],
		);
		const last = state.rows.length - 1;
		expect(state.rows[last]?.kind).toBe("dates");
		expect(toSection(state).dates).toBe("MM/dd/yyyy");
		const other = run(state, { type: "move", delta: last }, { type: "cycle", delta: 1 });
		expect(toSection(other).dates).toBe("dd/MM/yyyy");
	});
});
