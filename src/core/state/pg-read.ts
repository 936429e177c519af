/**
 * Reads an import's state from Postgres into memory, in one snapshot of the database (a
 * read-only, repeatable-read transaction): its head, then its records a page at a time in key
 * order, each row parsed and checked. The next page is asked for before the one received is
 * taken, so that the server reads it while the client parses (two cores, not one after the
 * other); rows come as arrays of text (no object per row).
 */

import type pg from "pg";
import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { CheckpointError, FRESH_WAY_ELSEWHERE } from "../checkpoint/checkpoint-error.js";
import {
	type CheckpointData,
	type CheckpointHeader,
	isRecordState,
	zeroCounters,
} from "../checkpoint/checkpoint-format.js";
import { StateMap } from "../checkpoint/state-map.js";

/** Records read per query: a few MB per page, a hundred round trips for a million. */
const READ_PAGE = 10_000;

/**
 * A counter `state copy` sets before it writes an import's records and clears after the last
 * (with the counters): an import that holds it was copied in part, and no run may start from it.
 */
export const COPY_UNFINISHED = "copyUnfinished";

/** A page of records in key order after a (pass, key); the state as the JSON text the store wrote (a json column keeps it as written). */
const PAGE = `SELECT pass, key, state::text FROM pivotal_tui.records
	WHERE import = $1 AND (pass, key) > ($2, $3) ORDER BY pass, key LIMIT ${READ_PAGE}`;

type PageRow = [pass: string, key: string, state: string];

/** A record's state from its JSON text, or undefined when it is not one pivotal-tui wrote. */
function parsedState(text: string): RecordState | undefined {
	try {
		const state: unknown = JSON.parse(text);
		return isRecordState(state) ? state : undefined;
	} catch {
		return undefined;
	}
}

function damaged(where: string, what: string): never {
	const head = `The state ${where} is damaged (${what} is not one pivotal-tui wrote); nothing was sent: repair or delete that row`;
	throw new CheckpointError({
		code: "corrupt",
		path: where,
		message: `${head}, or start over with --fresh (records already in Pivotal are then found, not created again).`,
		withoutFresh: `${head}, or ${FRESH_WAY_ELSEWHERE}.`,
	});
}

/** The records of `name`, every pass. Throws `CheckpointError` (`corrupt`) naming a row that is no state. */
async function readRecords(
	client: pg.Client,
	name: string,
	where: string,
): Promise<Record<PassName, StateMap>> {
	const records = {} as Record<PassName, StateMap>;
	for (const pass of PASSES) records[pass] = new StateMap();
	const pageAfter = (after: readonly [string, string]) => {
		const query = client.query<PageRow>({ text: PAGE, values: [name, ...after], rowMode: "array" });
		// Awaited below unless the read stops first (a damaged row), when its end is of no interest.
		query.catch(() => undefined);
		return query;
	};
	let next = pageAfter(["", ""]);
	for (;;) {
		const page = await next;
		const last = page.rows[page.rows.length - 1];
		const isLast = last === undefined || page.rows.length < READ_PAGE;
		if (!isLast) next = pageAfter([last[0], last[1]]);
		for (const [pass, key, text] of page.rows) {
			const map = records[pass as PassName];
			const state = parsedState(text);
			if (map === undefined || state === undefined) damaged(where, `the record ${pass} ${key}`);
			// Each key once: the table's primary key.
			map.load(key, state, text);
		}
		if (isLast) return records;
	}
}

/** The import's state as it is, or undefined when the database holds none under `name`. */
export async function readImport(
	client: pg.Client,
	name: string,
	where: string,
): Promise<CheckpointData | undefined> {
	// One snapshot for the head and every page: the lock keeps other runs out, not other writers.
	await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	try {
		const read = await readInSnapshot(client, name, where);
		await client.query("COMMIT");
		return read;
	} catch (error) {
		await client.query("ROLLBACK").catch(() => undefined);
		throw error;
	}
}

async function readInSnapshot(
	client: pg.Client,
	name: string,
	where: string,
): Promise<CheckpointData | undefined> {
	const found = await client.query<{
		header: CheckpointHeader;
		counters: Record<string, number>;
		updated_at: Date;
	}>("SELECT header, counters, updated_at FROM pivotal_tui.imports WHERE name = $1", [name]);
	const row = found.rows[0];
	if (!row) return undefined;
	if ((row.counters?.[COPY_UNFINISHED] ?? 0) > 0)
		throw new CheckpointError({
			code: "corrupt",
			path: where,
			message: `The state ${where} is a copy that stopped before its end (pivotal-tui state copy was interrupted); run the same state copy again to make it whole.`,
		});
	const records = await readRecords(client, name, where);
	if (typeof row.header?.runId !== "string" || typeof row.header.baseUrl !== "string")
		damaged(where, "its header");
	return {
		header: row.header,
		records,
		counters: { ...zeroCounters(), ...row.counters },
		updatedAt: row.updated_at.toISOString(),
	};
}
