/**
 * openImport given the plan's options: the files are validated and planned in one read, and
 * planImport takes that plan; the same plan a read of its own makes. A state that cannot be
 * read is read before the files but refused after their problems.
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openImport } from "../../src/app/open-import.js";
import { type PlanImportOptions, planImport } from "../../src/app/plan-import.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import { tempDir } from "../support/temp-dirs.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
// Never contacted: opening and planning send nothing.
const BASE_URL = "http://127.0.0.1:9/api/v1";

function fixtureFiles(): SourceFiles {
	const dir = tempDir();
	const files = {
		customers: join(dir, "customers.csv"),
		contacts: join(dir, "contacts.csv"),
		onboardings: join(dir, "onboardings.csv"),
	};
	for (const [name, path] of Object.entries(files)) copyFileSync(join(FIXTURES, `${name}.csv`), path);
	return files;
}

describe("openImport with the plan's options", () => {
	it("plans in the validation read; planImport takes that plan, equal to one made by a read of its own", async () => {
		const files = fixtureFiles();
		const options: PlanImportOptions = { keys: [], windowMs: 1_000 };
		const opened = await openImport({ files, baseUrl: BASE_URL, plan: options });
		if (!opened.ok) throw new Error(opened.message);
		const inCheck = opened.value.planned?.plan;
		expect(inCheck).toBeDefined();
		const planned = await planImport(opened.value, options);
		expect(planned.plan).toBe(inCheck);

		// Other options (another object): planned again, from a read of the files.
		const again = await planImport(opened.value, { ...options });
		expect(again.plan).not.toBe(inCheck);
		expect(again.plan).toEqual(inCheck);
		expect(again.estimateMs).toBe(planned.estimateMs);
		expect(inCheck!.passes.onboardings.rows).toBe(opened.value.check.counts.onboardings);
		expect(inCheck!.passes.contacts.rows).toBe(opened.value.check.counts.contacts);
	});

	it("with invalid rows left out, plans without them in a read of its own", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		writeFileSync(customers, "external_id,name\ncus_1,\ncus_2,Two\n");
		const options: PlanImportOptions = {};
		const opened = await openImport({
			files: { customers },
			baseUrl: BASE_URL,
			skipInvalid: true,
			onSkipped: () => {},
			plan: options,
		});
		if (!opened.ok) throw new Error(opened.message);
		expect(opened.value.planned).toBeUndefined();
		const planned = await planImport(opened.value, options);
		expect(planned.plan.passes.customers.rows).toBe(1);
		expect(planned.plan.passes.customers.ops.match).toBe(1);
	});

	it("refuses the input's problems before a state it cannot read, and then the state", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		writeFileSync(`${customers}.checkpoint.json`, "{ not a state");
		writeFileSync(customers, "external_id,name\ncus_1,\n");
		const invalid = await openImport({ files: { customers }, baseUrl: BASE_URL, plan: {} });
		expect(invalid.ok).toBe(false);
		if (invalid.ok) return;
		expect(invalid.code).toBe(2);
		expect(invalid.message).toMatch(/customers\.csv:2:/);

		writeFileSync(customers, "external_id,name\ncus_1,One\n");
		const unreadable = await openImport({ files: { customers }, baseUrl: BASE_URL, plan: {} });
		expect(unreadable.ok).toBe(false);
		if (unreadable.ok) return;
		expect(unreadable.code).toBe(2);
		expect(unreadable.message).toContain(`${customers}.checkpoint.json`);
	});
});
