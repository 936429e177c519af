import { describe, expect, it } from "vitest";
import { guardEdits, keptBody, writtenAfter } from "../../../src/core/plan/edit-guard.js";
import { patchBody } from "../../../src/core/plan/field-diff.js";
import { deleteLimit, deleteRefusal, missingRecords } from "../../../src/core/plan/missing-records.js";
import { type Operation, planRecord } from "../../../src/core/plan/planner.js";
import { emptiedFields, type SyncRules } from "../../../src/core/plan/sync-rules.js";
import type { PassName, PivotalCopy, RecordState, SourceRecord } from "../../../src/model/records.js";

const customer = (body: Record<string, unknown>): SourceRecord => ({
	pass: "customers",
	key: "crm-1",
	line: 2,
	body: { metadata: { external_id: "crm-1" }, ...body },
	columns: {},
});
const written = {
	name: "Acme",
	plan: "pro",
	domain: "acme.com",
	metadata: { external_id: "crm-1", tier: "a" },
};
const done = (v: Record<string, unknown> = written): RecordState => ({
	s: "done",
	attempts: 1,
	id: "cus_1",
	outcome: "created",
	v,
});
const later = { retryFailed: false, recreate: false, isFirstSync: false };
const first = { ...later, isFirstSync: true };

describe("planRecord under sync rules", () => {
	const rows: readonly {
		name: string;
		record: SourceRecord;
		state: RecordState | undefined;
		rules: SyncRules;
		isFirst?: boolean;
		want: Partial<Operation> & { changes?: unknown; stuck?: unknown };
	}[] = [
		{
			name: "--only update: a row with no record is not_in_pivotal",
			record: customer({ name: "Acme" }),
			state: undefined,
			rules: { only: "update" },
			want: { kind: "skipped", reason: "not_in_pivotal" },
		},
		{
			name: "--only update: a create in doubt is looked up, not reported not_in_pivotal (it may have landed)",
			record: customer({ name: "Acme" }),
			state: { s: "sent", attempts: 1 },
			rules: { only: "update" },
			want: { kind: "match", isInDoubt: true },
		},
		{
			name: "--only update: on a first sync the row is still looked up (an existing record is updated)",
			record: customer({ name: "Acme" }),
			state: undefined,
			rules: { only: "update" },
			isFirst: true,
			want: { kind: "match" },
		},
		{
			name: "--only update: a changed record is updated",
			record: customer({
				name: "Acme",
				plan: "max",
				domain: "acme.com",
				metadata: { external_id: "crm-1", tier: "a" },
			}),
			state: done(),
			rules: { only: "update" },
			want: { kind: "update", changes: [{ field: "plan", before: "pro", after: "max" }] },
		},
		{
			name: "--only create: a changed record is left out",
			record: customer({
				name: "Acme",
				plan: "max",
				domain: "acme.com",
				metadata: { external_id: "crm-1", tier: "a" },
			}),
			state: done(),
			rules: { only: "create" },
			want: { kind: "skipped", reason: "only_create" },
		},
		{
			name: "--only create: a new row is created",
			record: customer({ name: "Acme" }),
			state: undefined,
			rules: { only: "create" },
			want: { kind: "create" },
		},
		{
			name: "--empty keep (default): an emptied domain is no change",
			record: customer({ name: "Acme", plan: "pro", metadata: { external_id: "crm-1", tier: "a" } }),
			state: done(),
			rules: {},
			want: { kind: "unchanged" },
		},
		{
			name: "--empty clear: an emptied domain is cleared with null",
			record: customer({ name: "Acme", plan: "pro", metadata: { external_id: "crm-1", tier: "a" } }),
			state: done(),
			rules: { empty: "clear" },
			want: {
				kind: "update",
				changes: [{ field: "domain", before: "acme.com", after: null, isCleared: true }],
			},
		},
		{
			name: "--empty clear: an emptied metadata key is dropped, external_id never",
			record: customer({ name: "Acme", plan: "pro", domain: "acme.com" }),
			state: done(),
			rules: { empty: "clear" },
			want: {
				kind: "update",
				changes: [{ field: "metadata.tier", before: "a", after: null, isCleared: true }],
			},
		},
		{
			name: "--empty clear: a status (enum, the API has no none for it) is stuck, not sent",
			record: customer({
				name: "Acme",
				plan: "pro",
				domain: "acme.com",
				metadata: { external_id: "crm-1", tier: "a" },
			}),
			state: done({ ...written, status: "active" }),
			rules: { empty: "clear" },
			want: { kind: "unchanged", stuck: ["status"] },
		},
		{
			name: "--empty clear with --only create: the clear is a change, left out",
			record: customer({ name: "Acme", plan: "pro", metadata: { external_id: "crm-1", tier: "a" } }),
			state: done(),
			rules: { empty: "clear", only: "create" },
			want: { kind: "skipped", reason: "only_create" },
		},
	];
	for (const row of rows) {
		it(row.name, () => {
			const op = planRecord(row.record, row.state, undefined, {
				...(row.isFirst ? first : later),
				rules: row.rules,
			});
			expect(op).toMatchObject(row.want);
		});
	}
});

