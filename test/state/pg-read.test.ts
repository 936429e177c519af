/**
 * The Postgres state's load at more than one page (pages of 10,000 rows, the next asked for
 * before the one received is parsed): every record once, whatever page it is on; a damaged row on
 * a later page named in one sentence while the next page is already asked for, and the connection
 * still good afterwards (its lock given back, the import readable by the next run).
 */

import { describe, expect, it } from "vitest";
import { CheckpointError } from "../../src/core/checkpoint/index.js";
import { PostgresState } from "../../src/core/state/pg-state.js";
import { testPostgres } from "../support/postgres.js";

const db = testPostgres();

const header = {
	runId: "abc123def456",
	createdAt: new Date(0).toISOString(),
	keyFingerprint: "sha256:0123456789abcdef",
	baseUrl: "http://127.0.0.1:1/api/v1",
	sources: { customers: undefined, contacts: undefined, onboardings: undefined },
};

const dbName = (url: string) => new URL(url).pathname.slice(1);

/** An import `name` of `customers` done customers and `contacts` done contacts, written by SQL. */
async function seed(url: string, name: string, customers: number, contacts: number): Promise<void> {
	const state = await PostgresState.connect(url, name);
	const { store } = await state.open({ create: () => header, fresh: false });
	await store.close();
	const done = (id: string) =>
		`'{"s":"done","attempts":1,"id":"' || ${id} || '","outcome":"created","r":1,"v":{"name":"n' || ${id} || '"}}'`;
	await db.query(
		dbName(url),
		`INSERT INTO pivotal_tui.records (import, pass, key, state)
		 SELECT $1, 'customers', 'c' || lpad(i::text, 6, '0'), (${done("i::text")})::json FROM generate_series(1, $2) AS i
		 UNION ALL
		 SELECT $1, 'contacts', 'p' || lpad(i::text, 6, '0'), (${done("i::text")})::json FROM generate_series(1, $3) AS i`,
		[name, customers, contacts],
	);
}

describe("the Postgres state's paged load", () => {
	it("reads every record of an import across pages, each once, other imports' records left out", async () => {
		const url = await db.newDatabase();
		await seed(url, "big", 23_456, 10_000);
		await seed(url, "other", 5, 5);
		const state = await PostgresState.connect(url, "big");
		try {
			const data = await state.read();
			expect(data?.records.customers.size).toBe(23_456);
			expect(data?.records.contacts.size).toBe(10_000);
			expect(data?.records.onboardings.size).toBe(0);
			// The first and last of a pass, and one on each side of a page's end.
			for (const key of ["c000001", "c010000", "c010001", "c020001", "c023456"])
				expect(data?.records.customers.get(key)).toMatchObject({
					s: "done",
					id: String(Number(key.slice(1))),
				});
			expect(data?.records.contacts.get("p010000")).toMatchObject({ s: "done", id: "10000" });
			expect(data?.records.customers.has("c023457")).toBe(false);
		} finally {
			await state.release();
		}
	}, 60_000);

	it("a damaged row on a later page: one sentence naming it, and the next run can read the import once it is repaired", async () => {
		const url = await db.newDatabase();
		await seed(url, "big", 25_000, 0);
		await db.query(
			dbName(url),
			`UPDATE pivotal_tui.records SET state = '{"s":"done","id":7}' WHERE import = 'big' AND key = 'c015000'`,
		);
		const state = await PostgresState.connect(url, "big");
		const refused = await state.read().then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(refused).toBeInstanceOf(CheckpointError);
		expect((refused as Error).message).toMatch(
			/^The state postgres:\/\/pivotal:\*\*\*@127\.0\.0\.1:\d+\/\w+ \(import big\) is damaged \(the record customers c015000 is not one pivotal-tui wrote\); nothing was sent: repair or delete that row, or start over with --fresh \(records already in Pivotal are then found, not created again\)\.$/,
		);
		// The connection was left usable (the snapshot rolled back): the lock is given back.
		await state.release();
		await db.query(
			dbName(url),
			`UPDATE pivotal_tui.records SET state = '{"s":"done","attempts":1,"id":"7","outcome":"created","r":1,"v":{}}' WHERE import = 'big' AND key = 'c015000'`,
		);
		const again = await PostgresState.connect(url, "big");
		try {
			expect((await again.read())?.records.customers.size).toBe(25_000);
		} finally {
			await again.release();
		}
	}, 60_000);
});
