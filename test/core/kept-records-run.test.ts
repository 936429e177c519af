/**
 * A refresh (or a first import) whose plan kept its records (core/plan/kept-records.ts): the run
 * sends from that copy, exactly the planned requests, and still holds each file to the bytes it was checked
 * with, before its pass and after it; a child pass whose customer the run found otherwise than
 * the plan did is read from its file, as without the copy.
 */
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { openImport } from "../../src/app/open-import.js";
import type { ImportEvent } from "../../src/core/events.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { SimCounters } from "../../src/sim/counters.js";
import type { Simulator } from "../../src/sim/index.js";
import { begin, importToEnd, simulatorsPerTest, TEST_KEY, tempDir } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

const CUSTOMERS = [
	"external_id,name,status",
	"crm-1,Aurora Labs,active",
	"crm-2,Bright Foods,active",
	"crm-3,Cobalt Works,active",
	"crm-4,Delta Mills,active",
	"",
].join("\n");
const CONTACTS = [
	"customer_external_id,name,email",
	"crm-1,Ada Ode,ada@aurora.test",
	"crm-2,Ben Bay,ben@bright.test",
	"crm-3,Cy Cole,cy@cobalt.test",
	"crm-4,Di Dunn,di@delta.test",
	"",
].join("\n");
const ONBOARDINGS = [
	"customer_external_id,name,phase,state",
	"crm-1,Aurora rollout,program_design,active",
	"crm-3,Cobalt rollout,program_design,active",
	"",
].join("\n");
// The edits below keep each file's size; its modification time is put back too, so only the
// bytes tell the file changed.
const MTIME = new Date("2026-01-02T03:04:05Z");

function write(file: string, text: string): void {
	writeFileSync(file, text);
	utimesSync(file, MTIME, MTIME);
}

async function imported(sim: Simulator): Promise<SourceFiles & { contacts: string; onboardings: string }> {
	const dir = tempDir();
	const files = {
		customers: join(dir, "customers.csv"),
		contacts: join(dir, "contacts.csv"),
		onboardings: join(dir, "onboardings.csv"),
	};
	write(files.customers, CUSTOMERS);
	write(files.contacts, CONTACTS);
	write(files.onboardings, ONBOARDINGS);
	const { summary } = await importToEnd(sim, files);
	expect(summary.outcome).toBe("completed");
	return files;
}

/** The CLI's opening of an import: validated and planned in one read, against the state beside the files. */
async function opened(sim: Simulator, files: SourceFiles) {
	const result = await openImport({ files, baseUrl: sim.baseUrl, plan: {} });
	if (!result.ok) throw new Error(result.message);
	return result.value;
}

/** Requests sent between two readings of the counters, `GET /me` aside, as `METHOD /route STATUS` → count. */
function sentBetween(before: SimCounters, after: SimCounters): Record<string, number> {
	const sent: Record<string, number> = {};
	for (const [route, count] of Object.entries(after.byRoute)) {
		const n = count - (before.byRoute[route] ?? 0);
		if (n > 0 && !route.startsWith("GET /me ")) sent[route] = n;
	}
	return sent;
}

