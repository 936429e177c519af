import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { ImportSummary, SourceFiles } from "../../src/core/run-types.js";
import type { UndoScope } from "../../src/core/undo/undo-plan.js";
import { PASSES } from "../../src/model/records.js";
import { UNDO_ORDER } from "../../src/model/resources.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { NOTES, notesOnSimulator } from "../support/notes-resource.js";
import { tempDir } from "../support/temp-dirs.js";

const TEST_KEY = "pivotal_live_Kx81TESTkey0000a1b2";

// The engine is loaded once `notes` is in the table (notes-resource.ts registers it on import):
// the checkpoint format sizes its per-pass records when it loads.
let engine: {
	readonly begin: typeof import("../support/import-harness.js").begin;
	readonly readCheckpoint: typeof import("../../src/core/checkpoint/index.js").readCheckpoint;
	readonly makePlan: typeof import("../../src/core/plan/make-plan.js").makePlan;
	readonly startUndo: typeof import("../../src/core/undo/undo-run.js").startUndo;
	readonly idempotencyKey: typeof import("../../src/core/idempotency.js").idempotencyKey;
};
beforeAll(async () => {
	engine = {
		begin: (await import("../support/import-harness.js")).begin,
		readCheckpoint: (await import("../../src/core/checkpoint/index.js")).readCheckpoint,
		makePlan: (await import("../../src/core/plan/make-plan.js")).makePlan,
		startUndo: (await import("../../src/core/undo/undo-run.js")).startUndo,
		idempotencyKey: (await import("../../src/core/idempotency.js")).idempotencyKey,
	};
});

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

const CUSTOMERS = ["external_id,name", "c1,Acme", "c2,Globex", "c3,Initech", ""].join("\n");
const NOTES_CSV = [
	"customer_external_id,title,body,pinned",
	"c1,Kickoff,First call,yes",
	"c1,Renewal,Due in May,",
	"c2,Kickoff,Intro,no",
	// c3 and its kickoff note are in Pivotal already (made by hand): matched by title, adopted.
	"c3,Kickoff,Agenda sent,",
	"",
].join("\n");

/** A customers file and a notes file; the engine's file type names three resources, the table four. */
function writeFiles(notes = NOTES_CSV): { files: SourceFiles; notesFile: string } {
	const dir = tempDir();
	const customers = join(dir, "customers.csv");
	const notesFile = join(dir, "notes.csv");
	writeFileSync(customers, CUSTOMERS);
	writeFileSync(notesFile, notes);
	return { files: { customers, [NOTES]: notesFile } as unknown as SourceFiles, notesFile };
}

async function undo(sim: Simulator, files: SourceFiles, scope: UndoScope): Promise<ImportSummary> {
	const client = createClient({
		baseUrl: sim.baseUrl,
		apiKey: TEST_KEY,
		timeouts: { headersMs: 5_000, bodyMs: 5_000 },
	});
	const run = engine.startUndo(
		{
			checkpointPath: `${files.customers}.checkpoint.json`,
			scope,
			keyFingerprint: keyFingerprint(TEST_KEY),
			baseUrl: sim.baseUrl,
		},
		{ client },
		{ backoffBaseMs: 10, backoffCapMs: 200 },
	);
	const summary = await run.done;
	await run.close();
	await client.close();
	return summary;
}

async function apply(sim: Simulator, files: SourceFiles): Promise<ImportSummary> {
	const { run, client } = engine.begin(sim, files);
	const summary = await run.done;
	await run.close();
	await client.close();
	return summary;
}

async function plan(files: SourceFiles) {
	const keys: string[] = [];
	const state = await engine.readCheckpoint(`${files.customers}.checkpoint.json`).catch(() => undefined);
	const made = await engine.makePlan({
		files,
		state,
		retryFailed: false,
		recreate: false,
		onOperation: (record, op) => {
			if (record.pass === NOTES) keys.push(`${op.kind} ${record.key} under ${record.parentKey}`);
		},
	});
	return { passes: made.passes, keys };
}

