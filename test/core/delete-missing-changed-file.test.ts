import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { validateSources } from "../../src/source/index.js";
import { begin, simulatorsPerTest, tempDir } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

const CUSTOMERS = ["external_id,name", "c1,Acme", "c2,Globex", "c3,Initech", ""].join("\n");
const MTIME = new Date("2026-01-02T03:04:05Z");

function write(file: string, text: string): void {
	writeFileSync(file, text);
	utimesSync(file, MTIME, MTIME);
}

describe("--delete-missing against a file changed after the check", () => {
	it("deletes nothing on the word of bytes nobody checked: the run stops, interrupted", async () => {
		const { sim } = await prepared({}, { customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 });
		const dir = tempDir();
		const files: SourceFiles = { customers: join(dir, "customers.csv") };
		write(files.customers, CUSTOMERS);
		const seed = begin(sim, files);
		expect((await seed.run.done).outcome).toBe("completed");
		await seed.run.close();
		await seed.client.close();

		const check = await validateSources(files);
		expect(check.problemCount).toBe(0);
		// Same size and modification time, c2 gone while the keys are read, and put back before the
		// customers pass reads the file (which then proves its bytes as checked): read unchecked, c2
		// would be "missing" and deleted at the end of a run that otherwise completes.
		write(files.customers, CUSTOMERS.replace("c2,Globex", "c9,Globex"));
		const run = begin(sim, files, { check, rules: { deleteMissing: true, maxDeletes: 100 } });
		run.run.subscribe((event) => {
			if (event.type === "run-started") write(files.customers, CUSTOMERS);
		});
		const summary = await run.run.done;
		await run.run.close();
		await run.client.close();
		expect(summary.outcome).toBe("interrupted");
		expect(summary.message).toContain(files.customers);
		expect(summary.message).toContain("the file changed after it was checked");
		expect(summary.passes.customers.deleted).toBe(0);
		const live = sim
			.state()
			.customers.filter((c) => !c.deleted)
			.map((c) => c.name)
			.sort();
		expect(live).toEqual(["Acme", "Globex", "Initech"]);
	});
});