describe("emptiedFields", () => {
	it("names each emptied field with the API's none, or as stuck", () => {
		const contact = emptiedFields(
			"contacts",
			{ name: "Ann", email: "a@x.io" },
			{
				name: "Ann",
				email: "a@x.io",
				title: "CTO",
				labels: ["x"],
				is_primary: true,
				phone: null,
			},
		);
		expect(contact.cleared.map((c) => [c.field, c.after])).toEqual([
			["title", null],
			["labels", []],
		]);
		expect(contact.stuck).toEqual(["is_primary"]);
		const onboarding = emptiedFields(
			"onboardings",
			{ name: "Go" },
			{ name: "Go", target_launch_date: "2026-01-02", phase: "launch" },
		);
		expect(onboarding.cleared.map((c) => c.field)).toEqual(["target_launch_date"]);
		expect(onboarding.stuck).toEqual(["phase"]);
	});

	it("leaves a field the file has no column for (dropped from the export, or mapped out)", () => {
		const known = {
			name: "Acme",
			domain: "acme.com",
			plan: "pro",
			metadata: { external_id: "c", tier: "a", owner: "x" },
		};
		const body = { name: "Acme", metadata: { external_id: "c" } };
		const rows: readonly [readonly string[] | undefined, readonly string[]][] = [
			[undefined, ["domain", "plan", "metadata.tier", "metadata.owner"]],
			[
				["name", "domain", "metadata.tier"],
				["domain", "metadata.tier"],
			],
			[["name"], []],
		];
		for (const [columns, cleared] of rows)
			expect(emptiedFields("customers", body, known, columns).cleared.map((c) => c.field)).toEqual(cleared);
	});

	it("patchBody sends the none value and drops a cleared metadata key from the merged object", () => {
		const body = { name: "Acme", metadata: { external_id: "crm-1" } };
		const patch = patchBody(
			body,
			[
				{ field: "domain", before: "acme.com", after: null, isCleared: true },
				{ field: "metadata.tier", before: "a", after: null, isCleared: true },
			],
			{ external_id: "crm-1", tier: "a", owner: "sales" },
		);
		expect(patch).toEqual({ domain: null, metadata: { external_id: "crm-1", owner: "sales" } });
	});
});

describe("guardEdits (--keep-pivotal-edits)", () => {
	const changes = [
		{ field: "plan", before: "pro", after: "max" },
		{ field: "mrr", before: 100, after: 200 },
		{ field: "metadata.tier", before: "a", after: "b" },
	];
	const rows = [
		{
			name: "nothing edited: all sent",
			server: { plan: "pro", mrr: 100, metadata: { tier: "a" } },
			kept: [] as string[],
		},
		{
			name: "plan edited: kept",
			server: { plan: "growth", mrr: 100, metadata: { tier: "a" } },
			kept: ["plan"],
		},
		{
			name: "a metadata key edited: kept",
			server: { plan: "pro", mrr: 100, metadata: { tier: "z" } },
			kept: ["metadata.tier"],
		},
		{
			name: "a field emptied in Pivotal: kept",
			server: { plan: null, mrr: 100, metadata: { tier: "a" } },
			kept: ["plan"],
		},
	];
	for (const row of rows) {
		it(row.name, () => {
			const guarded = guardEdits(
				"customers",
				changes,
				{ plan: "pro", mrr: 100, metadata: { tier: "a" } },
				row.server,
			);
			expect(guarded.kept).toEqual(row.kept);
			expect(guarded.send.map((c) => c.field)).toEqual(
				changes.map((c) => c.field).filter((f) => !row.kept.includes(f)),
			);
		});
	}
	it("a change Pivotal holds already (a PATCH whose answer a kill lost) is neither sent nor kept", () => {
		const guarded = guardEdits(
			"customers",
			changes,
			{ plan: "pro", mrr: 100, metadata: { tier: "a" } },
			{
				plan: "max",
				mrr: 200,
				metadata: { tier: "a" },
			},
		);
		expect(guarded.kept).toEqual([]);
		expect(guarded.already.map((c) => c.field)).toEqual(["plan", "mrr"]);
		expect(guarded.send.map((c) => c.field)).toEqual(["metadata.tier"]);
	});
	it("a day written matches the timestamp Pivotal answers; e-mails ignore case", () => {
		expect(
			guardEdits(
				"onboardings",
				[{ field: "target_launch_date", before: "2026-01-02", after: "2026-02-01" }],
				{ target_launch_date: "2026-01-02" },
				{
					target_launch_date: "2026-01-02T00:00:00.000Z",
				},
			).kept,
		).toEqual([]);
	});
	it("a kept metadata key goes back in the PATCH as Pivotal holds it (PATCH replaces metadata whole)", () => {
		const body = { name: "Acme", metadata: { external_id: "x", tier: "b", region: "eu" } };
		const server = { external_id: "x", tier: "z", owner: "sales", region: "us" };
		const send = [{ field: "metadata.region", before: "us", after: "eu" }];
		expect(patchBody(keptBody(body, ["metadata.tier"], server), send, server)).toEqual({
			metadata: { external_id: "x", tier: "z", owner: "sales", region: "eu" },
		});
		// Removed in Pivotal: an edit too, so the PATCH does not bring it back.
		const { tier: _removed, ...without } = server;
		expect(patchBody(keptBody(body, ["metadata.tier"], without), send, without)).toEqual({
			metadata: { external_id: "x", owner: "sales", region: "eu" },
		});
	});
	it("writtenAfter keeps the old written value of a kept field and forgets a cleared one", () => {
		const v = writtenAfter(
			{ plan: "pro", mrr: 100, domain: "a.io", metadata: { external_id: "x", tier: "a" } },
			{ plan: "max", mrr: 200, metadata: { external_id: "x" } },
			[
				{ field: "mrr", before: 100, after: 200 },
				{ field: "domain", before: "a.io", after: null, isCleared: true },
				{ field: "metadata.tier", before: "a", after: null, isCleared: true },
			],
			["plan"],
		);
		expect(v).toEqual({ plan: "pro", mrr: 200, metadata: { external_id: "x" } });
	});
});

