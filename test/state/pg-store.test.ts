import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { PivotalClient, Resource } from "../../src/api/types.js";
import { outcomeOf } from "../../src/cli/state-list.js";
import { CheckpointError } from "../../src/core/checkpoint/index.js";
import { startImport } from "../../src/core/engine.js";
import { PostgresState } from "../../src/core/state/pg-state.js";
import { runCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";
import { PG_PASSWORD, testPostgres } from "../support/postgres.js";

const db = testPostgres();
const prepared = simulatorsPerTest();

const header = {
	runId: "abc123def456",
	createdAt: new Date(0).toISOString(),
	keyFingerprint: "sha256:0123456789abcdef",
	baseUrl: "http://127.0.0.1:1/api/v1",
	sources: { customers: undefined, contacts: undefined, onboardings: undefined },
};

const dbName = (url: string) => new URL(url).pathname.slice(1);

describe("the Postgres store", () => {
	it("a record's in-doubt mark is committed before its create leaves (seen from another connection at the moment of the request)", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 25, contactsPerCustomer: 0, onboardingsPerCustomer: 1, withSlugs: false },
		);
		const url = await db.newDatabase();
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
		const seen: string[] = [];
		// The real client, watched: before each create goes out, ask the database what it holds.
		const watched = new Proxy(client, {
			get(target, name) {
				const value = Reflect.get(target, name, target);
				// Onboardings: no uniqueness rule answers a second create, so each one is marked first.
				// Every create goes out through `createRecord`, the table of resources naming its route.
				if (name !== "createRecord") return typeof value === "function" ? value.bind(target) : value;
				return async (resource: Resource, parentId: string | undefined, body: string, key: string) => {
					if (resource !== "onboardings") return target.createRecord(resource, parentId, body, key);
					// One request at a time: the one going out is the only onboarding in doubt.
					const rows = await db.query<{ n: number }>(
						dbName(url),
						"SELECT count(*)::int AS n FROM pivotal_tui.records WHERE import = 'watched' AND pass = 'onboardings' AND state ->> 's' = 'sent'",
					);
					seen.push(rows[0]?.n === 1 ? "sent" : `${rows[0]?.n ?? 0} in doubt`);
					return target.createRecord(resource, parentId, body, key);
				};
			},
		}) as PivotalClient;
		const state = await PostgresState.connect(url, "watched");
		const run = startImport(
			{
				files,
				keyFingerprint: keyFingerprint(TEST_KEY),
				baseUrl: sim.baseUrl,
				checkpointPath: state.where,
				concurrency: 1,
			},
			{ client: watched, openState: state.open },
		);
		const summary = await run.done;
		await run.close();
		expect(summary.outcome).toBe("completed");
		expect(seen).toHaveLength(25);
		expect(new Set(seen)).toEqual(new Set(["sent"]));
		expect(simTotals(sim)).toMatchObject({ customers: 25, onboardings: 25, duplicates: 0 });
		const done = await db.query(
			dbName(url),
			"SELECT count(*)::int AS n FROM pivotal_tui.records WHERE state ->> 's' = 'done'",
		);
		expect(done).toEqual([{ n: 50 }]);
		await client.close();
	});

	it("keeps records and counters across a reopen; durable() is immediate when only deferred updates are pending", async () => {
		const url = await db.newDatabase();
		const first = await PostgresState.connect(url, "kept");
		const { store, resumed } = await first.open({ create: () => header });
		expect(resumed).toBe(false);
		store.set("customers", "c1", { s: "sent", attempts: 1 });
		const waiting = store.durable();
		expect(waiting).not.toBe(true);
		await waiting;
		store.set(
			"customers",
			"c1",
			{ s: "done", attempts: 1, id: "cus_1", outcome: "created" },
			{ isDeferred: true },
		);
		expect(store.durable()).toBe(true);
		store.addCounters({ requests: 3, created: 1 });
		await store.close();

		const second = await PostgresState.connect(url, "kept");
		const data = await second.read();
		expect(data?.header).toEqual(header);
		expect(data?.records.customers.get("c1")).toEqual({
			s: "done",
			attempts: 1,
			id: "cus_1",
			outcome: "created",
		});
		expect(data?.counters).toMatchObject({ requests: 3, created: 1 });
		await second.release();
	});

	it("a connection lost mid-run: the next write fails with one sentence, the URL masked, no password", async () => {
		const url = await db.newDatabase();
		const state = await PostgresState.connect(url, "lost");
		const { store } = await state.open({ create: () => header });
		await db.query(
			dbName(url),
			// The state's connection, not the lock's (whose loss has a sentence of its own).
			"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'pivotal-tui'",
			[dbName(url)],
		);
		// The driver's error event for the dropped connection: no crash, the store remembers it.
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(() => store.set("customers", "c1", { s: "sent", attempts: 1 })).toThrow(CheckpointError);
		const error = await Promise.resolve(store.durable()).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(CheckpointError);
		const message = (error as CheckpointError).message;
		expect(message).toMatch(
			/^Cannot write to the state database postgres:\/\/pivotal:\*\*\*@127\.0\.0\.1:\d+\/\w+ \(.+\); check the server, then run the same import again to resume\.$/,
		);
		expect(message).not.toContain(PG_PASSWORD);
		await store.close().catch(() => undefined);
		// Its lock is given back on close: the import opens again at once.
		const again = await PostgresState.connect(url, "lost");
		expect((await again.read())?.records.customers.size).toBe(0);
		await again.release();
	});

	it("--fresh sets the import's state aside under NAME.<time>.old and starts an empty one", async () => {
		const url = await db.newDatabase();
		const first = await PostgresState.connect(url, "again");
		const opened = await first.open({ create: () => header });
		opened.store.set("customers", "c1", { s: "done", attempts: 1, id: "cus_1", outcome: "created" });
		await opened.store.close();
		const second = await PostgresState.connect(url, "again");
		const fresh = await second.open({ create: () => ({ ...header, runId: "fff000fff000" }), fresh: true });
		expect(fresh.resumed).toBe(false);
		expect(fresh.store.entries("customers").next().done).toBe(true);
		await fresh.store.close();
		const names = await db.query<{ name: string; n: number }>(
			dbName(url),
			"SELECT i.name, (SELECT count(*)::int FROM pivotal_tui.records r WHERE r.import = i.name) AS n FROM pivotal_tui.imports i ORDER BY i.name",
		);
		expect(names).toHaveLength(2);
		expect(names[0]).toEqual({ name: "again", n: 0 });
		expect(names[1]?.name).toMatch(/^again\.\d{4}-\d\d-\d\dT[\d-]+Z\.old$/);
		expect(names[1]?.n).toBe(1);
		// Said where, for a way back (finding V11).
		expect(fresh.setAside).toBe(names[1]?.name);
	});

	it("state list names the run that holds an import as running", async () => {
		const url = await db.newDatabase();
		const held = await PostgresState.connect(url, "busy");
		await held.open({ create: () => header });
		const listed = await runCli(["state", "list", "--state", url]);
		await held.release();
		expect(listed.code).toBe(0);
		expect(listed.stdout).toMatch(
			new RegExp(
				`^busy\\s+-\\s+0\\s+\\S+Z\\s+running \\(host ${hostname().replaceAll(".", "\\.")}, pid ${process.pid}, since \\S+Z\\)$`,
				"m",
			),
		);
		// Released with no run's number written: a first run stopped before it began (finding X4).
		const after = await runCli(["state", "list", "--state", url]);
		expect(after.stdout).toMatch(/^busy\s+-\s+0\s+\S+Z\s+interrupted before its first record$/m);
	});
});

