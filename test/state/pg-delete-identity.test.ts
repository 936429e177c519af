/**
 * `--delete-missing` never deletes a record the files still hold, whatever the state says: a
 * stray row of the state (inserted by SQL, as an adversarial tester did) that holds another
 * record's Pivotal id is read before its DELETE, found to be that other record, and left alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { headlessImportArgs, runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { testPostgres } from "../support/postgres.js";

const db = testPostgres();
const prepared = simulatorsPerTest();

function importArgs(files: SourceFiles, ...more: string[]): string[] {
	return headlessImportArgs(files, "--yes", ...more);
}

/** Drops the rows whose first cell is `key` from `file` (a customer and, in the children's files, its rows). */
function dropRows(file: string, key: string): void {
	const lines = readFileSync(file, "utf8").split("\n");
	writeFileSync(file, lines.filter((line) => line.split(",")[0] !== key).join("\n"));
}

interface Row {
	readonly id: string;
	readonly deleted: boolean;
	readonly metadata?: { readonly external_id?: string };
}

describe("--delete-missing reads each record before its DELETE and leaves one that is another record", () => {
	it("a stray state row holding a live customer's id deletes nothing; a row really gone is still deleted", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 4, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
		);
		const url = await db.newDatabase();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const state = ["--state", url, "--name", "fx"];
		expect((await runCli(importArgs(files, ...state), { env })).code).toBe(0);
		const database = url.split("/").pop() ?? "";
		// Another key's row holding cus_000001's state, id included: the records table as F7 left it.
		await db.query(
			database,
			"INSERT INTO pivotal_tui.records SELECT import, pass, 'cus_stray', state FROM pivotal_tui.records WHERE import = 'fx' AND pass = 'customers' AND key = 'cus_000001'",
		);
		// cus_000004 and its rows leave the files: the one record that is to be deleted.
		for (const file of [files.customers, files.contacts, files.onboardings])
			if (file) dropRows(file, "cus_000004");

		const run = await runCli(importArgs(files, ...state, "--delete-missing", "--max-deletes", "5"), { env });
		const customers = sim.state().customers as unknown as Row[];
		const byKey = new Map(customers.map((c) => [c.metadata?.external_id, c]));
		expect(byKey.get("cus_000001")?.deleted).toBe(false);
		expect(byKey.get("cus_000004")?.deleted).toBe(true);
		expect(customers.filter((c) => c.deleted)).toHaveLength(1);
		// Said, and counted failed: exit 1, the record named with what Pivotal's copy reads as.
		expect(run.code).toBe(1);
		const said = `${run.stdout}\n${run.stderr}`;
		expect(said).toContain("cus_stray");
		expect(said).toContain('reads as metadata.external_id "cus_000001"');
		expect(said).not.toContain(TEST_KEY);

		// The next run reads it again and leaves it again: nothing is deleted on a second try either.
		const again = await runCli(importArgs(files, ...state, "--delete-missing", "--max-deletes", "5"), {
			env,
		});
		expect(again.code).toBe(1);
		expect((sim.state().customers as unknown as Row[]).filter((c) => c.deleted)).toHaveLength(1);
	});
});