describe("missingRecords (--delete-missing)", () => {
	const copy = (id: string, outcome: "created" | "existed"): PivotalCopy => ({ id, outcome, v: {} });
	const state = (id: string, outcome: "created" | "existed" = "created"): RecordState => ({
		s: "done",
		attempts: 1,
		...copy(id, outcome),
	});
	const records: Record<PassName, [string, RecordState][]> = {
		customers: [
			["a", state("cus_a")],
			["b", state("cus_b")],
			["c", state("cus_c", "existed")],
			["d", state("cus_d")],
			["e", { s: "sent", attempts: 1, was: copy("cus_e", "created") }],
		],
		contacts: [
			["b/x@b.io", state("con_bx")],
			["d/y@d.io", state("con_dy", "existed")],
			["a/z@a.io", state("con_az")],
		],
		onboardings: [["b/1", state("onb_b1")]],
	};
	const entries = (pass: PassName) => records[pass];

	it("created records gone go, children of a gone customer with them; adopted ones and their customer stay", () => {
		const missing = missingRecords(entries, (pass) =>
			pass === "customers"
				? new Set(["a"])
				: pass === "contacts"
					? new Set(["a/z@a.io", "b/x@b.io", "d/y@d.io"])
					: undefined,
		);
		expect(missing.deletes.customers.map((d) => d.key)).toEqual(["b", "e"]);
		expect(missing.deletes.contacts.map((d) => d.key)).toEqual(["b/x@b.io"]);
		expect(missing.deletes.onboardings.map((d) => [d.key, d.parentKey])).toEqual([["b/1", "b"]]);
		// c adopted; d has an adopted contact under it.
		expect(missing.kept).toEqual({ customers: 2, contacts: 1, onboardings: 0 });
		expect(missing.held).toEqual({ customers: 5, contacts: 3, onboardings: 1 });
	});

	it("a pass without a file this run is not gone", () => {
		const missing = missingRecords(entries, (pass) =>
			pass === "customers" ? new Set(["a", "b", "c", "d", "e"]) : undefined,
		);
		expect(missing.deletes.contacts).toEqual([]);
		expect(missing.deletes.customers).toEqual([]);
	});

	it("the limit is a tenth of the pass rounded down, or --max-deletes; more refuses with the count", () => {
		expect([
			deleteLimit(9, undefined),
			deleteLimit(10, undefined),
			deleteLimit(39, undefined),
			deleteLimit(9, 3),
		]).toEqual([0, 1, 3, 3]);
		const missing = missingRecords(entries, (pass) =>
			pass === "customers" ? new Set(["a", "c", "d"]) : undefined,
		);
		expect(deleteRefusal(missing, undefined)).toMatch(
			/^--delete-missing would delete 2 customers, more than 0 \(10 % of the 5 customers/,
		);
		expect(deleteRefusal(missing, 2)).toBeUndefined();
		expect(deleteRefusal(missing, 1)).toContain("more than 1 (--max-deletes)");
	});
});
