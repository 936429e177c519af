import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { readRecords } from "../../src/source/index.js";
import { runCli, startCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

function args(command: "import" | "undo", files: SourceFiles): string[] {
	return command === "import"
		? [
				"import",
				files.customers,
				"--contacts",
				files.contacts ?? "",
				"--onboardings",
				files.onboardings ?? "",
				"--headless",
			]
		: ["undo", files.customers, "--headless", "--yes"];
}

function deletes(sim: Simulator): number {
	return Object.entries(sim.counters().byRoute)
		.filter(([route]) => route.startsWith("DELETE") && / 200$/.test(route))
		.reduce((n, [, count]) => n + count, 0);
}

const live = (rows: Array<Record<string, unknown>>) => rows.filter((r) => !r.deleted);

/** Make the first `count` customers of the file in Pivotal by hand, as someone would before the import. */
async function madeByHand(
	sim: Simulator,
	file: string,
	count: number,
): Promise<Map<string, Record<string, unknown>>> {
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
	const made = new Map<string, Record<string, unknown>>();
	for await (const record of readRecords(file, "customers")) {
		if (made.size === count) break;
		const created = await client.createCustomer(JSON.stringify(record.body), `by-hand-${record.key}`);
		made.set(created.data.id, created.data as unknown as Record<string, unknown>);
	}
	await client.close();
	return made;
}

describe("pivotal-tui undo (the built binary)", () => {
	it("takes an import back after a kill halfway: created records deleted, adopted ones untouched, then re-imported exactly once", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 15 } },
			{ customers: 60, contactsPerCustomer: 2, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const adopted = await madeByHand(sim, files.customers, 20);
		const imported = await runCli(args("import", files), { env });
		expect(imported.code).toBe(0);
		const created = sim.counters().created;
		const createdByImport = created.customers - 20 + created.contacts + created.onboardings;
		expect(createdByImport).toBe(40 + 120 + 60);

		// Killed about halfway through the deletes, then the same command again.
		const { child, result } = startCli([...args("undo", files), "--concurrency", "4"], { env });
		const half = Math.floor(createdByImport / 2);
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (deletes(sim) >= half) {
					clearInterval(poll);
					child.kill("SIGKILL");
					resolve();
				}
			}, 5);
		});
		expect((await result).signal).toBe("SIGKILL");
		expect(await readCheckpoint(`${files.customers}.checkpoint.json`)).toBeDefined();
		const resumed = await runCli(args("undo", files), { env });
		expect(resumed.code).toBe(0);

		const state = sim.state();
		expect(live(state.contacts)).toHaveLength(0);
		expect(live(state.onboardings)).toHaveLength(0);
		const customers = live(state.customers);
		expect(customers.map((c) => c.id).sort()).toEqual([...adopted.keys()].sort());
		for (const customer of customers) {
			const before = adopted.get(customer.id as string)!;
			expect({ ...customer, updated_at: undefined, deleted: undefined }).toEqual({
				...before,
				updated_at: undefined,
				deleted: undefined,
			});
		}
		// One DELETE per created record, and again for at most the four in flight when the kill hit.
		expect(deletes(sim)).toBeGreaterThanOrEqual(createdByImport);
		expect(deletes(sim)).toBeLessThanOrEqual(createdByImport + 4);

		// The same import afterwards: every source record live exactly once, under new idempotency keys.
		const again = await runCli(args("import", files), { env });
		expect(again.code).toBe(0);
		expect(simTotals(sim)).toMatchObject({ customers: 60, contacts: 120, onboardings: 60 });
	});

	it("puts fields a sync changed back, keeps a field edited in Pivotal since and says so", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 5, contactsPerCustomer: 0, onboardingsPerCustomer: 0, withSlugs: true },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const only = { customers: files.customers };
		expect((await runCli(["import", files.customers, "--headless"], { env })).code).toBe(0);
		const original = new Map(live(sim.state().customers).map((c) => [c.id, c]));
		const { readFileSync } = await import("node:fs");
		const lines = readFileSync(files.customers, "utf8").trimEnd().split("\n");
		const header = lines[0]!.split(",");
		const at = (name: string) => header.indexOf(name);
		const edited = lines.map((line, i) => {
			if (i === 0) return line;
			const cells = line.split(",");
			cells[at("name")] = `${cells[at("name")]} Renamed`;
			cells[at("plan")] = "enterprise";
			return cells.join(",");
		});
		writeFileSync(files.customers, `${edited.join("\n")}\n`);
		expect((await runCli(["import", files.customers, "--headless"], { env })).code).toBe(0);
		// Someone renames one of them in Pivotal after the sync, and edits both fields of another.
		const [first, second] = live(sim.state().customers);
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		await client.updateRecord("customers", first!.id as string, JSON.stringify({ name: "Renamed By Hand" }));
		const both = { name: "Both By Hand", plan: "starter" };
		await client.updateRecord("customers", second!.id as string, JSON.stringify(both));
		await client.close();

		const undone = await runCli(args("undo", only as SourceFiles), { env });
		expect(undone.code).toBe(0);
		expect(undone.stdout + undone.stderr).toMatch(/name changed in Pivotal after the import; kept/);
		// The one with every field edited is left as it is, and counted so: not as put back.
		expect(undone.stdout).toMatch(
			/planned\s+deleted\s+restored\s+kept\s+failed\s+pending\n\s+customers\s+5\s+0\s+4\s+1\s+0\s+0\n/,
		);
		for (const customer of live(sim.state().customers)) {
			const before = original.get(customer.id)!;
			if (customer.id === second!.id) {
				expect(customer).toMatchObject(both);
				continue;
			}
			expect(customer.plan).toBe(before.plan);
			expect(customer.name).toBe(customer.id === first!.id ? "Renamed By Hand" : before.name);
		}
		expect(sim.counters().created.customers).toBe(5);

		// The same file synced again puts back what the undo took back, never the field kept.
		expect((await runCli(["import", files.customers, "--headless"], { env })).code).toBe(0);
		for (const customer of live(sim.state().customers)) {
			if (customer.id === second!.id) {
				expect(customer).toMatchObject(both);
				continue;
			}
			expect(customer.plan).toBe("enterprise");
			if (customer.id === first!.id) expect(customer.name).toBe("Renamed By Hand");
			else expect(String(customer.name)).toMatch(/ Renamed$/);
		}
	});

	it("refuses with one sentence: no state for the file (exit 2), another server and workspace (exit 2)", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const none = await runCli(args("undo", files), { env });
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(/no import state at .*checkpoint\.json.*nothing to undo/);
		expect(none.stderr).not.toMatch(/\n\s+at /);
		expect(sim.counters().requests).toBe(0);

		expect((await runCli(["import", files.customers, "--headless"], { env })).code).toBe(0);
		// The state keeps the workspace it was imported into, read back as written.
		const header = (await readCheckpoint(`${files.customers}.checkpoint.json`))?.header;
		expect(header?.workspace).toEqual({ id: expect.any(String), name: expect.any(String) });
		const other = await startOtherWorkspace(sim);
		const refused = await runCli(args("undo", files), {
			env: { PIVOTAL_API_KEY: other.key, PIVOTAL_API_URL: other.sim.baseUrl },
		});
		// Another server (of another workspace): refused before any request, the key not even shown to it.
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/belongs to an import into .*; nothing was sent/);
		expect(other.sim.counters().requests).toBe(0);
		expect(live(sim.state().customers)).toHaveLength(3);
		await other.sim.close();
	});
});

async function startOtherWorkspace(_sim: Simulator) {
	const { startSimulator } = await import("../../src/sim/index.js");
	const key = "pivotal_test_anotherOrgKey0001";
	const sim = await startSimulator({
		keys: [key],
		organization: { id: "org_other", slug: "other", name: "Other Co" },
	});
	return { sim, key };
}
