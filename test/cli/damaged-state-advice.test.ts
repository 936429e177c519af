/**
 * A damaged state is refused in one sentence whose advice the command can follow: import (and
 * its dry run) may set the state aside with --fresh; undo and state copy take no --fresh, so they
 * say to restore a copy, or to set the state aside by running the import with --fresh. Through
 * the built binary, with a file state and a Postgres one.
 */

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCheckpoint } from "../../src/core/checkpoint/index.js";
import { PostgresState } from "../../src/core/state/pg-state.js";
import { startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { testPostgres } from "../support/postgres.js";
import { tempDir } from "../support/temp-dirs.js";

const db = testPostgres();

const BASE_URL = "http://127.0.0.1:1/api/v1";
const header = {
	runId: "abc123def456",
	createdAt: new Date(0).toISOString(),
	keyFingerprint: "sha256:0123456789abcdef",
	baseUrl: BASE_URL,
	sources: { customers: undefined, contacts: undefined, onboardings: undefined },
};
const done = (id: string) => ({ s: "done", outcome: "created", id, attempts: 1 }) as const;
const env = { PIVOTAL_API_URL: BASE_URL, PIVOTAL_API_KEY: undefined, PIVOTAL_STATE_URL: undefined };

const IMPORT_WAY = "or run again with --fresh to set it aside";
const ELSEWHERE =
	"or set it aside by running the import with --fresh, which starts its state over (records already in Pivotal are then found, not created again, but its earlier runs can no longer be undone).\n";

/** A customers file and its state beside it, whose journal's second line had a value edited. */
async function damagedFileState(): Promise<{ customers: string; state: string }> {
	const dir = tempDir("pivotal-advice-");
	const customers = join(dir, "c.csv");
	writeFileSync(customers, "external_id,name\nc1,One\nc2,Two\n");
	const state = `${customers}.checkpoint.json`;
	const { store } = await openCheckpoint({ path: state, create: () => header });
	store.set("customers", "c1", done("cus_1"));
	store.set("customers", "c2", done("cus_2"));
	await store.flush();
	// Let go as a killed run would (a close would compact the journal away).
	rmSync(`${state}.lock`);
	const lines = readFileSync(state, "utf8").split("\n");
	// Line 1 heads an empty snapshot; lines 2 and 3 are the journal.
	lines[2] = (lines[2] ?? "").replace('"attempts":1', '"attempts":2');
	writeFileSync(state, lines.join("\n"));
	return { customers, state };
}

describe("a damaged file state's advice fits the command", () => {
	it("import and its dry run offer --fresh; undo and state copy say what they can do", async () => {
		const { customers, state } = await damagedFileState();
		const dryRun = await runCli(["import", customers, "--dry-run", "--headless"], { env });
		expect(dryRun.code).toBe(2);
		expect(dryRun.stderr).toContain(`damaged at line 3 (`);
		expect(dryRun.stderr).toContain(`restore the state from a copy you trust, ${IMPORT_WAY}`);

		const undo = await runCli(["undo", customers, "--dry-run", "--headless"], { env });
		expect(undo.code).toBe(2);
		expect(undo.stderr).toMatch(/^The checkpoint .*c\.csv\.checkpoint\.json is damaged at line 3 \(.*\)/);
		expect(undo.stderr).toContain(
			`; nothing was sent: restore the state from a copy you trust, ${ELSEWHERE}`,
		);
		expect(undo.stderr).not.toContain("run again with --fresh");
		expect(undo.stderr.split("\n")).toHaveLength(2);

		const copy = await runCli(["state", "copy", state, join(customers, "..", "copy.json")], { env });
		expect(copy.code).toBe(2);
		expect(copy.stderr).toContain(
			`; nothing was sent: restore the state from a copy you trust, ${ELSEWHERE}`,
		);
		expect(copy.stderr).not.toContain("run again with --fresh");
		expect(copy.stderr.split("\n")).toHaveLength(2);
	}, 60_000);

	it("state copy given --fresh (or any option it does not take): one sentence of ours, exit 2", async () => {
		const { state } = await damagedFileState();
		for (const flag of ["--fresh", "-x", "--fresh=1"]) {
			const copy = await runCli(["state", "copy", state, `${state}.copy`, flag], { env });
			expect(copy.code, flag).toBe(2);
			expect(copy.stderr).toBe(
				`state does not take ${flag.replace(/=.*/, "")}: it takes copy FROM TO [--name NAME] or list --state postgres://…; run pivotal-tui --help for the commands.\n`,
			);
		}
	}, 60_000);
});

describe("a damaged state met by apply", () => {
	it("says to restore a copy or go through the import, not --fresh, which apply does not take", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		try {
			const dir = tempDir("pivotal-advice-");
			const customers = join(dir, "c.csv");
			writeFileSync(customers, "external_id,name\nc1,One\nc2,Two\n");
			const keyed = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			expect((await runCli(["import", customers, "--headless", "--yes"], { env: keyed })).code).toBe(0);
			writeFileSync(customers, "external_id,name\nc1,One Renamed\nc2,Two\n");
			const plan = join(dir, "plan.json");
			const planned = await runCli(["import", customers, "--headless", "--dry-run", "--plan-out", plan], {
				env: keyed,
			});
			expect(planned.code).toBe(0);
			// The finished state's first record line edited: its snapshot no longer matches its digest.
			const state = `${customers}.checkpoint.json`;
			const lines = readFileSync(state, "utf8").split("\n");
			lines[1] = (lines[1] ?? "").replace('"attempts":1', '"attempts":2');
			writeFileSync(state, lines.join("\n"));
			const requests = sim.counters().requests;
			const applied = await runCli(["apply", plan, "--headless"], { env: keyed });
			expect(applied.code).toBe(2);
			expect(applied.stderr).toContain(`is damaged `);
			expect(applied.stderr).toContain(ELSEWHERE.trimEnd());
			expect(applied.stderr).not.toContain("run again with --fresh");
			expect(sim.counters().requests).toBe(requests);
		} finally {
			await sim.close();
		}
	}, 60_000);
});

