/**
 * The fourth, test-only resource (notes under a customer, registered in the table) planned in
 * the validation read: the same plan as makePlan's read of its own, with its passes in the
 * order they run although the notes are planned as validation reads them and the onboardings
 * (a numbered pass) after.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { PASSES } from "../../src/model/records.js";
import { NOTES } from "../support/notes-resource.js";
import { tempDir } from "../support/temp-dirs.js";

// Loaded once `notes` is in the table (notes-resource.ts registers it on import).
let engine: {
	readonly checkAndPlan: typeof import("../../src/core/plan/check-and-plan.js").checkAndPlan;
	readonly makePlan: typeof import("../../src/core/plan/make-plan.js").makePlan;
};
beforeAll(async () => {
	engine = {
		checkAndPlan: (await import("../../src/core/plan/check-and-plan.js")).checkAndPlan,
		makePlan: (await import("../../src/core/plan/make-plan.js")).makePlan,
	};
});

describe("a registered resource planned in the validation read", () => {
	it("plans notes as makePlan does, keyed by their folded title, passes in run order", async () => {
		const dir = tempDir();
		const files = {
			customers: join(dir, "customers.csv"),
			onboardings: join(dir, "onboardings.csv"),
			[NOTES]: join(dir, "notes.csv"),
		} as unknown as SourceFiles;
		writeFileSync(files.customers, "external_id,name\nc1,Acme\nc2,Globex\n");
		writeFileSync(files.onboardings!, "customer_external_id,name,phase\nc1,Kickoff,launch\nc2,,review\n");
		writeFileSync(
			(files as unknown as Record<string, string>)[NOTES]!,
			"customer_external_id,title,body\nc1,Kickoff,First call\nc2,Renewal,Due in May\n",
		);
		const keys: string[] = [];
		const base = { files, state: undefined, retryFailed: false, recreate: false };
		const fused = await engine.checkAndPlan(base);
		const apart = await engine.makePlan({ ...base, onOperation: (record) => keys.push(record.key) });
		expect(fused.check.problemCount).toBe(0);
		expect(fused.check.counts[NOTES]).toBe(2);
		expect(fused.plan).toEqual(apart);
		expect(Object.keys(fused.plan!.passes)).toEqual([...PASSES]);
		expect(fused.plan!.passes[NOTES].rows).toBe(2);
		expect(keys).toContain("c1/kickoff");
		expect(keys).toContain("c2/renewal");
	});
});
