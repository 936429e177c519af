import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckpointData } from "../../../src/core/checkpoint/index.js";
import { checkAndPlan } from "../../../src/core/plan/check-and-plan.js";
import { makePlan } from "../../../src/core/plan/make-plan.js";
import type { Operation } from "../../../src/core/plan/planner.js";
import type { SourceFiles } from "../../../src/core/run-types.js";
import type { PassName, RecordState, SourceRecord } from "../../../src/model/records.js";
import { onboardingNames } from "../../../src/source/onboarding-keys.js";
import { tempDir } from "../../support/temp-dirs.js";

function writeFiles(csv: { customers: string; contacts?: string; onboardings?: string }): SourceFiles {
	const dir = tempDir("pivotal-tui-check-plan-");
	const files: Record<string, string> = {};
	for (const [pass, text] of Object.entries(csv)) {
		files[pass] = join(dir, `${pass}.csv`);
		writeFileSync(files[pass], text);
	}
	return files as unknown as SourceFiles;
}

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

const done = (id: string, v: Readonly<Record<string, unknown>>): RecordState => ({
	s: "done",
	attempts: 1,
	id,
	outcome: "created",
	v,
});

/** The records each plan planned, in order, with the operation: what the run would send. */
async function both(
	files: SourceFiles,
	state: CheckpointData | undefined,
): Promise<{
	fused: Awaited<ReturnType<typeof checkAndPlan>>;
	apart: unknown;
	fusedOps: unknown[];
	apartOps: unknown[];
}> {
	const apartOps: unknown[] = [];
	const base = { files, state, retryFailed: false, recreate: false };
	const apart = await makePlan({
		...base,
		onOperation: (record: SourceRecord, op: Operation) => apartOps.push([record, op]),
	});
	const fused = await checkAndPlan(base);
	// The plan made in the validation read, checked record by record against one made apart.
	const fusedOps: unknown[] = [];
	await checkAndPlan({ ...base, onOperation: (record, op) => fusedOps.push([record, op]) });
	return { fused, apart, fusedOps, apartOps };
}

describe("checkAndPlan: validation and the plan from one read", () => {
	it("plans customers, contacts and onboardings as makePlan does, against a state", async () => {
		const files = writeFiles({
			customers: "external_id,name,slug,plan\nC1,Acme,,pro\nC2,Acme,,basic\nC3,Globex,globex,pro\n",
			contacts: "customer_external_id,name,email\nC1,Ann,ann@acme.example\nC2,Bob,bob@acme.example\n",
			onboardings:
				"customer_external_id,name,phase\nC1,Kickoff,launch\nC1,Kickoff,review\nC2,Setup,completed\nC3,,review\n",
		});
		const state = checkpoint({
			customers: [["C1", done("cus_1", { name: "Acme", slug: "acme", plan: "basic" })]],
		});
		const { fused, apart, fusedOps, apartOps } = await both(files, state);
		expect(fused.check.problemCount).toBe(0);
		expect(fused.plan).toEqual(apart);
		expect(fused.plan?.passes.customers.ops.update).toBe(1);
		expect(fused.plan?.passes.onboardings.automationCount).toBe(2);
		expect(fusedOps).toEqual(apartOps);
		expect(fusedOps).toHaveLength(3 + 2 + 4);
	});

	it("derives the same slugs when a later row's slug column holds one derived earlier (read again)", async () => {
		// Row 2 derives "acme"; row 4 writes "acme-2" itself, which row 3 would otherwise derive.
		const files = writeFiles({
			customers: "external_id,name,slug\nC1,Acme,\nC2,Acme,\nC3,Acme,\nC4,Other,acme-2\n",
		});
		const { fused, apart } = await both(files, undefined);
		expect(fused.plan).toEqual(apart);
		expect(fused.plan?.passes.customers.slugs?.map((s) => s.slug)).toEqual(["acme", "acme-3", "acme-4"]);
	});

	it("returns no plan when a row has a problem, and the problems as validateSources finds them", async () => {
		const files = writeFiles({
			customers: "external_id,name\nC1,Acme\nC1,Again\n",
			contacts: "customer_external_id,name,email\nC9,Ann,ann@acme.example\n",
		});
		const { check, plan } = await checkAndPlan({
			files,
			state: undefined,
			retryFailed: false,
			recreate: false,
		});
		expect(plan).toBeUndefined();
		expect(check.problemCount).toBe(2);
		expect(check.problems.map((p) => p.line)).toEqual([3, 2]);
	});

	it("hands the whole-file facts a later read needs: onboarding names, and slugs only when one is derived", async () => {
		const files = writeFiles({
			customers: "external_id,name,slug\nC1,Acme,acme\nC2,Beta,\n",
			onboardings: "customer_external_id,name\nC1,Kickoff\nC1, Kickoff \nC2,Setup\nC2,\n",
		});
		const { check } = await checkAndPlan({ files, state: undefined, retryFailed: false, recreate: false });
		expect([...(check.known.customers.explicitSlugs ?? [])]).toEqual(["acme"]);
		expect(check.known.onboardings.onboardingNames).toEqual(
			await onboardingNames(files.onboardings!, undefined, {}),
		);
		const all = writeFiles({ customers: "external_id,name,slug\nC1,Acme,acme\n" });
		const second = await checkAndPlan({ files: all, state: undefined, retryFailed: false, recreate: false });
		expect(second.check.known.customers.explicitSlugs).toBeUndefined();
	});
});
