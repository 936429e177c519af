import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { validateSources } from "../../src/source/index.js";
import { begin, simulatorsPerTest, tempDir } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

const CUSTOMERS = ["external_id,name", "c1,Acme", "c2,Globex", "c3,Initech", ""].join("\n");
const CONTACTS = [
	"customer_external_id,name,email",
	"c1,Ann,ann@acme.test",
	"c2,Bob,bob@globex.test",
	"c3,Cy,cy@initech.test",
	"",
].join("\n");
// A whole second: the file's modification time is put back exactly after the edit below.
const MTIME = new Date("2026-01-02T03:04:05Z");

function write(file: string, text: string): void {
	writeFileSync(file, text);
	utimesSync(file, MTIME, MTIME);
}

describe("a file changed under a run the check was handed to", () => {
	it("stops the run, interrupted, after the passes before it; a new run checks the file again and finishes", async () => {
		const { sim } = await prepared({}, { customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 });
		const dir = tempDir();
		const files: SourceFiles = { customers: join(dir, "customers.csv"), contacts: join(dir, "contacts.csv") };
		write(files.customers, CUSTOMERS);
		write(files.contacts!, CONTACTS);
		const check = await validateSources(files);
		expect(check.problemCount).toBe(0);

		// Same size and modification time, one letter changed: the up-front check is a stat and
		// passes; the contacts pass's read proves the bytes and finds them changed.
		write(files.contacts!, CONTACTS.replace("bob@globex.test", "rob@globex.test"));
		const first = begin(sim, files, { check });
		const summary = await first.run.done;
		await first.run.close();
		await first.client.close();
		expect(summary.outcome).toBe("interrupted");
		expect(summary.message).toContain(files.contacts!);
		expect(summary.message).toContain("The records before that point were sent; the state is saved.");
		expect(summary.passes.customers.created).toBe(3);
		expect(summary.passes.contacts.created).toBe(0);
		expect(sim.state().contacts.filter((c) => !c.deleted)).toHaveLength(0);

		// Without the old check the run validates the file as it is now, and sends it.
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

	it("holds a retry of the failed records to the checked bytes too: a file changed since stops it, sending nothing of it", async () => {
		const { sim } = await prepared({}, { customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 });
		// Contacts are created under their customer: POST /customers/:id/contacts.
		sim.pushFault({
			method: "POST",
			route: "/customers/:id/contacts",
			match: { email: "bob@globex.test" },
			status: 400,
			code: "invalid_email",
			field: "email",
			message: "email is blocked here.",
		});
		const dir = tempDir();
		const files: SourceFiles = { customers: join(dir, "customers.csv"), contacts: join(dir, "contacts.csv") };
		write(files.customers, CUSTOMERS);
		write(files.contacts!, CONTACTS);
		const run = begin(sim, files);
		const summary = await run.run.done;
		expect(summary.passes.contacts.failed).toBe(1);
		// The row edited after the run checked it, size and time kept: a retry must not send it unchecked.
		write(files.contacts!, CONTACTS.replace("bob@globex.test", "rob@globex.test"));
		const retried = await run.run.retryFailed();
		await run.run.close();
		await run.client.close();
		expect(retried.outcome).toBe("interrupted");
		expect(retried.message).toContain("The records before that point were sent; the state is saved.");
		expect(
			sim
				.state()
				.contacts.filter((c) => !c.deleted)
				.map((c) => c.email),
		).not.toContain("rob@globex.test");
	});
});
