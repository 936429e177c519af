import { maskKeyShapes } from "../api/key.js";
import type { FailureDetail, SourceFiles } from "../core/run-types.js";
import { PASSES, type PassName, type RecordState, type SourceRecord } from "../model/records.js";
import { cellsAtLines, type InvalidRow, readRecords, type SourceOptions } from "../source/index.js";
import { OutputFile } from "./output-file.js";

/** A file's rows as records, in file order, each with the key the state knows it by. */
export type RecordsOf = (
	file: string,
	pass: PassName,
) => AsyncIterable<{ readonly record: SourceRecord; readonly stateKey: string }>;

/** The rows as read, each known by its own key. */
export const asRead = (source: SourceOptions | undefined): RecordsOf =>
	async function* (file, pass) {
		for await (const record of readRecords(file, pass, source)) yield { record, stateKey: record.key };
	};

// The HTTP status as `http_status`: a customers file has a `status` column of its own, and a
// reader by column name saw only one of the two (adversarial finding AH8).
const EXTRA = ["pass", "line", "http_status", "code", "message", "attempts"] as const;

/**
 * A spreadsheet treats a cell starting with one of these as a formula; a quote in front keeps it
 * text (the OWASP advice for CSV injection). Only exported files are touched: requests carry
 * the data as it was.
 */
export function neutralizeFormula(cell: string): string {
	return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * What Excel needs to open a UTF-8 CSV as UTF-8 (by double-click, not only through the import
 * wizard): a byte-order mark first; rows end in CRLF as RFC 4180 and Excel itself write them.
 */
export const EXCEL_BOM = "\ufeff";
export const CRLF = "\r\n";

/**
 * One cell of the failures or results CSV: anything shaped like a Pivotal key masked, as on the
 * terminal and in the CI reports (a CI job keeps these files as artefacts; adversarial finding
 * Q2), a formula neutralised, quoted where it must be.
 */
export function csvCell(cell: string): string {
	const safe = neutralizeFormula(maskKeyShapes(cell));
	return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * Write every failed or blocked record: what went wrong, then its original columns (the union
 * of the three files' headers, so one file serves every pass). The sources are streamed again;
 * only the failed rows are held in memory.
 */
export async function writeFailuresCsv(
	path: string,
	files: SourceFiles,
	stateOf: (pass: PassName, key: string) => RecordState | undefined,
	/** How the files were read for the import (map, encoding, delimiter): the same keys come out. */
	source?: SourceOptions,
	/** Rows `--skip-invalid` left out: listed first in their file, code `invalid`. */
	invalid: readonly InvalidRow[] = [],
	/** The rows, keyed as the run keyed them (an onboarding under the record it took over). */
	records: RecordsOf = asRead(source),
	/**
	 * A failure the run reported of a record whose state it left as it was (a create in doubt
	 * that stays in doubt: `landed_not_found`, `ambiguous_match`; adversarial finding AG1).
	 */
	reported: (pass: PassName, key: string) => FailureDetail | undefined = () => undefined,
): Promise<number> {
	const rows: { cells: string[]; columns: Readonly<Record<string, string>> }[] = [];
	const header = new Set<string>();
	for (const pass of PASSES) {
		const file = files[pass];
		if (!file) continue;
		const skipped = invalid.filter((r) => r.pass === pass);
		const cells = await cellsAtLines(file, new Set(skipped.map((r) => r.line)), source);
		for (const row of skipped) {
			const columns = cells.get(row.line) ?? {};
			for (const name of Object.keys(columns)) header.add(name);
			rows.push({ cells: [pass, String(row.line), "", "invalid", row.message, "0"], columns });
		}
		for await (const { record, stateKey } of records(file, pass)) {
			const state = stateOf(pass, stateKey);
			const failure = state?.s === "failed" || state?.s === "blocked" ? undefined : reported(pass, stateKey);
			if (state?.s !== "failed" && state?.s !== "blocked" && failure === undefined) continue;
			const what =
				state?.s === "failed"
					? [String(state.status ?? ""), state.code, state.message, String(state.attempts)]
					: state?.s === "blocked"
						? ["", "blocked_by_parent", `customer ${state.parentKey} was not imported`, "0"]
						: [
								String(failure?.status ?? ""),
								failure?.code ?? "",
								failure?.message ?? "",
								String(failure?.attempts ?? 0),
							];
			for (const name of Object.keys(record.columns)) header.add(name);
			rows.push({ cells: [pass, String(record.line), ...what], columns: record.columns });
		}
	}
	const names = [...header];
	const out = await OutputFile.open(path, "new", 0o600);
	const write = (text: string) => out.write(text);
	await write(`${EXCEL_BOM}${[...EXTRA, ...names].map(csvCell).join(",")}${CRLF}`);
	for (const row of rows) {
		await write(
			`${[...row.cells, ...names.map((name) => row.columns[name] ?? "")].map(csvCell).join(",")}${CRLF}`,
		);
	}
	await out.close();
	return rows.length;
}
