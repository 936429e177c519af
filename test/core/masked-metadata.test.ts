import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { carriesMaskedKey } from "../../src/core/execute/masked-metadata.js";
import { startUndo } from "../../src/core/undo/undo-run.js";
import type { Simulator } from "../../src/sim/index.js";
import type { SourceFiles } from "../../src/source/index.js";
import { importToEnd, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

// Someone stored an API key in a metadata value in Pivotal (a Zapier note, say). Every answer
// reaches the tool with the key masked; PATCH replaces metadata whole, so carrying the masked
// value back would write the mask over the key.
const prepared = simulatorsPerTest();

const CUSTOMERS = `external_id,name,status,metadata.segment
crm-1,Aurora Labs,active,smb
crm-2,Bright Foods,active,smb
`;
const NOTE = `sync key ${TEST_KEY} (do not delete)`;

function client(sim: Simulator) {
	return createClient({
		baseUrl: sim.baseUrl,
		apiKey: TEST_KEY,
		timeouts: { headersMs: 5_000, bodyMs: 5_000 },
	});
}

const importOnce = (sim: Simulator, files: SourceFiles) => importToEnd(sim, files);

function customer(sim: Simulator, externalId: string) {
	const found = sim
		.state()
		.customers.find((c) => (c.metadata as Record<string, unknown>).external_id === externalId);
	if (found === undefined) throw new Error(`no customer ${externalId}`);
	return found as { id: string; name: string; metadata: Record<string, unknown> };
}

/** A person in Pivotal adds a metadata key whose value holds the API key. */
async function storeKeyInMetadata(sim: Simulator, externalId: string) {
	const api = client(sim);
	const { id, metadata } = customer(sim, externalId);
	await api.updateRecord("customers", id, JSON.stringify({ metadata: { ...metadata, zapier_note: NOTE } }));
	await api.close();
}

describe("metadata in Pivotal that holds an API key", () => {
	it("a sync fails that record, naming why, and sends no PATCH that would mask the key; other records sync", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		expect((await importOnce(sim, files)).summary.outcome).toBe("completed");
		await storeKeyInMetadata(sim, "crm-1");

		writeFileSync(files.customers, CUSTOMERS.replaceAll("active,smb", "active,enterprise"));
		const { summary, failures } = await importOnce(sim, files);
		expect(summary.passes.customers).toMatchObject({ updated: 1, failed: 1 });
		expect(failures.map((f) => [f.key, f.code])).toEqual([["crm-1", "metadata_holds_key"]]);
		expect(failures[0]?.message).toContain(
			"Take the key, or the masked text, out of the record's metadata in Pivotal",
		);
		expect(failures[0]?.message).not.toContain(TEST_KEY);
		expect(customer(sim, "crm-1").metadata).toMatchObject({ zapier_note: NOTE, segment: "smb" });
		expect(customer(sim, "crm-2").metadata).toMatchObject({ segment: "enterprise" });
	});

	it("an undo leaves such a record as it is and says why; the rest is put back", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "customers.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		await importOnce(sim, files);
		writeFileSync(files.customers, CUSTOMERS.replaceAll("active,smb", "active,enterprise"));
		expect((await importOnce(sim, files)).summary.passes.customers).toMatchObject({ updated: 2 });
		await storeKeyInMetadata(sim, "crm-1");

		const api = client(sim);
		const run = startUndo(
			{
				checkpointPath: `${files.customers}.checkpoint.json`,
				scope: { kind: "last" },
				keyFingerprint: keyFingerprint(TEST_KEY),
				baseUrl: sim.baseUrl,
			},
			{ client: api },
			{ backoffBaseMs: 10, backoffCapMs: 200 },
		);
		await run.done;
		const failures = run.failures();
		await run.close();
		await api.close();
		expect(failures.map((f) => [f.key, f.code])).toEqual([["crm-1", "metadata_holds_key"]]);
		expect(customer(sim, "crm-1").metadata).toMatchObject({ zapier_note: NOTE, segment: "enterprise" });
		expect(customer(sim, "crm-2").metadata).toMatchObject({ segment: "smb" });
	});
});

describe("carriesMaskedKey: what a PATCH would carry back masked", () => {
	it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
		["ordinary metadata", { region: "emea", note: "pivotal_customers_v2" }, {}, false],
		["a value holding a masked key", { note: "sync key pivotal_…s0Ya" }, {}, true],
		["a test key masked", { note: "pivotal_test_…0001" }, {}, true],
		["an entry named by a masked key", { "pivotal_…s0Ya": "x" }, {}, true],
		["a nested value", { zap: { auth: "pivotal_…s0Ya" } }, {}, true],
		["the PATCH sets that entry itself", { note: "pivotal_…s0Ya" }, { note: "ours" }, false],
	])("%s → %s", (_, carried, own, expected) => {
		expect(carriesMaskedKey(carried, own)).toBe(expected);
	});
});
