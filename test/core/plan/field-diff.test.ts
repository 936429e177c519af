import { describe, expect, it } from "vitest";
import {
	afterValues,
	beforeValues,
	diffFields,
	type FieldChange,
	ownedValues,
	patchBody,
	readBack,
	touchesMetadata,
	withValues,
} from "../../../src/core/plan/field-diff.js";

describe("diffFields", () => {
	it.each([
		{
			name: "nothing differs",
			pass: "customers" as const,
			body: { name: "Acme", plan: "pro" },
			known: { name: "Acme", plan: "pro" },
			changes: [],
		},
		{
			name: "a changed value, before and after",
			pass: "customers" as const,
			body: { name: "Acme", plan: "pro" },
			known: { name: "Acme", plan: "free" },
			changes: [{ field: "plan", before: "free", after: "pro" }],
		},
		{
			name: "a field Pivotal never had",
			pass: "customers" as const,
			body: { name: "Acme", domain: "acme.com" },
			known: { name: "Acme" },
			changes: [{ field: "domain", before: undefined, after: "acme.com" }],
		},
		{
			name: "one text in another Unicode form (decomposed) is no change",
			pass: "onboardings" as const,
			body: { name: "Cafe\u0301 Rollout" },
			known: { name: "Caf\u00e9 Rollout" },
			changes: [],
		},
		{
			name: "a field the file leaves out is not owned",
			pass: "customers" as const,
			body: { name: "Acme" },
			known: { name: "Acme", plan: "enterprise" },
			changes: [],
		},
		{
			name: "customer_id is never a change",
			pass: "onboardings" as const,
			body: { customer_id: "cus_2", name: "Go live" },
			known: { customer_id: "cus_1", name: "Go live" },
			changes: [],
		},
		{
			name: "contact e-mail compared lower-cased",
			pass: "contacts" as const,
			body: { email: "Ann@Acme.com" },
			known: { email: "ann@acme.com" },
			changes: [],
		},
		{
			name: "contact e-mail that really changed",
			pass: "contacts" as const,
			body: { email: "ann@acme.io" },
			known: { email: "ann@acme.com" },
			changes: [{ field: "email", before: "ann@acme.com", after: "ann@acme.io" }],
		},
		{
			name: "e-mail case matters outside contacts",
			pass: "customers" as const,
			body: { email: "Ann@Acme.com" },
			known: { email: "ann@acme.com" },
			changes: [{ field: "email", before: "ann@acme.com", after: "Ann@Acme.com" }],
		},
		{
			name: "a launch date against the server's timestamp",
			pass: "onboardings" as const,
			body: { target_launch_date: "2025-03-01" },
			known: { target_launch_date: "2025-03-01T00:00:00.000Z" },
			changes: [],
		},
		{
			name: "a launch date moved",
			pass: "onboardings" as const,
			body: { target_launch_date: "2025-03-02" },
			known: { target_launch_date: "2025-03-01T00:00:00.000Z" },
			changes: [{ field: "target_launch_date", before: "2025-03-01T00:00:00.000Z", after: "2025-03-02" }],
		},
		{
			name: "metadata key by key, a foreign key ignored",
			pass: "customers" as const,
			body: { metadata: { external_id: "crm-1", tier: "gold", region: "eu" } },
			known: { metadata: { external_id: "crm-1", tier: "silver", owner: "someone" } },
			changes: [
				{ field: "metadata.tier", before: "silver", after: "gold" },
				{ field: "metadata.region", before: undefined, after: "eu" },
			],
		},
		{
			name: "metadata unchanged although Pivotal holds more keys",
			pass: "customers" as const,
			body: { metadata: { external_id: "crm-1" } },
			known: { metadata: { external_id: "crm-1", owner: "someone" } },
			changes: [],
		},
		{
			name: "arrays equal",
			pass: "contacts" as const,
			body: { labels: ["vip", "billing"] },
			known: { labels: ["vip", "billing"] },
			changes: [],
		},
		{
			name: "arrays in another order",
			pass: "contacts" as const,
			body: { labels: ["billing", "vip"] },
			known: { labels: ["vip", "billing"] },
			changes: [{ field: "labels", before: ["vip", "billing"], after: ["billing", "vip"] }],
		},
		{
			name: "a number against the same number as text",
			pass: "customers" as const,
			body: { mrr: 100 },
			known: { mrr: "100" },
			changes: [{ field: "mrr", before: "100", after: 100 }],
		},
	])("$name", ({ pass, body, known, changes }) => {
		expect(diffFields(pass, body, known)).toEqual(changes);
	});
});