describe("outcomeOf (the state list's OUTCOME column)", () => {
	const base = {
		running: false,
		host: null,
		pid: null,
		started_at: null,
		runs: "2",
		finished: "2",
		last_outcome: "completed",
		failed: "0",
	};
	it.each([
		["a finished run", {}, "completed"],
		["a finished run with failures", { failed: "3" }, "completed, 3 failed"],
		["a run killed after a finished one", { runs: "3" }, "interrupted"],
		["a run stopped by a failed check", { runs: "3", last_outcome: "circuit-open" }, "circuit-open"],
		["an import never finished", { runs: "1", finished: null, last_outcome: null }, "interrupted"],
		// A first run killed before it wrote its run's number: the header alone (finding X4).
		[
			"a first run killed at its start",
			{ runs: null, finished: null, last_outcome: null },
			"interrupted before its first record",
		],
		["a state copy stopped", { copying: "1" }, "unfinished copy (run the same state copy again)"],
		[
			"a run going on",
			{ running: true, host: "ci-7", pid: 42, started_at: new Date("2026-01-02T03:04:05.678Z") },
			"running (host ci-7, pid 42, since 2026-01-02T03:04:05Z)",
		],
	])("%s", (_, row, expected) => {
		expect(outcomeOf({ ...base, ...row })).toBe(expected);
	});
});