describe("a damaged Postgres state's advice fits the command", () => {
	it("import's dry run offers --fresh; undo and state copy say what they can do", async () => {
		const url = await db.newDatabase();
		const held = await PostgresState.connect(url, "em");
		const { store } = await held.open({ create: () => header, fresh: false });
		store.set("customers", "c1", done("cus_1"));
		await store.close();
		await db.query(
			new URL(url).pathname.slice(1),
			`UPDATE pivotal_tui.records SET state = '{"s":"done","id":7}' WHERE import = 'em' AND key = 'c1'`,
		);
		const dir = tempDir("pivotal-advice-");
		const customers = join(dir, "em.csv");
		writeFileSync(customers, "external_id,name\nc1,One\n");
		const row =
			"is damaged (the record customers c1 is not one pivotal-tui wrote); nothing was sent: repair or delete that row, ";

		const dryRun = await runCli(["import", customers, "--state", url, "--dry-run", "--headless"], { env });
		expect(dryRun.code).toBe(2);
		expect(dryRun.stderr).toContain(`${row}or start over with --fresh`);

		const undo = await runCli(["undo", customers, "--state", url, "--dry-run", "--headless"], { env });
		expect(undo.code).toBe(2);
		expect(undo.stderr).toContain(`${row}${ELSEWHERE}`);
		expect(undo.stderr).not.toContain("start over with --fresh");

		const copy = await runCli(["state", "copy", url, join(dir, "copy.json"), "--name", "em"], { env });
		expect(copy.code).toBe(2);
		expect(copy.stderr).toContain(`${row}${ELSEWHERE}`);
		expect(copy.stderr).not.toContain("start over with --fresh");
	}, 60_000);
});