describe("a refresh sent from the records its plan kept", () => {
	it("sends exactly the planned requests, settles the rest unchanged, and a second refresh sends nothing", async () => {
		const { sim } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = await imported(sim);
		write(files.customers, CUSTOMERS.replace("Bright Foods", "Bright Fiber"));
		write(files.contacts, CONTACTS.replace("Cy Cole", "Cy Colt"));

		const open = await opened(sim, files);
		const customers = open.check.known.customers.kept;
		expect(customers?.isUsable).toBe(true);
		expect([customers?.wholeCount, customers?.quickCount]).toEqual([1, 3]);
		expect([open.check.known.contacts.kept?.wholeCount, open.check.known.contacts.kept?.quickCount]).toEqual([
			1, 3,
		]);
		expect(open.check.known.onboardings.kept?.quickCount).toBe(2);
		expect(open.planned?.plan.requests).toBe(2);

		const before = sim.counters();
		const { run, client, events } = begin(sim, files, { check: open.check, concurrency: 2 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers).toMatchObject({ updated: 1, unchanged: 3 });
		expect(summary.passes.contacts).toMatchObject({ updated: 1, unchanged: 3 });
		expect(summary.passes.onboardings).toMatchObject({ unchanged: 2 });
		const sent = sentBetween(before, sim.counters());
		expect(Object.keys(sent).every((route) => route.startsWith("PATCH "))).toBe(true);
		expect(Object.values(sent).reduce((a, b) => a + b, 0)).toBe(2);
		// Each unchanged record is still reported, by key, with its Pivotal id.
		const unchanged = events.filter(
			(e): e is Extract<ImportEvent, { type: "record-done" }> =>
				e.type === "record-done" && e.outcome === "unchanged",
		);
		expect(unchanged.map((e) => `${e.pass} ${e.key}`).sort()).toEqual([
			"contacts crm-1/ada@aurora.test",
			"contacts crm-2/ben@bright.test",
			"contacts crm-4/di@delta.test",
			"customers crm-1",
			"customers crm-3",
			"customers crm-4",
			"onboardings crm-1/name:Aurora rollout",
			"onboardings crm-3/name:Cobalt rollout",
		]);
		expect(unchanged.every((e) => e.id !== "")).toBe(true);
		// The id is the record's in Pivotal, and written when the event is written as JSON.
		const state = sim.state() as unknown as Record<
			string,
			{ id: string; metadata?: { external_id?: string } }[]
		>;
		const customerIds = new Map(state.customers?.map((c) => [c.metadata?.external_id, c.id]));
		const pivotalIds = new Set(
			["customers", "contacts", "onboardings"].flatMap((pass) => (state[pass] ?? []).map((r) => r.id)),
		);
		for (const e of unchanged) {
			expect(pivotalIds.has(e.id)).toBe(true);
			if (e.pass === "customers") expect(e.id).toBe(customerIds.get(e.key));
			expect(JSON.parse(JSON.stringify(e)).id).toBe(e.id);
		}
		const names = sim.state().customers.map((c) => (c as unknown as { name: string }).name);
		expect(names).toContain("Bright Fiber");

		const again = await opened(sim, files);
		expect(again.planned?.plan.requests).toBe(0);
		const quiet = sim.counters();
		const second = begin(sim, files, { check: again.check });
		expect((await second.run.done).outcome).toBe("completed");
		await second.run.close();
		await second.client.close();
		expect(sentBetween(quiet, sim.counters())).toEqual({});
	});

	it("sends nothing of a file whose bytes changed after the plan (same size and time), and stops, resumable", async () => {
		const { sim } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = await imported(sim);
		write(files.customers, CUSTOMERS.replace("Bright Foods", "Bright Fiber"));
		write(files.contacts, CONTACTS.replace("Cy Cole", "Cy Colt"));
		const open = await opened(sim, files);
		expect(open.check.known.contacts.kept?.isUsable).toBe(true);

		write(files.contacts, CONTACTS.replace("Cy Cole", "Cy Cold"));
		const before = sim.counters();
		const { run, client } = begin(sim, files, { check: open.check });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("interrupted");
		expect(summary.message).toContain(files.contacts);
		expect(summary.message).toContain("none of its records were sent");
		expect(summary.passes.customers.updated).toBe(1);
		expect(summary.passes.contacts.updated).toBe(0);
		expect(sentBetween(before, sim.counters())).toEqual({ "PATCH /customers/:id 200": 1 });

		// A new run checks the file as it is now, and sends it.
		const { summary: resumed } = await importToEnd(sim, files);
		expect(resumed.outcome).toBe("completed");
		expect(resumed.passes.contacts.updated).toBe(1);
		const names = sim.state().contacts.map((c) => (c as unknown as { name: string }).name);
		expect(names).toContain("Cy Cold");
	});

	it("stops the run after a pass whose file changed while its records were sent", async () => {
		const { sim } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = await imported(sim);
		write(files.customers, CUSTOMERS.replace("Bright Foods", "Bright Fiber"));
		write(files.contacts, CONTACTS.replace("Cy Cole", "Cy Colt"));
		const open = await opened(sim, files);

		const { run, client } = begin(sim, files, { check: open.check });
		// The first customer settled: the pass is under way; the file is edited in place.
		let isEdited = false;
		run.subscribe((event) => {
			if (isEdited || event.type !== "record-done" || event.pass !== "customers") return;
			isEdited = true;
			write(files.customers, CUSTOMERS.replace("Bright Foods", "Bright Fumes"));
		});
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(isEdited).toBe(true);
		expect(summary.outcome).toBe("interrupted");
		expect(summary.message).toContain(files.customers);
		expect(summary.message).toContain("while its records were sent");
		// The customers pass ran as checked; the contacts pass did not start.
		expect(summary.passes.customers).toMatchObject({ updated: 1, unchanged: 3 });
		expect(summary.passes.contacts.updated).toBe(0);

		const { summary: resumed } = await importToEnd(sim, files);
		expect(resumed.outcome).toBe("completed");
		expect(resumed.passes.customers.updated).toBe(1);
		expect(resumed.passes.contacts.updated).toBe(1);
	});

	it("reads a child pass from its file when a customer the plan counted on is found deleted in Pivotal", async () => {
		const { sim } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = await imported(sim);
		const gone = sim
			.state()
			.customers.find(
				(c) => (c as unknown as { metadata: { external_id: string } }).metadata.external_id === "crm-1",
			);
		const api = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await api.deleteRecord("customers", (gone as unknown as { id: string }).id);
		await api.close();

		// The plan sees crm-1 in Pivotal (its rename an update) and its contact unchanged.
		write(files.customers, CUSTOMERS.replace("Aurora Labs", "Aurora Lab5"));
		const open = await opened(sim, files);
		expect(open.check.known.contacts.kept?.quickCount).toBe(4);
		const { run, client } = begin(sim, files, { check: open.check });
		const summary = await run.done;
		await run.close();
		await client.close();
		// As a run that reads the files: the rename finds it gone; its children are blocked, not unchanged.
		expect(summary.passes.customers).toMatchObject({ failed: 1, unchanged: 3 });
		expect(summary.passes.contacts).toMatchObject({ blocked: 1, unchanged: 3 });
		expect(summary.passes.onboardings).toMatchObject({ blocked: 1, unchanged: 1 });
	});
});

describe("a first import sent from the records its plan kept", () => {
	async function fresh(): Promise<SourceFiles & { contacts: string; onboardings: string }> {
		const dir = tempDir();
		const files = {
			customers: join(dir, "customers.csv"),
			contacts: join(dir, "contacts.csv"),
			onboardings: join(dir, "onboardings.csv"),
		};
		write(files.customers, CUSTOMERS);
		write(files.contacts, CONTACTS);
		write(files.onboardings, ONBOARDINGS);
		return files;
	}

	it("keeps every record whole and creates them all from the copy, as a run that reads the files would", async () => {
		const { sim } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = await fresh();
		const open = await opened(sim, files);
		expect(open.state).toBeUndefined();
		expect(open.check.known.customers.kept?.wholeCount).toBe(4);
		expect(open.check.known.contacts.kept?.wholeCount).toBe(4);
		expect(open.check.known.onboardings.kept?.wholeCount).toBe(2);

		const { run, client } = begin(sim, files, { check: open.check, concurrency: 2 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers.created).toBe(4);
		expect(summary.passes.contacts.created).toBe(4);
		expect(summary.passes.onboardings.created).toBe(2);
		const state = sim.state() as unknown as Record<string, { name: string; email?: string }[]>;
		expect(state.customers?.map((c) => c.name).sort()).toEqual([
			"Aurora Labs",
			"Bright Foods",
			"Cobalt Works",
			"Delta Mills",
		]);
		expect(state.contacts?.map((c) => c.email).sort()).toEqual([
			"ada@aurora.test",
			"ben@bright.test",
			"cy@cobalt.test",
			"di@delta.test",
		]);
		expect(state.onboardings?.map((o) => o.name).sort()).toEqual(["Aurora rollout", "Cobalt rollout"]);
	});

	it("keeps nothing for a plan no run follows (a dry run)", async () => {
		const { sim } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = await fresh();
		const result = await openImport({ files, baseUrl: sim.baseUrl, plan: { isPlanOnly: true } });
		if (!result.ok) throw new Error(result.message);
		expect(result.value.planned?.plan.requests).toBe(10);
		for (const pass of ["customers", "contacts", "onboardings"] as const)
			expect(result.value.check.known[pass].kept).toBeUndefined();
	});

	it("sends nothing of a file whose bytes changed after the plan, and a new run sends it as it is now", async () => {
		const { sim } = await prepared({ rateLimit: 100_000 }, { customers: 1, contactsPerCustomer: 0 });
		const files = await fresh();
		const open = await opened(sim, files);
		write(files.contacts, CONTACTS.replace("Cy Cole", "Cy Cold"));
		const { run, client } = begin(sim, files, { check: open.check, concurrency: 2 });
		const summary = await run.done;
		await run.close();
		await client.close();
		expect(summary.outcome).toBe("interrupted");
		expect(summary.message).toContain(files.contacts);
		expect(summary.message).toContain("none of its records were sent");
		expect(summary.passes.customers.created).toBe(4);
		expect(summary.passes.contacts.created).toBe(0);

		const { summary: resumed } = await importToEnd(sim, files);
		expect(resumed.outcome).toBe("completed");
		expect(resumed.passes.contacts.created).toBe(4);
		const names = sim.state().contacts.map((c) => (c as unknown as { name: string }).name);
		expect(names).toContain("Cy Cold");
	});
});
