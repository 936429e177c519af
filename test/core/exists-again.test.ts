import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { PivotalRecord } from "../../src/api/types.js";
import { startUndo } from "../../src/core/undo/undo-run.js";
import type { Simulator } from "../../src/sim/index.js";
import { importToEnd, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

// A record deleted (by --delete-missing, or in Pivotal) may be added back in Pivotal by someone
// else, under another id. `undo` and `import --recreate` make the deleted record again: with one
// carrying its identity already there, that would leave two (finding O4).
const prepared = simulatorsPerTest();

const CUSTOMERS = `external_id,name,domain,mrr
u-1,Uno,uno.example,100
u-2,Dos,dos.example,200
u-3,Tres,tres.example,300
`;
const CONTACTS = `customer_external_id,name,email,title
u-1,Ann,ann@uno.example,CEO
u-2,Bob,bob@dos.example,CTO
u-3,Cat,cat@tres.example,CFO
`;

/** Creates a record straight through the API, as someone else (a CRM integration) would. */
async function byHand(sim: Simulator, pass: "customers" | "contacts", body: object, parentId?: string) {
	const api = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
	const answer = await api.createRecord(pass, parentId, JSON.stringify(body), `by-hand-${Date.now()}`);
	await api.close();
	return answer.data as PivotalRecord;
}

function live(sim: Simulator) {
	const state = sim.state();
	return {
		customers: state.customers.filter((r) => r.deleted !== true) as unknown as PivotalRecord[],
		contacts: state.contacts.filter((r) => r.deleted !== true) as unknown as PivotalRecord[],
	};
}

const withExternalId = (sim: Simulator, key: string) =>
	live(sim).customers.filter(
		(c) => (c.metadata as { external_id?: string } | undefined)?.external_id === key,
	);

async function undoLast(sim: Simulator, checkpointPath: string) {
	const api = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
	const run = startUndo(
		{
			checkpointPath,
			scope: { kind: "last" },
			keyFingerprint: keyFingerprint(TEST_KEY),
			baseUrl: sim.baseUrl,
		},
		{ client: api },
		{ backoffBaseMs: 10, backoffCapMs: 200 },
	);
	const summary = await run.done;
	const failures = run.failures();
	await run.close();
	await api.close();
	return { summary, failures };
}

describe("a deleted record Pivotal holds again under another id", () => {
	it("is not made a second time by undo of --delete-missing: reported exists_again, naming it", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "c.csv"), contacts: join(dir, "k.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		writeFileSync(files.contacts, CONTACTS);
		expect((await importToEnd(sim, files)).summary.outcome).toBe("completed");

		// The export drops u-3 (and its contact) and Bob: the sync deletes them.
		writeFileSync(files.customers, CUSTOMERS.replace("u-3,Tres,tres.example,300\n", ""));
		writeFileSync(files.contacts, "customer_external_id,name,email,title\nu-1,Ann,ann@uno.example,CEO\n");
		const rules = { rules: { deleteMissing: true, maxDeletes: 100 } };
		const { summary: deleted } = await importToEnd(sim, files, rules);
		expect(deleted.passes.customers).toMatchObject({ deleted: 1 });
		expect(deleted.passes.contacts).toMatchObject({ deleted: 2 });

		// Someone adds u-3 back, and Bob under u-2, by hand.
		const tres = await byHand(sim, "customers", {
			name: "Tres (manual)",
			slug: "tres-manual",
			metadata: { external_id: "u-3" },
		});
		const dos = withExternalId(sim, "u-2")[0];
		const bob = await byHand(sim, "contacts", { name: "Bob (manual)", email: "bob@dos.example" }, dos?.id);

		const { failures } = await undoLast(sim, `${files.customers}.checkpoint.json`);
		const why = Object.fromEntries(failures.map((f) => [f.key, [f.code, f.message]]));
		expect(why["u-3"]?.[0]).toBe("exists_again");
		expect(why["u-3"]?.[1]).toContain(tres.id);
		expect(why["u-3/cat@tres.example"]).toEqual([
			"parent_not_in_pivotal",
			"its customer u-3 was not made again: Pivotal holds one with its identity again (exists_again); nothing is made under it.",
		]);
		expect(why["u-2/bob@dos.example"]?.[0]).toBe("exists_again");
		expect(why["u-2/bob@dos.example"]?.[1]).toContain(bob.id);
		expect(withExternalId(sim, "u-3").map((c) => c.name)).toEqual(["Tres (manual)"]);
		const bobs = live(sim).contacts.filter((c) => c.email === "bob@dos.example");
		expect(bobs.map((c) => c.name)).toEqual(["Bob (manual)"]);
	});

	it("is found by its CRM id when it comes back without an external id, as a CRM integration adds it", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "c.csv") };
		const rows = `external_id,name,domain,hubspot_company_id
v-1,Vuno Co,vuno.example,HS-901
v-2,Vdos Co,vdos.example,HS-902
v-3,Vtres Co,vtres.example,HS-903
`;
		writeFileSync(files.customers, rows);
		await importToEnd(sim, files);
		writeFileSync(files.customers, rows.replace("v-3,Vtres Co,vtres.example,HS-903\n", ""));
		await importToEnd(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });
		// The CRM adds it back: its slug and its own id, no external id.
		const back = await byHand(sim, "customers", {
			name: "Vtres Co",
			slug: "vtres-co",
			domain: "vtres.example",
			hubspot_company_id: "HS-903",
		});
		const { failures } = await undoLast(sim, `${files.customers}.checkpoint.json`);
		expect(failures.map((f) => [f.key, f.code])).toEqual([["v-3", "exists_again"]]);
		expect(failures[0]?.message).toContain(back.id);
		const named = live(sim).customers.filter((c) => c.hubspot_company_id === "HS-903");
		expect(named.map((c) => c.id)).toEqual([back.id]);
	});

	it("is its own re-create after an undo whose POST got no answer: the next undo gets it back, once", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "c.csv") };
		writeFileSync(files.customers, CUSTOMERS);
		await importToEnd(sim, files);
		writeFileSync(files.customers, CUSTOMERS.replace("u-3,Tres,tres.example,300\n", ""));
		await importToEnd(sim, files, { rules: { deleteMissing: true, maxDeletes: 100 } });

		// The re-create's answer is lost after Pivotal made it (as for an undo killed with it out), and
		// the undo gives the record up: it stays deleted in the state.
		sim.pushFault({ method: "POST", route: "/customers", when: "after", status: 400, times: 1 });
		const checkpoint = `${files.customers}.checkpoint.json`;
		const { failures: lost } = await undoLast(sim, checkpoint);
		expect(lost.map((f) => f.key)).toEqual(["u-3"]);
		expect(withExternalId(sim, "u-3")).toHaveLength(1);
		sim.clearScriptedFaults();

		const { failures } = await undoLast(sim, checkpoint);
		expect(failures).toEqual([]);
		expect(withExternalId(sim, "u-3").map((c) => c.name)).toEqual(["Tres"]);
	});

	it("is not made a second time by import --recreate: reported exists_again", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = { customers: join(dir, "c.csv") };
		writeFileSync(files.customers, "external_id,name\nrc-1,Rc One\n");
		await importToEnd(sim, files);
		const first = withExternalId(sim, "rc-1")[0];
		const api = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await api.deleteRecord("customers", first?.id ?? "");
		await api.close();
		const again = await byHand(sim, "customers", {
			name: "Rc One (by hand)",
			slug: "rc-one-by-hand",
			metadata: { external_id: "rc-1" },
		});

		writeFileSync(files.customers, "external_id,name\nrc-1,Rc One Renamed\n");
		const { failures: noticed } = await importToEnd(sim, files);
		expect(noticed.map((f) => f.code)).toEqual(["deleted_in_pivotal"]);

		const { failures } = await importToEnd(sim, files, { recreate: true });
		expect(failures.map((f) => [f.key, f.code])).toEqual([["rc-1", "exists_again"]]);
		expect(failures[0]?.message).toContain(again.id);
		expect(withExternalId(sim, "rc-1").map((c) => c.name)).toEqual(["Rc One (by hand)"]);
	});
});
