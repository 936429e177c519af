import { describe, expect, it } from "vitest";
import { withoutValues } from "../../../src/core/checkpoint/done-text.js";
import { StateMap } from "../../../src/core/checkpoint/state-map.js";
import { type ParentView, planRecord } from "../../../src/core/plan/planner.js";
import { hasCopyIn, plannedUnchanged, quickUnchanged } from "../../../src/core/plan/quick-unchanged.js";
import { copyOf, type RecordState, type SourceRecord } from "../../../src/model/records.js";

const values = { name: "Acme", plan: "pro", mrr: 1200, metadata: { external_id: "crm-1", region: "eu" } };
const customer: SourceRecord = { pass: "customers", key: "crm-1", line: 2, body: values, columns: {} };
const done: RecordState = {
	s: "done",
	attempts: 1,
	id: "cus_1",
	d: 7,
	outcome: "created",
	v: values,
	c: 1,
	r: 1,
	did: "created",
};
const json = JSON.stringify(values);
const options = { retryFailed: false, recreate: false, isFirstSync: false };

function mapOf(entries: Record<string, RecordState | string>): StateMap {
	const map = new StateMap();
	for (const [key, state] of Object.entries(entries)) {
		if (typeof state === "string") map.set(key, JSON.parse(state) as RecordState, state);
		else map.set(key, state);
	}
	return map;
}

/** A map whose cache holds none of its states: what a load leaves after many records. */
function coldMap(entries: Record<string, RecordState | string>): StateMap {
	const map = mapOf(entries);
	for (let i = 0; i < 5000; i++) map.set(`filler-${i}`, done);
	return map;
}

describe("withoutValues: a done state's text without its values, when they are exactly the row's", () => {
	const text = JSON.stringify(done);
	it.each([
		["the values as the store wrote them", text, json, true],
		["a value that differs", text, JSON.stringify({ ...values, plan: "free" }), false],
		["the row's values with a field more", text, JSON.stringify({ ...values, title: "x" }), false],
		["the row's values with a field less", text, JSON.stringify({ name: "Acme" }), false],
		["a state not done", JSON.stringify({ ...done, s: "sent" }), json, false],
		["spaces between members (a hand-edited file)", text.replace('"v":', ' "v":'), json, false],
		["a nested object before `v`", `{"s":"done","was":{"v":${json}},"v":${json},"id":"x"}`, json, false],
		["an array before `v`", `{"s":"done","ch":[1],"v":${json},"id":"x"}`, json, false],
		["a second `v` after it (JSON.parse keeps the last)", `{"s":"done","v":${json},"v":{}}`, json, false],
		["a second `s` after it", `{"s":"done","v":${json},"s":"failed"}`, json, false],
		["a second `s` before it", `{"s":"done","s":"sent","v":${json}}`, json, false],
		[
			"keys named `s` and `v` inside the values themselves",
			`{"s":"done","id":"x","v":{"metadata":{"s":1,"v":{"s":2}}},"r":1}`,
			'{"metadata":{"s":1,"v":{"s":2}}}',
			true,
		],
		// The first `"v":` follows a backslash there: left to the full comparison, never misread.
		['a key that ends in `\\"v` before it', `{"s":"done","a\\"v":1,"v":${json}}`, json, false],
	])("%s", (_what, state, row, isSame) => {
		const rest = withoutValues(state, row);
		expect(rest !== undefined).toBe(isSame);
		// What is left parses to the state without its values.
		if (rest !== undefined) {
			const { v: _v, ...others } = JSON.parse(state) as Record<string, unknown>;
			expect(JSON.parse(rest)).toEqual(others);
		}
	});
	it("never takes a value that only starts like the row's", () => {
		const longer = `{"s":"done","v":${json.slice(0, -1)},"x":1},"id":"x"}`;
		expect(withoutValues(longer, json)).toBeUndefined();
	});
});

