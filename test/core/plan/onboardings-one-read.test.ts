/**
 * Onboardings are keyed by whether a customer's rows repeat a name, a whole-file fact. The read
 * that validates them plans them too while no name repeats and the state holds each row's key;
 * otherwise they are planned in a read of their own. Either way the plan is `makePlan`'s.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CheckpointData } from "../../../src/core/checkpoint/index.js";
import { checkAndPlan } from "../../../src/core/plan/check-and-plan.js";
import { makePlan } from "../../../src/core/plan/make-plan.js";
import type { SourceFiles } from "../../../src/core/run-types.js";
import type { PassName, RecordState } from "../../../src/model/records.js";
import * as rows from "../../../src/source/rows.js";
import { tempDir } from "../../support/temp-dirs.js";

vi.mock("../../../src/source/rows.js", async (importOriginal) => {
	const original = await importOriginal<typeof rows>();
	return { ...original, readRows: vi.fn(original.readRows) };
});

/** How many reads of `file` started since the last reset. */
function readsOf(file: string): number {
	return vi.mocked(rows.readRows).mock.calls.filter(([path]) => path === file).length;
}

function writeFiles(csv: { customers: string; onboardings: string }): SourceFiles {
	const dir = tempDir("pivotal-tui-onboardings-read-");
	const customers = join(dir, "customers.csv");
	const onboardings = join(dir, "onboardings.csv");
	writeFileSync(customers, csv.customers);
	writeFileSync(onboardings, csv.onboardings);
	return { customers, onboardings };
}

const done = (id: string, v: Readonly<Record<string, unknown>>): RecordState => ({
	s: "done",
	attempts: 1,
	id,
	outcome: "created",
	v,
});

function checkpoint(records: Partial<Record<PassName, [string, RecordState][]>>): CheckpointData {
	return {
		header: {} as CheckpointData["header"],
		records: {
			customers: new Map(records.customers ?? []),
			contacts: new Map(records.contacts ?? []),
			onboardings: new Map(records.onboardings ?? []),
		},
		counters: { requests: 0, rateLimited: 0, retries: 0, created: 0, existed: 0, failed: 0, runsFinished: 1 },
		updatedAt: "2025-01-01T00:00:00.000Z",
	};
}

const CUSTOMERS = "external_id,name,slug\nC1,Acme,acme\nC2,Globex,globex\n";
const CUSTOMER_STATES: [string, RecordState][] = [
	["C1", done("cus_1", { name: "Acme", slug: "acme" })],
	["C2", done("cus_2", { name: "Globex", slug: "globex" })],
];

/** The plan of one read and of `makePlan`, and how many times the onboardings file was read for the first. */
async function planBoth(files: SourceFiles, state: CheckpointData | undefined) {
	const base = { files, state, retryFailed: false, recreate: false };
	const apart = await makePlan(base);
	vi.mocked(rows.readRows).mockClear();
	const fused = await checkAndPlan(base);
	return { fused, apart, reads: readsOf(files.onboardings!) };
}

describe("checkAndPlan's onboardings", () => {
	beforeEach(() => {
		vi.mocked(rows.readRows).mockClear();
	});

	it("are planned in the validation read when no name repeats and the state holds every key", async () => {
		const files = writeFiles({
			customers: CUSTOMERS,
			onboardings: "customer_external_id,name,phase\nC1,Kickoff,launch\nC1,Setup,review\nC2,Kickoff,review\n",
		});
		const state = checkpoint({
			customers: CUSTOMER_STATES,
			onboardings: [
				["C1/name:Kickoff", done("onb_1", { name: "Kickoff", phase: "launch" })],
				["C1/name:Setup", done("onb_2", { name: "Setup", phase: "kickoff" })],
				["C2/name:Kickoff", done("onb_3", { name: "Kickoff", phase: "review" })],
			],
		});
		const { fused, apart, reads } = await planBoth(files, state);
		expect(fused.plan).toEqual(apart);
		expect(fused.plan?.passes.onboardings.ops).toMatchObject({ unchanged: 2, update: 1 });
		expect(reads).toBe(1);
	});

	it("are planned in the validation read on a first import with no repeated name", async () => {
		const files = writeFiles({
			customers: CUSTOMERS,
			onboardings: "customer_external_id,name,phase\nC1,Kickoff,launch\nC2,,review\nC2,Setup,review\n",
		});
		const { fused, apart, reads } = await planBoth(files, undefined);
		expect(fused.plan).toEqual(apart);
		expect(fused.plan?.passes.onboardings.ops.create).toBe(3);
		expect(reads).toBe(1);
	});

	it("are read again when a later row repeats a name the customer's first row was keyed by", async () => {
		// Entering "launch", each row is listed with its key: the first is `C1/#1`, not `C1/name:Kickoff`.
		const files = writeFiles({
			customers: CUSTOMERS,
			onboardings: "customer_external_id,name,phase\nC1,Kickoff,launch\nC2,Setup,launch\nC1,Kickoff,launch\n",
		});
		const { fused, apart, reads } = await planBoth(files, undefined);
		expect(fused.plan).toEqual(apart);
		expect(fused.plan?.passes.onboardings.automations.map((a) => a.key)).toEqual([
			"C1/#1",
			"C2/name:Setup",
			"C1/#2",
		]);
		expect(reads).toBe(2);
	});

	it("are read again when a row's key is not in the state, which may hold it under an older key", async () => {
		const files = writeFiles({
			customers: CUSTOMERS,
			onboardings: "customer_external_id,name,phase\nC1,Kickoff,launch\nC2,Setup,review\n",
		});
		// Written before onboardings were keyed by name: `<customer>/<n>`.
		const state = checkpoint({
			customers: CUSTOMER_STATES,
			onboardings: [
				["C1/1", done("onb_1", { name: "Kickoff", phase: "launch" })],
				["C2/name:Setup", done("onb_2", { name: "Setup", phase: "review" })],
			],
		});
		const { fused, apart, reads } = await planBoth(files, state);
		expect(fused.plan).toEqual(apart);
		expect(fused.plan?.passes.onboardings.ops.create).toBe(0);
		expect(reads).toBe(2);
	});
});
