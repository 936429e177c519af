/**
 * The files a run leaves for people: its failures (to fix and send again) and every row's
 * outcome with its Pivotal id. Both read the run's state, record by record, and the files the
 * way the run read them (same map, encoding, rows left out), so the same keys come out.
 */

import { keyedRecords } from "../core/plan/legacy-keys.js";
import { NOT_IN_PIVOTAL } from "../core/plan/sync-rules.js";
import type { ImportRun, ImportSummary, SourceFiles } from "../core/run-types.js";
import { PASSES } from "../model/records.js";
import { type RecordsOf, writeFailuresCsv } from "../report/failures-csv.js";
import { writeResultsCsv } from "../report/results-csv.js";
import type { InvalidRow, SourceOptions } from "../source/index.js";

/** What the run read: its files, how, and the rows `--skip-invalid` left out. */
export interface RunSources {
	readonly files: SourceFiles;
	readonly source?: SourceOptions | undefined;
	readonly invalid?: readonly InvalidRow[] | undefined;
}

/** The failures CSV: the rows that failed or were left out, their cells, the reason. */
export function writeRunFailures(
	path: string,
	read: RunSources,
	run: ImportRun | undefined,
): Promise<number> {
	// Rows --only update did not create are listed too: not in Pivotal, and counted under the
	// summary's failures by code (adversarial finding AI1).
	const reported = new Map(
		(run?.failures() ?? [])
			.filter((f) => f.isNote !== true || f.code === NOT_IN_PIVOTAL)
			.map((f) => [`${f.pass}:${f.key}`, f]),
	);
	return writeFailuresCsv(
		path,
		read.files,
		(pass, key) => run?.state(pass, key),
		read.source,
		read.invalid ?? [],
		rowsAsRun(read, run),
		(pass, key) => reported.get(`${pass}:${key}`),
	);
}

/** The results CSV: every row's outcome, Pivotal id and display_id, and what the run noted of it. */
export async function writeRunResults(
	path: string,
	read: RunSources,
	run: ImportRun | undefined,
	runNumber: number,
	/** The run's summary: a pass it did not get through lists the records it did not write as pending. */
	summary?: Pick<ImportSummary, "passes">,
): Promise<void> {
	// Notes (`not_in_pivotal`, `edited_in_pivotal`) are not failures: the run lists them beside.
	const notes = new Map((run?.failures() ?? []).map((f) => [`${f.pass}:${f.key}`, f]));
	await writeResultsCsv(
		path,
		read.files,
		(pass, key) => run?.state(pass, key),
		runNumber,
		read.source,
		(pass, key) => notes.get(`${pass}:${key}`),
		read.invalid ?? [],
		rowsAsRun(read, run),
		new Set(PASSES.filter((pass) => (summary?.passes[pass].pending ?? 0) > 0)),
		(pass, key) => run?.isSkipped(pass, key) ?? false,
	);
}

/** The rows of each file keyed as the run keyed them: an onboarding under the record it took over. */
const rowsAsRun =
	(read: RunSources, run: ImportRun | undefined): RecordsOf =>
	(file, pass) =>
		keyedRecords(file, pass, read.source, run?.passState(pass));
