/**
 * What a sync writes over, and what an undo puts back: metadata keys someone adds in Pivotal
 * while the run goes on survive its PATCH, and a field the file left empty goes back to what
 * Pivotal held, not to a null the API refuses.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import { startUndo } from "../../src/core/undo/undo-run.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { failingFs, start } from "./support.js";
import { until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function simulator(): Promise<Simulator> {
	const sim = await startSimulator({ rateLimit: 100_000, seed: 3 });
	sims.push(sim);
	return sim;
}

type Row = Readonly<Record<string, string>>;

function csv(path: string, rows: readonly Row[]): void {
	const header = Object.keys(rows[0] ?? {});
	writeFileSync(
		path,
		`${[header.join(","), ...rows.map((r) => header.map((h) => r[h] ?? "").join(","))].join("\n")}\n`,
	);
}

describe("a first sync adopting customers whose metadata changes", () => {
	it("merges with the metadata Pivotal holds right before the PATCH: a key added mid-run survives", async () => {
		const sim = await simulator();
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const ids: string[] = [];
		for (const key of ["c1", "c2"]) {
			const made = await client.createCustomer(
				JSON.stringify({ name: `Customer ${key}`, metadata: { external_id: key, tier: "gold" } }),
				`by-hand-${key}`,
			);
			ids.push(made.data.id);
		}
		const dir = tempDir();
		const files: SourceFiles = { customers: join(dir, "customers.csv") };
		csv(files.customers, [
			{ external_id: "c1", name: "Customer c1", "metadata.tier": "silver" },
			{ external_id: "c2", name: "Customer c2", "metadata.tier": "silver" },
		]);
		// The first PATCH is held by the server; meanwhile someone adds a key to the second customer.
		sim.pushFault({ method: "PATCH", kind: "hang", hangMs: 400, times: 1 });
		const run = start(sim, files, { plan: { concurrency: 1 } });
		await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
		const second = (await client.getRecord("customers", ids[1] ?? "")).data as { metadata: object };
		await client.updateRecord(
			"customers",
			ids[1] ?? "",
			JSON.stringify({ metadata: { ...second.metadata, owner: "csm-7" } }),
		);
		const summary = await run.finish();
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers).toMatchObject({ updated: 2, failed: 0 });
		const after = (await client.getRecord("customers", ids[1] ?? "")).data as { metadata: object };
		await client.close();
		expect(after.metadata).toEqual({ external_id: "c2", tier: "silver", owner: "csm-7" });
	}, 60_000);
});

describe("undo of a sync that filled a field the file left empty", () => {
	it("puts back what Pivotal held (the server's default phase), and the record's other fields with it", async () => {
		const sim = await simulator();
		const dir = tempDir();
		const files: SourceFiles = {
			customers: join(dir, "customers.csv"),
			onboardings: join(dir, "onboardings.csv"),
		};
		const customers = ["c1", "c2", "c3"].map((k) => ({ external_id: k, name: `Customer ${k}` }));
		csv(files.customers, customers);
		const onboardings = (phase: string, notes: string) =>
			customers.map((c) => ({ customer_external_id: c.external_id, name: "Launch", phase, notes }));
		csv(files.onboardings ?? "", onboardings("", "first"));
		expect((await start(sim, files).finish()).outcome).toBe("completed");
		const held = sim.state().onboardings.map((o) => [o.phase, o.notes]);
		expect(held).toEqual(customers.map(() => ["before_getting_started", "first"]));

		csv(files.onboardings ?? "", onboardings("review", "second"));
		const sync = await start(sim, files).finish();
		expect(sync.passes.onboardings).toMatchObject({ updated: 3, failed: 0 });
		expect(sim.state().onboardings.map((o) => [o.phase, o.notes])).toEqual(
			customers.map(() => ["review", "second"]),
		);

		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const undo = startUndo(
			{
				checkpointPath: `${files.customers}.checkpoint.json`,
				scope: { kind: "last" },
				keyFingerprint: keyFingerprint(TEST_KEY),
				baseUrl: sim.baseUrl,
			},
			{ client },
		);
		const summary = await undo.done;
		const failures = undo.failures();
		await undo.close();
		await client.close();
		expect(failures).toEqual([]);
		expect(summary.passes.onboardings).toMatchObject({ restored: 3, failed: 0 });
		expect(sim.state().onboardings.map((o) => [o.phase, o.notes])).toEqual(held);
		expect(sim.state().onboardings.filter((o) => o.deleted)).toEqual([]);
	}, 60_000);
});

describe("an undo whose session ends while a DELETE is out", () => {
	it("a later import reads the record back by id, and makes again the one the undo took back, never 'unchanged' while missing", async () => {
		const sim = await simulator();
		const dir = tempDir();
		const files: SourceFiles = { customers: join(dir, "customers.csv") };
		csv(
			files.customers,
			["c1", "c2", "c3", "c4"].map((k) => ({ external_id: k, name: `Customer ${k}` })),
		);
		expect((await start(sim, files).finish()).outcome).toBe("completed");

		// As a kill would: the DELETE leaves and is carried out, its answer never written.
		const fs = failingFs();
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const undo = startUndo(
			{
				checkpointPath: `${files.customers}.checkpoint.json`,
				scope: { kind: "last" },
				keyFingerprint: keyFingerprint(TEST_KEY),
				baseUrl: sim.baseUrl,
				concurrency: 1,
			},
			{ client, checkpointFs: fs },
		);
		undo.subscribe((event) => {
			if (event.type === "request-started") fs.errno = "EIO";
		});
		expect((await undo.done).outcome).toBe("checkpoint-failed");
		await undo.close().catch(() => undefined);
		await client.close();
		const deleted = sim.state().customers.filter((c) => c.deleted);
		expect(deleted).toHaveLength(1);

		const again = start(sim, files);
		const summary = await again.run.done;
		const failures = again.run.failures();
		await again.close();
		const key = ((deleted[0]?.metadata ?? {}) as { external_id?: string }).external_id;
		// Read back by id and found gone: the undo's own DELETE (marked so while it was out), so the
		// record was taken back, and the import makes it again as after an undo that finished;
		// never called deleted in Pivotal by someone else (finding J12), never 'unchanged'.
		expect(summary.passes.customers).toMatchObject({ unchanged: 3, created: 1, gone: 0 });
		expect(failures).toEqual([]);
		const live = sim.state().customers.filter((c) => !c.deleted);
		expect(live.map((c) => (c.metadata as { external_id?: string }).external_id).sort()).toEqual([
			"c1",
			"c2",
			"c3",
			"c4",
		]);
		// The one second creation is the deliberate one, of the record the undo took back.
		expect(sim.duplicates().customers).toEqual([expect.objectContaining({ external_id: key, count: 2 })]);
	}, 60_000);
});