describe("quickUnchanged: the planner's answer for a row that asks for what the state holds", () => {
	it("is planRecord's unchanged operation, its copy the state as a whole parse reads it", () => {
		const records = coldMap({ "crm-1": done });
		const quick = quickUnchanged(customer, records);
		const planned = planRecord(customer, records.get("crm-1"), undefined, options);
		expect(planned.kind).toBe("unchanged");
		expect(quick).toEqual(planned);
		// The same members (the values last: they are laid over what was parsed).
		expect(quick?.copy).toStrictEqual(records.get("crm-1"));
	});

	it("leaves a changed row to the planner, which PATCHes exactly its changed fields", () => {
		const records = coldMap({ "crm-1": done });
		const renamed = {
			...customer,
			body: { ...values, name: "Acme Ltd", metadata: { ...values.metadata, region: "na" } },
		};
		expect(quickUnchanged(renamed, records)).toBeUndefined();
		expect(plannedUnchanged(renamed, records)).toBeUndefined();
		const op = planRecord(renamed, records.get("crm-1"), undefined, options);
		expect(op.kind === "update" && op.changes).toEqual([
			{ field: "name", before: "Acme", after: "Acme Ltd" },
			{ field: "metadata.region", before: "eu", after: "na" },
		]);
	});

	it("leaves to the planner a row the state knows another way: failed, sent, values in another order, a null", () => {
		const failed: RecordState = {
			s: "failed",
			status: 422,
			code: "invalid",
			message: "no",
			attempts: 1,
			retryable: false,
			was: { id: "cus_1", outcome: "created", v: values },
		};
		const reordered = { ...done, v: { plan: "pro", name: "Acme", mrr: 1200, metadata: values.metadata } };
		const records = coldMap({ a: failed, b: { s: "sent", attempts: 1 }, c: reordered, d: done });
		for (const key of ["a", "b", "c"]) expect(quickUnchanged({ ...customer, key }, records)).toBeUndefined();
		// A reordered state is still unchanged to the full comparison.
		expect(planRecord({ ...customer, key: "c" }, records.get("c"), undefined, options).kind).toBe(
			"unchanged",
		);
		const withNull = { ...customer, key: "d", body: { ...values, mrr: Number.NaN } };
		expect(quickUnchanged(withNull, records)).toBeUndefined();
		expect(planRecord(withNull, records.get("d"), undefined, options).kind).toBe("update");
	});

	it("answers nothing for a plain Map or a record without state", () => {
		expect(quickUnchanged(customer, new Map([["crm-1", done]]))).toBeUndefined();
		expect(quickUnchanged(customer, coldMap({}))).toBeUndefined();
	});

	it("compares a state parsed already (cached) as parsed: the same answer", () => {
		const records = mapOf({ "crm-1": done });
		expect(records.get("crm-1")).toBe(records.get("crm-1"));
		expect(quickUnchanged(customer, records)).toEqual({ kind: "unchanged", copy: done });
		expect(plannedUnchanged(customer, records)?.copy).toEqual(done);
		const renamed = { ...customer, body: { ...values, name: "Acme Ltd" } };
		expect(quickUnchanged(renamed, records)).toBeUndefined();
		expect(quickUnchanged(customer, mapOf({ "crm-1": { s: "sent", attempts: 1 } }))).toBeUndefined();
	});

	it("the plan's quick operation parses the state only when its copy is read", () => {
		const records = coldMap({ "crm-1": done });
		const op = plannedUnchanged(customer, records);
		expect(op?.kind).toBe("unchanged");
		expect(op?.copy).toEqual(done);
	});
});

describe("hasCopyIn: a child's customer in Pivotal, read from a done state's first bytes", () => {
	const states: Record<string, RecordState> = {
		done,
		sent: { s: "sent", attempts: 1 },
		sentWas: { s: "sent", attempts: 2, was: { id: "cus_2", outcome: "existed" } },
		removed: { s: "removed", why: "undone", id: "cus_3", g: 1 },
		blocked: { s: "blocked", parentKey: "x" },
	};
	it.each(Object.keys(states))("%s: as copyOf says", (key) => {
		const records = coldMap(states);
		expect(hasCopyIn(records, key)).toBe(copyOf(states[key]) !== undefined);
		expect(hasCopyIn(new Map(Object.entries(states)), key)).toBe(copyOf(states[key]) !== undefined);
	});
	it("no state: no copy", () => {
		expect(hasCopyIn(coldMap(states), "nobody")).toBe(false);
		expect(hasCopyIn(undefined, "nobody")).toBe(false);
	});
	it("a child under a customer whose copy is known is planned as before", () => {
		const contact: SourceRecord = {
			pass: "contacts",
			key: "crm-1/ann@acme.com",
			line: 3,
			parentKey: "crm-1",
			body: { name: "Ann", email: "ann@acme.com" },
			columns: {},
		};
		const state: RecordState = { ...done, id: "con_1", v: contact.body };
		const children = coldMap({ [contact.key]: state });
		const parent: ParentView = { kind: "ready", copy: done };
		expect(quickUnchanged(contact, children)).toEqual(
			planRecord(contact, children.get(contact.key), parent, options),
		);
	});
});
