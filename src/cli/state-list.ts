/**
 * `pivotal-tui state list --state postgres://…`: the imports a database holds, one row each with
 * its workspace, records, last run and how that run went. Apart from `state copy`
 * (state-command.ts): it only reads the database, with one query, and writes a table.
 */

import { EXIT } from "../core/exit-codes.js";
import { COPY_UNFINISHED, connectDatabase } from "../core/state/pg-state.js";
import { maskUrl } from "../core/state/pg-url.js";
import { escapeControls } from "../model/terminal-text.js";
import type { CommandIo } from "./import-command.js";

interface ListRow {
	readonly name: string;
	readonly workspace: string | null;
	readonly records: string;
	readonly failed: string;
	readonly runs: string | null;
	readonly finished: string | null;
	readonly last_run_at: Date | null;
	readonly updated_at: Date;
	readonly last_outcome: string | null;
	readonly running: boolean;
	readonly host: string | null;
	readonly pid: number | null;
	readonly started_at: Date | null;
	/** Set while `state copy` writes the import; left set by a copy that was stopped. */
	readonly copying?: string | null;
}

const iso = (date: Date) => date.toISOString().replace(/\.\d+Z$/, "Z");

/** How the import's last run went, as the list shows it. */
export function outcomeOf(
	row: Pick<
		ListRow,
		"running" | "host" | "pid" | "started_at" | "runs" | "finished" | "last_outcome" | "failed" | "copying"
	>,
): string {
	if (Number(row.copying ?? 0) > 0 && !row.running) return "unfinished copy (run the same state copy again)";
	if (row.running)
		return `running (host ${row.host ?? "?"}, pid ${row.pid ?? "?"}${row.started_at ? `, since ${iso(row.started_at)}` : ""})`;
	// A first run killed before it wrote its run's number: the import's header alone (finding X4).
	if (Number(row.runs ?? 0) === 0 && row.last_outcome == null) return "interrupted before its first record";
	const isUnfinished = Number(row.runs ?? 0) > Number(row.finished ?? 0);
	// A killed run writes no outcome: its run number is started and never finished.
	const outcome =
		isUnfinished && (row.last_outcome ?? "completed") === "completed"
			? "interrupted"
			: (row.last_outcome ?? "completed");
	const failed = Number(row.failed);
	return failed > 0 ? `${outcome}, ${failed} failed` : outcome;
}

export async function listStates(url: string, io: CommandIo): Promise<number> {
	const client = await connectDatabase(url);
	try {
		// The lock is held while a run is going: a holder row alone may be a killed run's.
		const result = await client.query<ListRow>(
			`WITH i AS (SELECT *, hashtextextended('pivotal_tui:' || name, 0) AS k FROM pivotal_tui.imports)
			 SELECT i.name, i.header -> 'workspace' ->> 'name' AS workspace,
				(SELECT count(*) FROM pivotal_tui.records r WHERE r.import = i.name)::text AS records,
				(SELECT count(*) FROM pivotal_tui.records r WHERE r.import = i.name AND r.state ->> 's' = 'failed')::text AS failed,
				i.counters ->> 'runs' AS runs, i.counters ->> 'runsFinished' AS finished,
				i.counters ->> '${COPY_UNFINISHED}' AS copying,
				i.last_run_at, i.updated_at, i.last_outcome, h.host, h.pid, h.started_at,
				EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
					AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
					AND l.classid = ((i.k >> 32) & 4294967295)::oid AND l.objid = (i.k & 4294967295)::oid) AS running
			 FROM i LEFT JOIN pivotal_tui.holders h ON h.name = i.name ORDER BY i.name`,
		);
		if (result.rows.length === 0) {
			io.stdout.write(`${maskUrl(url)} holds no import yet.\n`);
			return EXIT.ok;
		}
		// Names, workspaces and hosts come from outside: escaped, so none can fake a row or a screen.
		const rows = result.rows.map((r) =>
			[r.name, r.workspace ?? "-", r.records, iso(r.updated_at), outcomeOf(r)].map(escapeControls),
		);
		const table = [["NAME", "WORKSPACE", "RECORDS", "LAST RUN", "OUTCOME"], ...rows];
		const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
		for (const row of table)
			io.stdout.write(
				`${row
					.map((cell, i) => cell.padEnd(widths[i]!))
					.join("  ")
					.trimEnd()}\n`,
			);
		return EXIT.ok;
	} finally {
		await client.end().catch(() => undefined);
	}
}
