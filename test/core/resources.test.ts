import { describe, expect, it } from "vitest";
import { isGuarded } from "../../src/core/execute/record-requests.js";
import { idempotencyKey } from "../../src/core/idempotency.js";
import { clearedValue, isClearable } from "../../src/core/plan/sync-rules.js";
import type { SourceRecord } from "../../src/model/records.js";
import {
	bodyUnder,
	isNumbered,
	isWorkspaceMatched,
	PARENT_ID_FIELDS,
	PASSES,
	type PassName,
	parentKeyOf,
	registerResource,
	resourceOf,
	routePath,
	UNDO_ORDER,
} from "../../src/model/resources.js";
import { columnsOf, idColumnOf } from "../../src/source/schema.js";

const record = (pass: PassName, body: Record<string, unknown>, slug?: string): SourceRecord => ({
	pass,
	key: "k",
	line: 2,
	body,
	columns: {},
	...(slug === undefined ? {} : { slug }),
});

describe("the table of resources", () => {
	it("orders the passes parents first and undo children first", () => {
		expect(PASSES).toEqual(["customers", "contacts", "onboardings"]);
		expect(UNDO_ORDER).toEqual(["onboardings", "contacts", "customers"]);
	});

	it.each([
		["customers", "/customers", "/customers", "/customers/c%2F1"],
		["contacts", "/customers/p%201/contacts", "/customers/p%201/contacts", "/contacts/c%2F1"],
		["onboardings", "/customers/p%201/onboardings", "/onboardings", "/onboardings/c%2F1"],
	] as const)("%s: list %s, create %s, item %s (ids one encoded segment)", (pass, list, create, item) => {
		const { routes } = resourceOf(pass);
		expect(routePath(routes.list, { parent: "p 1" })).toBe(list);
		expect(routePath(routes.create, { parent: "p 1" })).toBe(create);
		expect(routePath(routes.item, { id: "c/1" })).toBe(item);
	});

	it.each([
		["customers", undefined, { name: "A" }],
		["contacts", undefined, { name: "A" }],
		["onboardings", { customer_id: "cus_1", name: "A" }, { name: "A" }],
	] as const)("%s: the parent's id goes in the body only where the API wants it", (pass, expected, body) => {
		expect(bodyUnder(resourceOf(pass), "cus_1", body)).toEqual(expected ?? body);
	});

	it.each([
		["customers", "c1", undefined],
		["contacts", "c1/a@b.co", "c1"],
		["onboardings", "c/1/name:Launch", "c/1"],
		["onboardings", "c1/#2", "c1"],
	] as const)("%s key %s has parent key %s", (pass, key, parent) => {
		expect(parentKeyOf(pass, key)).toBe(parent);
	});

	it.each([
		["customers", "external_id", false, true, "cus"],
		["contacts", "customer_external_id", false, false, "con"],
		["onboardings", "customer_external_id", true, false, "onb"],
	] as const)(
		"%s: id column %s, numbered %s, workspace-matched %s, tag %s",
		(pass, id, numbered, workspace, tag) => {
			expect(idColumnOf(pass)).toBe(id);
			expect(isNumbered(pass)).toBe(numbered);
			expect(isWorkspaceMatched(pass)).toBe(workspace);
			expect(idempotencyKey("r1", pass, "k1")).toBe(`pivotal-tui-r1-${tag}-k1`);
		},
	);

	it.each([
		["customers", { name: "A" }, undefined, false],
		["customers", { name: "A", slug: "a" }, undefined, true],
		["customers", { name: "A" }, "derived-a", true],
		["contacts", { email: "a@b.co" }, undefined, true],
		["onboardings", { name: "Launch" }, undefined, false],
	] as const)("%s %j (derived slug %s): guarded by a uniqueness rule: %s", (pass, body, slug, guarded) => {
		expect(isGuarded(record(pass, body, slug))).toBe(guarded);
	});

	it.each([
		["customers", "mrr", true, null],
		["customers", "name", false, null],
		["customers", "metadata.region", true, undefined],
		["contacts", "labels", true, []],
		["contacts", "email", false, null],
		["onboardings", "target_launch_date", true, null],
		["onboardings", "phase", false, null],
	] as const)("%s.%s clearable %s, as %j", (pass, field, clearable, none) => {
		expect(isClearable(pass, field)).toBe(clearable);
		if (clearable) expect(clearedValue(pass, field)).toEqual(none);
	});

	it("turns each column's kind into its checks", () => {
		const specs = new Map(columnsOf("customers").map((s) => [s.name, s]));
		expect(specs.get("external_id")?.field).toBeUndefined();
		expect(specs.get("name")?.check?.("x".repeat(256), "name")).toMatch(/more than the 255 allowed/);
		expect(specs.get("status")?.allowed).toContain("at_risk");
		expect(specs.get("mrr")?.convert?.("$1,299.00")).toBe(129900);
		expect(specs.get("slug")?.check?.("Not A Slug", "slug")).toMatch(/not a valid slug/);
		expect(columnsOf("onboardings").find((s) => s.name === "target_launch_date")?.isDate).toBe(true);
		expect(PARENT_ID_FIELDS).toEqual(new Set(["customer_id"]));
	});

	it("refuses a second entry of a name, and a parent not in the table", () => {
		const base = resourceOf("contacts");
		expect(() => registerResource(base)).toThrow(/already in the table/);
		expect(() =>
			registerResource({ ...base, name: "tasks", parent: { resource: "projects", column: "x" } }),
		).toThrow(/names parent "projects", not in the table/);
		expect(PASSES).toHaveLength(3);
	});
});
