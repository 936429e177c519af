import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CheckpointData } from "../../../src/core/checkpoint/index.js";
import { ownedValues } from "../../../src/core/plan/field-diff.js";
import { makePlan } from "../../../src/core/plan/make-plan.js";
import { bodyHash, type Operation } from "../../../src/core/plan/planner.js";
import type { SourceFiles } from "../../../src/core/run-types.js";
import type { PassName, RecordState, SourceRecord } from "../../../src/model/records.js";
import { planText } from "../../../src/report/plan-text.js";
import { readRecords } from "../../../src/source/index.js";
import { planRows } from "../../../src/ui/model/plan-view.js";

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeFiles(csv: { customers: string; contacts?: string; onboardings?: string }): SourceFiles {
	const dir = mkdtempSync(join(tmpdir(), "pivotal-tui-plan-"));
	dirs.push(dir);
	const files: Record<string, string> = {};
	for (const [pass, text] of Object.entries(csv)) {
		files[pass] = join(dir, `${pass}.csv`);
		writeFileSync(files[pass], text);
	}
	return files as unknown as SourceFiles;
}

async function bodies(file: string, pass: PassName): Promise<Map<string, SourceRecord>> {
	const records = new Map<string, SourceRecord>();
	for await (const record of readRecords(file, pass)) records.set(record.key, record);
	return records;
}

function checkpoint(
	records: Partial<Record<PassName, [string, RecordState][]>>,
	runsFinished: number,
): CheckpointData {
	return {
		header: {} as CheckpointData["header"],
		records: {
			customers: new Map(records.customers ?? []),
			contacts: new Map(records.contacts ?? []),
			onboardings: new Map(records.onboardings ?? []),
		},
		counters: { requests: 0, rateLimited: 0, retries: 0, created: 0, existed: 0, failed: 0, runsFinished },
		updatedAt: "2025-01-01T00:00:00.000Z",
	};
}

const done = (id: string, v: Readonly<Record<string, unknown>>): RecordState => ({
	s: "done",
	attempts: 1,
	id,
	outcome: "created",
	v,
});

const CUSTOMERS = [
	"external_id,name,plan",
	"c1,Acme,pro",
	"c2,Beta,pro",
	"c3,Gamma,pro",
	"c4,Delta,pro",
	"c5,Epsilon,pro",
	"",
].join("\n");