describe("patchBody", () => {
	const body = { name: "Acme", plan: "pro", metadata: { external_id: "crm-1", tier: "gold" } };

	it("carries only the changed top-level fields", () => {
		const changes: FieldChange[] = [{ field: "plan", before: "free", after: "pro" }];
		expect(patchBody(body, changes, { owner: "someone" })).toEqual({ plan: "pro" });
	});

	it("sends the whole metadata with the server's keys kept and the source's on top", () => {
		const changes: FieldChange[] = [{ field: "metadata.tier", before: "silver", after: "gold" }];
		const server = { external_id: "crm-1", tier: "silver", owner: "someone" };
		expect(patchBody(body, changes, server)).toEqual({
			metadata: { external_id: "crm-1", tier: "gold", owner: "someone" },
		});
	});

	it("sends the source's metadata alone when the server's is not known", () => {
		const changes: FieldChange[] = [
			{ field: "plan", before: "free", after: "pro" },
			{ field: "metadata.tier", before: "silver", after: "gold" },
		];
		expect(patchBody(body, changes, undefined)).toEqual({
			plan: "pro",
			metadata: { external_id: "crm-1", tier: "gold" },
		});
	});

	it("knows when it needs the server's metadata", () => {
		expect(touchesMetadata([{ field: "metadata.tier", before: 1, after: 2 }])).toBe(true);
		expect(touchesMetadata([{ field: "plan", before: 1, after: 2 }])).toBe(false);
		// A top-level field whose name starts like metadata is not metadata.
		expect(touchesMetadata([{ field: "metadata_url", before: 1, after: 2 }])).toBe(false);
	});
});

describe("ownedValues and readBack", () => {
	it("keeps every field of the body but customer_id", () => {
		expect(ownedValues({ customer_id: "cus_1", name: "Go live", phase: "kickoff" })).toEqual({
			name: "Go live",
			phase: "kickoff",
		});
	});

	it("reads back only the owned fields, metadata only the owned keys, normalised", () => {
		const owned = { name: "Ann", email: "ann@acme.com", metadata: { external_id: "x", tier: "gold" } };
		const server = {
			id: "con_1",
			name: "Ann B",
			email: "ANN@ACME.COM",
			title: "CTO",
			metadata: { external_id: "x", owner: "someone" },
		};
		expect(readBack("contacts", owned, server)).toEqual({
			name: "Ann B",
			email: "ann@acme.com",
			metadata: { external_id: "x" },
		});
	});

	it("keeps a launch timestamp's time of day and leaves out fields the server lacks", () => {
		const owned = { target_launch_date: "2025-03-01", notes: "hi" };
		const server = { target_launch_date: "2025-03-01T15:30:00.000Z" };
		// Cut to its day, undo would put back midnight for the 15:30 Pivotal held (finding W2).
		expect(readBack("onboardings", owned, server)).toEqual({
			target_launch_date: "2025-03-01T15:30:00.000Z",
		});
	});

	it("compares a launch date by its instant: a day is its midnight, an offset is no change, a time of day is", () => {
		const known = { target_launch_date: "2026-03-15T10:00:00Z" };
		const diff = (after: string, was = known) =>
			diffFields("onboardings", { target_launch_date: after }, was).map((c) => c.after);
		expect(diff("2026-03-15T11:00:00Z")).toEqual(["2026-03-15T11:00:00Z"]);
		expect(diff("2026-03-15T05:00:00-05:00")).toEqual([]);
		expect(diff("2026-03-15")).toEqual(["2026-03-15"]);
		expect(diff("2026-03-15", { target_launch_date: "2026-03-15T00:00:00.000Z" })).toEqual([]);
	});

	it("reads back a copy a diff then finds unchanged", () => {
		const body = { email: "Ann@Acme.com", metadata: { external_id: "x" } };
		const server = { email: "ann@acme.com", metadata: { external_id: "x", owner: "y" } };
		expect(diffFields("contacts", body, readBack("contacts", ownedValues(body), server))).toEqual([]);
	});
});

describe("beforeValues, afterValues and withValues", () => {
	const changes: FieldChange[] = [
		{ field: "plan", before: "free", after: "pro" },
		{ field: "metadata.tier", before: "silver", after: "gold" },
		{ field: "metadata.region", before: undefined, after: "eu" },
	];

	it("key the values as the state's v is (a value that was not there is null, which survives JSON)", () => {
		expect(beforeValues(changes)).toEqual({ plan: "free", metadata: { tier: "silver", region: null } });
		expect(JSON.parse(JSON.stringify(beforeValues(changes))).metadata).toHaveProperty("region", null);
		expect(afterValues(changes)).toEqual({ plan: "pro", metadata: { tier: "gold", region: "eu" } });
	});

	it("lay values over what is known, metadata merged key by key", () => {
		const known = { name: "Acme", plan: "free", metadata: { external_id: "crm-1", tier: "silver" } };
		expect(withValues(known, afterValues(changes))).toEqual({
			name: "Acme",
			plan: "pro",
			metadata: { external_id: "crm-1", tier: "gold", region: "eu" },
		});
		// The known values are not modified.
		expect(known.metadata).toEqual({ external_id: "crm-1", tier: "silver" });
	});

	it("undo: the before values laid over the after ones give back what was there", () => {
		const known = { name: "Acme", plan: "free", metadata: { external_id: "crm-1", tier: "silver" } };
		const updated = withValues(known, afterValues(changes));
		const undone = withValues(updated, beforeValues(changes));
		expect(undone).toEqual({ ...known, metadata: { ...known.metadata, region: null } });
	});
});