describe("a fourth resource registered in the table of resources", () => {
	it("is a pass of its own, after its parent; undo takes it back before its parent", () => {
		expect(PASSES).toEqual(["customers", "contacts", "onboardings", "notes"]);
		expect(UNDO_ORDER).toEqual(["notes", "onboardings", "contacts", "customers"]);
		expect(engine.idempotencyKey("run1", NOTES, "n1")).toBe("pivotal-tui-run1-not-n1");
	});

	it("flows through plan, apply, sync and undo against the simulator's test route, over loopback", async () => {
		const notes = notesOnSimulator();
		const sim = await startSimulator({ seed: 7, resources: [notes.resource] });
		sims.push(sim);
		const { files, notesFile } = writeFiles();

		// Made by hand before the first import: a customer and a note the import must adopt, not copy.
		const seed = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const initech = await seed.createCustomer(
			JSON.stringify({ name: "Initech", metadata: { external_id: "c3" } }),
			"seed-c3",
		);
		await seed.createRecord(
			NOTES,
			initech.data.id,
			JSON.stringify({ title: "KICKOFF", body: "Old agenda" }),
			"seed-n3",
		);
		await seed.close();

		// Plan: every note row gets an operation under its customer; none is blocked.
		const first = await plan(files);
		expect(first.passes[NOTES].rows).toBe(4);
		expect(first.passes[NOTES].ops.blocked).toBe(0);
		expect(first.keys.map((k) => k.split(" ").slice(1).join(" "))).toEqual([
			"c1/kickoff under c1",
			"c1/renewal under c1",
			"c2/kickoff under c2",
			"c3/kickoff under c3",
		]);

		// Apply: three notes created under their customers' ids, the hand-made one matched and updated.
		const imported = await apply(sim, files);
		expect(imported.outcome).toBe("completed");
		// The hand-made note is found by its title under Initech (the matcher), adopted and updated.
		expect(imported.passes[NOTES]).toMatchObject({ created: 3, updated: 1, failed: 0, blocked: 0, total: 4 });
		const customerId = new Map(
			sim.state().customers.map((c) => [(c.metadata as Record<string, unknown>).external_id, c.id]),
		);
		const live = () => notes.log.rows.filter((r) => !r.deleted);
		// The creates go out together, over connections of their own: the server's log holds them in
		// whichever order they arrived, so the rows are compared in one order of their own.
		const inOrder = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
		expect(inOrder(live().map((r) => [r.customer_id, r.title, r.body, r.pinned]))).toEqual(
			inOrder([
				[customerId.get("c3"), "KICKOFF", "Agenda sent", false],
				[customerId.get("c1"), "Kickoff", "First call", true],
				[customerId.get("c1"), "Renewal", "Due in May", false],
				[customerId.get("c2"), "Kickoff", "Intro", false],
			]),
		);
		expect(sim.counters().created[NOTES]).toBe(4);
		expect(sim.counters().byRoute["GET /customers/:id/notes 200"]).toBeGreaterThanOrEqual(1);

		// A sync: one cell changed; the plan says one update, the apply PATCHes that note alone.
		writeFileSync(notesFile, NOTES_CSV.replace("Due in May", "Due in June"));
		const second = await plan(files);
		expect(second.passes[NOTES].ops).toMatchObject({ update: 1, unchanged: 3, create: 0, match: 0 });
		expect(second.passes[NOTES].examples[0]).toMatchObject({
			key: "c1/renewal",
			changes: [{ field: "body", before: "Due in May", after: "Due in June" }],
		});
		const patchesBefore = sim.counters().byRoute["PATCH /notes/:id 200"] ?? 0;
		const synced = await apply(sim, files);
		expect(synced.passes[NOTES]).toMatchObject({ updated: 1, unchanged: 3, failed: 0 });
		expect(sim.counters().byRoute["PATCH /notes/:id 200"]).toBe(patchesBefore + 1);
		expect(live().find((r) => r.title === "Renewal")?.body).toBe("Due in June");

		// Undo the sync: the field goes back.
		const undoneSync = await undo(sim, files, { kind: "last" });
		expect(undoneSync.outcome).toBe("completed");
		expect(undoneSync.passes[NOTES]).toMatchObject({ restored: 1, failed: 0 });
		expect(live().find((r) => r.title === "Renewal")?.body).toBe("Due in May");

		// Undo everything: the created notes go, each before its customer; the adopted one stays, put back.
		const undoneAll = await undo(sim, files, { kind: "all" });
		expect(undoneAll.outcome).toBe("completed");
		expect(undoneAll.passes[NOTES]).toMatchObject({ deleted: 3, restored: 1, failed: 0 });
		expect(undoneAll.passes.customers).toMatchObject({ deleted: 2, failed: 0 });
		expect(notes.log.deletes).toHaveLength(3);
		expect(notes.log.deletes.every((d) => d.isParentLive)).toBe(true);
		expect(live().map((r) => [r.customer_id, r.title, r.body])).toEqual([
			[customerId.get("c3"), "KICKOFF", "Old agenda"],
		]);
		const customers = sim.state().customers.filter((c) => !c.deleted);
		expect(customers.map((c) => (c.metadata as Record<string, unknown>).external_id)).toEqual(["c3"]);
		expect(sim.duplicates().total).toBe(0);
	});
});