describe("makePlan", () => {
	it("tallies each pass, shows the first updates and the onboardings entering launch or completed", async () => {
		const files = writeFiles({
			customers: CUSTOMERS,
			contacts: ["customer_external_id,name,email", "c1,Ann,ann@acme.com", "c3,Gil,gil@gamma.io", ""].join(
				"\n",
			),
			onboardings: [
				"customer_external_id,name,phase",
				"c1,Acme go-live,launch",
				"c2,Beta rollout,completed",
				"c2,Beta second,review",
				"",
			].join("\n"),
		});
		const customers = await bodies(files.customers, "customers");
		const onboardings = await bodies(files.onboardings!, "onboardings");
		const same = (key: string) => ownedValues(customers.get(key)!.body);
		const state = checkpoint(
			{
				customers: [
					["c1", done("cus_1", same("c1"))],
					["c2", done("cus_2", { ...same("c2"), plan: "free" })],
					["c4", { s: "removed", why: "gone", id: "cus_4", g: 1 }],
					[
						"c5",
						{
							s: "failed",
							status: 400,
							code: "invalid_request",
							message: "m",
							attempts: 1,
							retryable: false,
							b: bodyHash(customers.get("c5")!.body),
						},
					],
					["c9", done("cus_9", { name: "Gone from the file" })],
				],
				onboardings: [
					[
						"c2/name:Beta rollout",
						done("onb_1", { ...ownedValues(onboardings.get("c2/name:Beta rollout")!.body), phase: "review" }),
					],
				],
			},
			1,
		);
		const seen: [string, Operation["kind"]][] = [];
		const plan = await makePlan({
			files,
			state,
			retryFailed: false,
			recreate: false,
			onOperation: (record, op) => seen.push([`${record.pass}:${record.key}`, op.kind]),
		});

		expect(plan.isFirstSync).toBe(false);
		expect(plan.passes.customers).toMatchObject({
			rows: 5,
			ops: { create: 1, match: 0, update: 1, unchanged: 1, blocked: 0, kept: 2 },
			fields: { plan: 1 },
			examples: [{ key: "c2", line: 3, changes: [{ field: "plan", before: "free", after: "pro" }] }],
			notInFiles: 1,
			gone: 1,
		});
		expect(plan.passes.contacts.ops).toMatchObject({ create: 2 });
		expect(plan.passes.onboardings).toMatchObject({
			rows: 3,
			ops: { create: 2, update: 1 },
			automationCount: 2,
			automations: [
				{ key: "c1/name:Acme go-live", line: 2, phase: "launch" },
				{ key: "c2/name:Beta rollout", line: 3, phase: "completed" },
			],
		});
		// Creates and updates cost a request each; unchanged and kept records none.
		expect(plan.requests).toBe(2 + 2 + 3);
		expect(seen.slice(0, 5)).toEqual([
			["customers:c1", "unchanged"],
			["customers:c2", "update"],
			["customers:c3", "create"],
			["customers:c4", "kept"],
			["customers:c5", "kept"],
		]);
	});

	it("an update left in doubt by a stopped run, its row back at what the state last wrote: read back, never shown as a create", async () => {
		// Customers with no slug column: a create would get one derived, which a read-back must not claim.
		const files = writeFiles({ customers: CUSTOMERS });
		const customers = await bodies(files.customers, "customers");
		const same = (key: string) => ownedValues(customers.get(key)!.body);
		const state = checkpoint(
			{
				customers: [
					["c1", { s: "sent", attempts: 1, was: { id: "cus_1", outcome: "created", v: same("c1") } }],
					["c2", { s: "sent", attempts: 1, was: { id: "cus_2", outcome: "created", v: same("c2") } }],
					["c3", done("cus_3", same("c3"))],
					["c4", done("cus_4", same("c4"))],
				],
			},
			1,
		);
		const plan = await makePlan({ files, state, retryFailed: false, recreate: false });
		expect(plan.passes.customers).toMatchObject({ ops: { create: 1, match: 2, unchanged: 2 }, readBack: 2 });
		expect(plan.passes.customers.slugCount).toBe(1);
		const row = planRows(plan).find((r) => r.pass === "customers");
		expect(row).toMatchObject({ create: 1, update: 2, unchanged: 2 });
		const text = planText(plan);
		expect(text).toContain(
			"customers: 2 whose last update is in doubt (a run stopped with it out) are read back from Pivotal and corrected where they differ (counted under update).",
		);
		expect(text).not.toMatch(/without state/);
		expect(text).toContain("customers: 1 without a slug get one derived");
	});

	it("a row the last run left ambiguous_match: looked up again, never created, and the plan says why", async () => {
		const files = writeFiles({ customers: CUSTOMERS });
		const customers = await bodies(files.customers, "customers");
		const ambiguous: RecordState = {
			s: "failed",
			status: null,
			code: "ambiguous_match",
			message: "2 records in Pivotal match it",
			attempts: 0,
			retryable: true,
			b: bodyHash(customers.get("c1")!.body),
		};
		const same = (key: string) => ownedValues(customers.get(key)!.body);
		const state = checkpoint(
			{
				customers: [
					["c1", ambiguous],
					["c2", done("cus_2", same("c2"))],
					["c3", done("cus_3", same("c3"))],
					["c4", done("cus_4", same("c4"))],
					["c5", done("cus_5", same("c5"))],
				],
			},
			1,
		);
		const plan = await makePlan({ files, state, retryFailed: false, recreate: false });
		expect(plan.passes.customers).toMatchObject({ ops: { create: 0, match: 1, unchanged: 4 }, ambiguous: 1 });
		expect(planText(plan)).toContain(
			"customers: 1 matched several records in Pivotal on the last run (ambiguous_match): it is looked up again and adopted only where one is left, never created beside them.",
		);
	});

	it("matches customers on a first sync and limits the examples", async () => {
		const files = writeFiles({ customers: CUSTOMERS });
		const customers = await bodies(files.customers, "customers");
		const stale = [...customers.keys()].map((key): [string, RecordState] => [
			key,
			done(`cus_${key}`, { ...ownedValues(customers.get(key)!.body), plan: "free" }),
		]);
		const first = await makePlan({ files, state: undefined, retryFailed: false, recreate: false });
		expect(first.isFirstSync).toBe(true);
		expect(first.passes.customers.ops).toMatchObject({ match: 5, create: 0 });
		// A first run that was interrupted has not finished: its records without state still match.
		const interrupted = await makePlan({
			files,
			state: checkpoint({ customers: stale.slice(0, 1) }, 0),
			retryFailed: false,
			recreate: false,
		});
		expect(interrupted.isFirstSync).toBe(true);
		expect(interrupted.passes.customers.ops).toMatchObject({ match: 4, update: 1, create: 0 });
		const later = await makePlan({
			files,
			state: checkpoint({ customers: stale }, 2),
			retryFailed: false,
			recreate: false,
			examples: 2,
		});
		expect(later.passes.customers.ops.update).toBe(5);
		expect(later.passes.customers.fields).toEqual({ plan: 5 });
		expect(later.passes.customers.examples.map((e) => e.key)).toEqual(["c1", "c2"]);
	});

	describe("children of a customer that failed for good", () => {
		const failed: RecordState = {
			s: "failed",
			status: 400,
			code: "invalid_request",
			message: "m",
			attempts: 1,
			retryable: false,
		};
		const prepare = () => {
			const files = writeFiles({
				customers: CUSTOMERS,
				contacts: ["customer_external_id,name,email", "c5,Eve,eve@eps.io", ""].join("\n"),
			});
			return { files, state: checkpoint({ customers: [["c5", failed]] }, 1) };
		};

		it("are blocked while it is kept", async () => {
			const { files, state } = prepare();
			const plan = await makePlan({ files, state, retryFailed: false, recreate: false });
			expect(plan.passes.customers.ops).toMatchObject({ create: 4, kept: 1 });
			expect(plan.passes.contacts.ops).toMatchObject({ blocked: 1, create: 0 });
		});

		// With --retry-failed the plan sends the customer again, and the run creates its children
		// once it is in; the plan still counts them blocked (make-plan's parentView looks at the
		// failure's `retryable`, not at what the plan does with the customer).
		it("are planned when --retry-failed sends it again, as the run does", async () => {
			const { files, state } = prepare();
			const plan = await makePlan({ files, state, retryFailed: true, recreate: false });
			expect(plan.passes.customers.ops).toMatchObject({ create: 5, kept: 0 });
			expect(plan.passes.contacts.ops).toMatchObject({ create: 1, blocked: 0 });
		});
	});

	// The run treats the children of a customer kept as deleted in Pivotal as blocked (its
	// parent has no copy: "missing"); the plan shows them as unchanged or created.
	it("blocks the children of a customer deleted in Pivotal, as the run does", async () => {
		const files = writeFiles({
			customers: CUSTOMERS,
			contacts: ["customer_external_id,name,email", "c4,Dan,dan@delta.io", ""].join("\n"),
		});
		const contact = [...(await bodies(files.contacts!, "contacts")).values()][0]!;
		const state = checkpoint(
			{
				customers: [["c4", { s: "removed", why: "gone", id: "cus_4", g: 1 }]],
				contacts: [[contact.key, done("con_1", ownedValues(contact.body))]],
			},
			1,
		);
		const plan = await makePlan({ files, state, retryFailed: false, recreate: false });
		expect(plan.passes.customers.gone).toBe(1);
		expect(plan.passes.contacts.ops).toMatchObject({ blocked: 1, unchanged: 0 });
	});

	it("says of a record made again under --recreate that it is looked up first (exists_again)", async () => {
		const files = writeFiles({ customers: CUSTOMERS });
		const state = checkpoint({ customers: [["c4", { s: "removed", why: "gone", id: "cus_4", g: 1 }]] }, 1);
		const plan = await makePlan({ files, state, retryFailed: false, recreate: true });
		expect(plan.passes.customers).toMatchObject({ remade: 1 });
		expect(planText(plan)).toContain(
			"customers: 1 deleted before is made again; each is looked up first, and one Pivotal holds again (its external id) is reported exists_again and left, not made twice.",
		);
	});
});

