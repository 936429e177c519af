import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import type { PassName } from "../../src/model/records.js";
import { writeResultsCsv } from "../../src/report/results-csv.js";
import type { Simulator } from "../../src/sim/index.js";
import { readRecords } from "../../src/source/index.js";
import { begin, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

const CUSTOMERS = `external_id,name,slug,status,plan,mrr,metadata.segment
crm-1,Aurora Labs,aurora-labs,active,growth,120000,smb
crm-2,Bright Foods,,onboarding,starter,50000,mid-market
crm-3,Cobalt Health,cobalt-health,active,enterprise,990000,enterprise
crm-4,Delta Freight,,at_risk,business,300000,smb
crm-5,Evergreen Media,evergreen-media,active,growth,150000,smb
`;
const CONTACTS = `customer_external_id,name,email,title,is_primary
crm-1,Ada Ode,ada@aurora.test,CTO,true
crm-2,Ben Bay,ben@bright.test,COO,true
crm-3,Chloé Chu,chloe@cobalt.test,Head of Ops,true
crm-4,Dan Dee,dan@delta.test,,false
crm-5,Eve Ek,eve@evergreen.test,CFO,true
`;
const ONBOARDINGS = `customer_external_id,name,phase,state,target_launch_date
crm-1,Aurora rollout,program_design,active,2026-03-01
crm-2,Bright rollout,before_getting_started,active,
crm-3,Cobalt rollout,review,active,2026-04-15
crm-4,Delta rollout,program_buildout,at_risk,2026-05-01
`;

function write(dir: string, customers: string, contacts: string, onboardings: string) {
	const files = {
		customers: join(dir, "customers.csv"),
		contacts: join(dir, "contacts.csv"),
		onboardings: join(dir, "onboardings.csv"),
	};
	writeFileSync(files.customers, customers);
	writeFileSync(files.contacts, contacts);
	writeFileSync(files.onboardings, onboardings);
	return files;
}

function writes(sim: Simulator): number {
	const byRoute = sim.counters().byRoute;
	return Object.entries(byRoute)
		.filter(([route]) => !route.startsWith("GET"))
		.reduce((n, [, count]) => n + count, 0);
}

function requests(sim: Simulator): number {
	return Object.values(sim.counters().byRoute).reduce((n, count) => n + count, 0);
}

/** Every source field of every row, as the simulator holds it now. */
async function expectStateMatchesFiles(sim: Simulator, files: Record<PassName, string>) {
	const state = sim.state();
	const live = (rows: Array<Record<string, unknown>>) => rows.filter((r) => !r.deleted);
	const customers = live(state.customers);
	const byExternalId = new Map(
		customers.map((c) => [(c.metadata as Record<string, unknown>).external_id, c]),
	);
	let customerRows = 0;
	for await (const record of readRecords(files.customers, "customers")) {
		customerRows += 1;
		const server = byExternalId.get(record.key);
		expect(server, record.key).toBeDefined();
		for (const [field, value] of Object.entries(record.body)) {
			if (field === "metadata") expect(server?.metadata).toMatchObject(value as object);
			else expect(server?.[field], `${record.key}.${field}`).toEqual(value);
		}
	}
	expect(customers).toHaveLength(customerRows);
	const idOf = (key: string | undefined) => (byExternalId.get(key) as { id: string } | undefined)?.id;
	const contacts = live(state.contacts);
	let contactRows = 0;
	for await (const record of readRecords(files.contacts, "contacts")) {
		contactRows += 1;
		const server = contacts.find(
			(c) => c.customer_id === idOf(record.parentKey) && c.email === record.body.email,
		);
		expect(server, record.key).toBeDefined();
		expect(server).toMatchObject(record.body);
	}
	expect(contacts).toHaveLength(contactRows);
	const onboardings = live(state.onboardings);
	let onboardingRows = 0;
	for await (const record of readRecords(files.onboardings, "onboardings")) {
		onboardingRows += 1;
		const server = onboardings.find(
			(o) => o.customer_id === idOf(record.parentKey) && o.name === record.body.name,
		);
		expect(server, record.key).toBeDefined();
		for (const [field, value] of Object.entries(record.body)) {
			if (field === "target_launch_date") expect(String(server?.[field])).toContain(String(value));
			else expect(server?.[field], `${record.key}.${field}`).toEqual(value);
		}
	}
	expect(onboardings).toHaveLength(onboardingRows);
	expect(sim.duplicates().total).toBe(0);
}

async function runOnce(sim: Simulator, files: Record<PassName, string>) {
	const { run, client } = begin(sim, files, { concurrency: 4 });
	const summary = await run.done;
	await run.close();
	await client.close();
	return summary;
}

describe("sync: the same command after the files changed", () => {
	it("creates the new rows, patches exactly the changed fields, and sends nothing for the rest", async () => {
		const { sim, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const files = write(dir, CUSTOMERS, CONTACTS, ONBOARDINGS);
		const first = await runOnce(sim, files);
		expect(first.outcome).toBe("completed");
		await expectStateMatchesFiles(sim, files);

		// A newer export: a rename, a status change, a contact's title, an onboarding's phase,
		// and a new customer with a contact and an onboarding.
		write(
			dir,
			CUSTOMERS.replace("Aurora Labs", "Aurora Laboratories")
				.replace("crm-4,Delta Freight,,at_risk", "crm-4,Delta Freight,,churned")
				.concat("crm-6,Fathom Robotics,fathom-robotics,onboarding,starter,20000,smb\n"),
			CONTACTS.replace("Head of Ops", "VP Operations").concat("crm-6,Finn Fa,finn@fathom.test,CEO,true\n"),
			ONBOARDINGS.replace("Delta rollout,program_buildout", "Delta rollout,internal_qa").concat(
				"crm-6,Fathom rollout,before_getting_started,active,\n",
			),
		);
		const before = requests(sim);
		const writesBefore = writes(sim);
		const second = await runOnce(sim, files);
		expect(second.outcome).toBe("completed");
		expect(second.passes.customers).toMatchObject({ created: 1, updated: 2, unchanged: 3, failed: 0 });
		expect(second.passes.contacts).toMatchObject({ created: 1, updated: 1, unchanged: 4 });
		expect(second.passes.onboardings).toMatchObject({ created: 1, updated: 1, unchanged: 3 });
		await expectStateMatchesFiles(sim, files);
		// 3 creates + 4 changed records + the opening GET /me.
		expect(requests(sim) - before).toBe(3 + 4 + 1);
		expect(writes(sim) - writesBefore).toBe(7);
		// The foreign metadata a PATCH must not drop: none here, so metadata is never sent.
		expect(sim.counters().byRoute["PATCH /customers/:id 200"]).toBe(2);

		const third = before === 0 ? undefined : requests(sim);
		const unchanged = await runOnce(sim, files);
		expect(unchanged.passes.customers).toMatchObject({ created: 0, updated: 0, unchanged: 6 });
		expect(requests(sim) - (third ?? 0)).toBeLessThanOrEqual(1);
	});

	it("first sync into a workspace that already holds the customers: matched, corrected, foreign metadata kept, one walk", async () => {
		const { sim, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const files = write(dir, CUSTOMERS, CONTACTS, ONBOARDINGS);
		// Made in Pivotal before the tool: crm-1 carries the external id and a key of its own;
		// crm-3 and crm-5 are found only by slug (one with a stale name); crm-2 only by its external id.
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const made = async (body: Record<string, unknown>) =>
			(
				await client.createCustomer(
					JSON.stringify(body),
					`seed-${JSON.stringify(body).length}-${String(body.name)}`,
				)
			).data;
		const aurora = await made({
			name: "Aurora Labs",
			slug: "aurora-labs",
			metadata: { external_id: "crm-1", owner: "sales" },
		});
		await made({
			name: "Cobalt Health (old)",
			slug: "cobalt-health",
			status: "active",
			metadata: { health: "green" },
		});
		await made({ name: "Evergreen Media", slug: "evergreen-media", metadata: {} });
		await made({ name: "Bright Foods", metadata: { external_id: "crm-2" } });
		await client.createContact(
			aurora.id,
			JSON.stringify({ name: "Ada Ode", email: "ADA@aurora.test", title: "CEO" }),
			"seed-ada",
		);
		await client.close();
		const walksBefore = sim.counters().byRoute["GET /customers 200"] ?? 0;
		const requestsBefore = sim.counters().requests;

		const summary = await runOnce(sim, files);
		expect(summary.outcome).toBe("completed");
		await expectStateMatchesFiles(sim, files);
		expect(sim.state().customers.filter((c) => !c.deleted)).toHaveLength(5);
		const byName = new Map(sim.state().customers.map((c) => [c.name, c]));
		expect(byName.get("Aurora Labs")?.metadata).toMatchObject({
			external_id: "crm-1",
			owner: "sales",
			segment: "smb",
		});
		expect(byName.get("Cobalt Health")?.metadata).toMatchObject({ external_id: "crm-3", health: "green" });
		expect(summary.passes.customers).toMatchObject({ created: 1, failed: 0 });
		// One walk of GET /customers for the whole customers pass (one page here).
		expect((sim.counters().byRoute["GET /customers 200"] ?? 0) - walksBefore).toBe(1);
		// The look-ups fetch their list pages through the run's requester (paced, retried and
		// counted as the run's own): every request the server saw, the opening GET /me too.
		expect(summary.requests).toBe(sim.counters().requests - requestsBefore);
		// Ada existed under an adopted customer: matched by e-mail and corrected, not duplicated.
		expect(sim.state().contacts.filter((c) => c.email === "ada@aurora.test")).toHaveLength(1);
		expect(sim.state().contacts.find((c) => c.email === "ada@aurora.test")?.title).toBe("CTO");
	});

	it("reports a record deleted in Pivotal, re-creates it only with recreate, and writes every row's outcome to the results file", async () => {
		const { sim, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const files = write(dir, CUSTOMERS, CONTACTS, ONBOARDINGS);
		await runOnce(sim, files);
		const delta = sim.state().customers.find((c) => c.name === "Delta Freight") as { id: string };
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await client.deleteRecord("customers", delta.id);
		await client.close();
		write(
			dir,
			CUSTOMERS.replace("Delta Freight", "Delta Freight Co").replace("Bright Foods", "Bright Foods Ltd"),
			CONTACTS,
			ONBOARDINGS,
		);

		const { run, client: c2 } = begin(sim, files);
		const summary = await run.done;
		expect(summary.passes.customers).toMatchObject({ updated: 1, gone: 1 });
		expect(run.failures().find((f) => f.key === "crm-4")).toMatchObject({
			code: "deleted_in_pivotal",
			status: 404,
		});
		const results = join(dir, "results.csv");
		await writeResultsCsv(results, files, (pass, key) => run.state(pass, key), summary.run);
		await run.close();
		await c2.close();
		const text = readFileSync(results, "utf8");
		// Excel reads it as UTF-8 only with a BOM; rows end in CRLF.
		expect(text.startsWith("\ufeffpass,")).toBe(true);
		const rows = text
			.slice(1)
			.trim()
			.split("\r\n")
			.map((line) => line.split(","));
		const byKey = new Map(rows.slice(1).map((r) => [r[2], r]));
		expect(rows[0]).toEqual(["pass", "line", "key", "outcome", "id", "display_id", "code", "message"]);
		expect(byKey.get("crm-2")?.slice(3, 4)).toEqual(["updated"]);
		expect(byKey.get("crm-1")?.[3]).toBe("unchanged");
		expect(byKey.get("crm-4")?.[3]).toBe("deleted_in_pivotal");
		const bright = sim.state().customers.find((c) => c.name === "Bright Foods Ltd");
		expect(byKey.get("crm-2")?.[4]).toBe(bright?.id);
		expect(byKey.get("crm-2")?.[5]).toBe(String(bright?.display_id));
		// Without recreate the deleted customer stays deleted; with it, it is created again.
		expect(sim.state().customers.filter((c) => c.name === "Delta Freight Co")).toHaveLength(0);
		// A run after it sends nothing for it, and still reports it: each record counted failed has
		// its record-failed event (the --json stream and a library's listener see what the summary counts).
		const before = sim.counters().requests;
		const kept = begin(sim, files);
		const keptSummary = await kept.run.done;
		await kept.run.close();
		await kept.client.close();
		expect(sim.counters().requests - before).toBe(1);
		expect(keptSummary.passes.customers).toMatchObject({ failed: 1, unchanged: 4 });
		const failedEvents = kept.events.filter((e) => e.type === "record-failed");
		expect(failedEvents).toEqual([
			expect.objectContaining({ pass: "customers", key: "crm-4", code: "deleted_in_pivotal", attempts: 0 }),
		]);
		expect(failedEvents[0]?.type === "record-failed" && failedEvents[0].line).toBeGreaterThan(1);
		const again = begin(sim, files, { recreate: true });
		const recreated = await again.run.done;
		await again.run.close();
		await again.client.close();
		expect(recreated.passes.customers).toMatchObject({ created: 1, gone: 0 });
		expect(sim.state().customers.filter((c) => c.name === "Delta Freight Co" && !c.deleted)).toHaveLength(1);
		// The one second creation the simulator counts is the deliberate re-creation, under a new key.
		expect(sim.duplicates().customers).toEqual([expect.objectContaining({ external_id: "crm-4", count: 2 })]);
		expect(sim.state().customers.filter((c) => !c.deleted)).toHaveLength(5);
	});
});
