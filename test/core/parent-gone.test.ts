/**
 * A customer deleted in Pivotal after the state last saw it, met by its children's creates: the
 * 404 `customer_not_found` marks the customer gone and its children wait blocked; `--recreate`
 * makes the customer again and then its children, each once. Before, every child failed on
 * every run and nothing got out of it but `--fresh`.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { openCheckpoint } from "../../src/core/checkpoint/index.js";
import { importToEnd, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

const CUSTOMERS = `external_id,name,slug
crm-1,Aurora Labs,aurora-labs
crm-2,Bright Foods,bright-foods
crm-3,Cobalt Health,cobalt-health
`;
const CONTACTS = `customer_external_id,name,email
crm-1,Ada Ode,ada@aurora.test
crm-3,Cy Chu,cy@cobalt.test
`;
const MORE_CONTACTS = `${CONTACTS}crm-2,Ben Bay,ben@bright.test
crm-2,Bo Bay,bo@bright.test
crm-3,Cleo Chu,cleo@cobalt.test
`;

/** Three customers and two contacts imported once; the files left to edit. */
async function importedOnce() {
	const { sim, dir } = await prepared(
		{ rateLimit: 100_000 },
		{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
	);
	const files = { customers: join(dir, "customers.csv"), contacts: join(dir, "contacts.csv") };
	writeFileSync(files.customers, CUSTOMERS);
	writeFileSync(files.contacts, CONTACTS);
	const first = await importToEnd(sim, files);
	return { sim, files, first };
}

describe("a customer deleted in Pivotal under children still to create", () => {
	it("is recorded gone, its children blocked (not failed); --recreate makes it and them once", async () => {
		const { sim, files, first } = await importedOnce();
		expect(first.summary.passes.contacts.created).toBe(2);

		const bright = sim.state().customers.find((c) => c.name === "Bright Foods") as { id: string };
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await client.deleteRecord("customers", bright.id);
		await client.close();
		writeFileSync(files.contacts, MORE_CONTACTS);

		const second = await importToEnd(sim, files);
		expect(second.summary.passes.customers.gone).toBe(1);
		expect(second.summary.passes.contacts).toMatchObject({ created: 1, blocked: 2, failed: 0 });
		// The contact whose create was answered 404 waits blocked, not in doubt: it made nothing
		// (adversarial finding AC8: "got no answer" on every run after).
		const { store } = await openCheckpoint({
			path: `${files.customers}.checkpoint.json`,
			create: () => ({}) as never,
		});
		const states = ["crm-2/ben@bright.test", "crm-2/bo@bright.test"].map(
			(key) => store.get("contacts", key)?.s,
		);
		await store.close();
		expect(states).toEqual(["blocked", "blocked"]);
		expect(second.failures.find((f) => f.key === "crm-2")).toMatchObject({ code: "deleted_in_pivotal" });
		expect(second.failures.filter((f) => f.pass === "contacts")).toEqual([]);

		// Without --recreate nothing changes: no request for the blocked children.
		const contactPosts = () =>
			Object.entries(sim.counters().byRoute)
				.filter(([route]) => route.startsWith("POST") && route.includes("contacts"))
				.reduce((n, [, count]) => n + count, 0);
		const postsBefore = contactPosts();
		expect(postsBefore).toBeGreaterThan(2);
		const third = await importToEnd(sim, files);
		expect(third.summary.passes.contacts).toMatchObject({ created: 0, blocked: 2, failed: 0 });
		expect(contactPosts()).toBe(postsBefore);

		const fourth = await importToEnd(sim, files, { recreate: true });
		expect(fourth.summary.passes.customers.created).toBe(1);
		expect(fourth.summary.passes.contacts).toMatchObject({ created: 2, blocked: 0, failed: 0 });
		const again = sim.state().customers.find((c) => c.name === "Bright Foods" && !c.deleted) as {
			id: string;
		};
		const under = sim.state().contacts.filter((c) => c.customer_id === again.id && !c.deleted);
		expect(under.map((c) => c.email).sort()).toEqual(["ben@bright.test", "bo@bright.test"]);
		expect(sim.duplicates().contacts).toEqual([]);
	});

	it("one 404 for a customer that is there is not taken as its deletion: the customer is read first", async () => {
		const { sim, files } = await importedOnce();
		writeFileSync(files.contacts, MORE_CONTACTS);
		sim.pushFault({
			method: "POST",
			route: "/customers/:id/contacts",
			match: { email: "ben@bright.test" },
			times: 1,
			status: 404,
			code: "customer_not_found",
		});
		const second = await importToEnd(sim, files);
		expect(second.summary.passes.customers.gone).toBe(0);
		expect(second.failures.find((f) => f.key === "crm-2")).toBeUndefined();
		// The contact that met the stray 404 failed, its sibling of the same customer went on.
		expect(second.summary.passes.contacts).toMatchObject({ created: 2, blocked: 0, failed: 1 });
		// The next run sends it again (without --recreate: nothing was deleted) and makes it once.
		const third = await importToEnd(sim, files, { retryFailed: true });
		expect(third.summary.passes.contacts).toMatchObject({ created: 1, failed: 0 });
		expect(sim.state().contacts.filter((c) => c.email === "ben@bright.test" && !c.deleted)).toHaveLength(1);
	});

	it("--recreate never adopts a customer someone made with the deleted one's slug since: it takes a suffixed slug", async () => {
		const { sim, files } = await importedOnce();
		const bright = sim.state().customers.find((c) => c.name === "Bright Foods") as { id: string };
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await client.deleteRecord("customers", bright.id);
		const other = await client.createCustomer(
			JSON.stringify({ name: "Bright Mining (unrelated)", slug: "bright-foods", mrr: 5 }),
			"someone-else-1",
		);
		await client.close();
		writeFileSync(files.contacts, MORE_CONTACTS);
		await importToEnd(sim, files);
		const remade = await importToEnd(sim, files, { recreate: true });
		expect(remade.summary.passes.customers).toMatchObject({ created: 1, updated: 0 });
		const unrelated = sim.state().customers.find((c) => c.id === other.data.id) as Record<string, unknown>;
		expect(unrelated).toMatchObject({ name: "Bright Mining (unrelated)", slug: "bright-foods", mrr: 5 });
		const again = sim.state().customers.find((c) => c.name === "Bright Foods" && !c.deleted) as {
			id: string;
			slug: string;
		};
		expect(again.id).not.toBe(other.data.id);
		expect(again.slug).toMatch(/^bright-foods-/);
		expect(sim.state().contacts.filter((c) => c.customer_id === other.data.id)).toEqual([]);
	});

	it("an onboarding create left in doubt, its customer deleted since: not replayed under it, the customer recorded gone", async () => {
		const { sim, files } = await importedOnce();
		const onboardings = join(dirname(files.customers), "onboardings.csv");
		writeFileSync(onboardings, "customer_external_id,name,phase\ncrm-3,Cobalt rollout,review\n");
		const withOnboardings = { ...files, onboardings };
		// The killed run's create: sent, its answer never written (the state says so).
		const path = `${files.customers}.checkpoint.json`;
		const { store } = await openCheckpoint({ path, create: () => ({}) as never });
		store.set("onboardings", "crm-3/name:Cobalt rollout", { s: "sent", attempts: 1 });
		await store.close();
		const cobalt = sim.state().customers.find((c) => c.name === "Cobalt Health") as { id: string };
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await client.deleteRecord("customers", cobalt.id);
		await client.close();
		const posts = () =>
			Object.entries(sim.counters().byRoute)
				.filter(([route]) => route.startsWith("POST") && route.includes("onboardings"))
				.reduce((n, [, count]) => n + count, 0);

		const run = await importToEnd(sim, withOnboardings);
		expect(posts()).toBe(0);
		expect(run.summary.passes.customers.gone).toBe(1);
		expect(run.summary.passes.onboardings).toMatchObject({ created: 0, blocked: 1, failed: 0 });
	});
});
