import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { validateSources } from "../../src/source/index.js";
import { begin, simulatorsPerTest, tempDir } from "../support/import-harness.js";
import { type XlsxCell, xlsxBytes } from "../support/xlsx-writer.js";

const prepared = simulatorsPerTest();

const CUSTOMERS: XlsxCell[][] = [
	["external_id", "name"],
	["c1", "Acme"],
	["c2", "Globex"],
	["c3", "Initech"],
];
const CONTACTS: XlsxCell[][] = [
	["customer_external_id", "name", "email"],
	["c1", "Ann", "ann@acme.test"],
	["c2", "Bob", "bob@globex.test"],
	["c3", "Cy", "cy@initech.test"],
];

function book(contacts: XlsxCell[][]): Buffer {
	return xlsxBytes({
		sheets: [
			{ name: "Customers", rows: CUSTOMERS },
			{ name: "Contacts", rows: contacts },
		],
	});
}

describe("a workbook replaced under a run the check was handed to", () => {
	it("stops the run, interrupted, before any row of the replaced workbook is sent", async () => {
		const { sim } = await prepared({}, { customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 });
		const dir = tempDir();
		const workbook = join(dir, "book.xlsx");
		const files: SourceFiles = { customers: `${workbook}#Customers`, contacts: `${workbook}#Contacts` };
		writeFileSync(workbook, book(CONTACTS));
		const check = await validateSources(files);
		expect(check.problemCount).toBe(0);

		// An edited copy (another shared string) renamed over the workbook during the customers pass
		// (its sheet already open): past the up-front check, before the contacts pass reads its sheet.
		const edited = join(dir, "edited.xlsx");
		writeFileSync(
			edited,
			book(CONTACTS.map((row) => row.map((cell) => (cell === "bob@globex.test" ? "rob@globex.test" : cell)))),
		);
		const first = begin(sim, files, { check });
		let isSwapped = false;
		first.run.subscribe((event) => {
			if (event.type === "record-done" && event.pass === "customers" && !isSwapped) {
				renameSync(edited, workbook);
				isSwapped = true;
			}
		});
		const summary = await first.run.done;
		await first.run.close();
		await first.client.close();
		expect(isSwapped).toBe(true);
		expect(summary.outcome).toBe("interrupted");
		expect(summary.message).toContain(workbook);
		expect(summary.message).toContain("the file changed after it was checked");
		expect(summary.message).toContain("The records before that point were sent; the state is saved.");
		expect(summary.passes.customers.created).toBe(3);
		expect(summary.passes.contacts.created).toBe(0);
		expect(sim.state().contacts.filter((c) => !c.deleted)).toHaveLength(0);

		// Without the old check the run validates the workbook as it is now, and sends it.
		const second = begin(sim, files);
		const resumed = await second.run.done;
		await second.run.close();
		await second.client.close();
		expect(resumed.outcome).toBe("completed");
		const emails = sim
			.state()
			.contacts.filter((c) => !c.deleted)
			.map((c) => c.email)
			.sort();
		expect(emails).toEqual(["ann@acme.test", "cy@initech.test", "rob@globex.test"]);
	});
});