describe("makePlan: records sent with no answer whose rows are gone (finding N6)", () => {
	it("counts the creates in doubt apart from the records whose copy the state knows, with a plain Map or a StateMap", async () => {
		const files = writeFiles({ customers: "external_id,name\nc1,Acme\nc4,Here\n" });
		const entries: [string, RecordState][] = [
			["c1", { s: "sent", attempts: 1 }],
			// Gone from the file: a create in doubt, an update in doubt (its copy known), a done record.
			["c2", { s: "sent", attempts: 1 }],
			["c3", { s: "sent", attempts: 1, was: { id: "cus_3", outcome: "created", v: { name: "Three" } } }],
			["c5", done("cus_5", { name: "Five" })],
			// In the file, in doubt: resolved by this plan's look-up, not counted.
			["c4", { s: "sent", attempts: 2 }],
		];
		const plain = checkpoint({ customers: entries }, 1);
		const { toStateMap } = await import("../../../src/core/checkpoint/state-map.js");
		const mapped = {
			...plain,
			records: { ...plain.records, customers: toStateMap(plain.records.customers) },
		};
		for (const state of [plain, mapped]) {
			const plan = await makePlan({ files, state, retryFailed: false, recreate: false });
			expect(plan.passes.customers.unansweredNotInFiles).toBe(1);
			expect(plan.passes.customers.notInFiles).toBe(2);
			expect(planRows(plan)[0]?.notInFiles).toBe(3);
			expect(planText(plan)).toContain(
				"customers: 1 record whose create got no answer in an earlier run is no longer in the file",
			);
		}
	});
});
