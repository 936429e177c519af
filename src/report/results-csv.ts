import { NOT_IN_PIVOTAL } from "../core/plan/sync-rules.js";
import type { SourceFiles } from "../core/run-types.js";
import { copyOf, PASSES, type PassName, type RecordState } from "../model/records.js";
import type { InvalidRow, SourceOptions } from "../source/index.js";
import { asRead, CRLF, csvCell, EXCEL_BOM, type RecordsOf } from "./failures-csv.js";
import { OutputFile } from "./output-file.js";

const HEADER = ["pass", "line", "key", "outcome", "id", "display_id", "code", "message"] as const;

/** What happened to a record in run `run`, as the results file names it. */
export function resultOf(state: RecordState | undefined, run: number, isPassUnfinished = false): string {
	if (state === undefined) return "pending";
	switch (state.s) {
		case "done":
			// Not written by this run: unchanged, where the run got through its pass; else not looked at.
			if (state.r === run && state.did) return state.did;
			return isPassUnfinished ? "pending" : "unchanged";
		case "failed":
			return "failed";
		case "blocked":
			return "blocked";
		case "sent":
			return "pending";
		case "removed":
			return state.why === "gone" ? "deleted_in_pivotal" : state.why === "deleted" ? "deleted" : "undone";
	}
}

/**
 * Every source row with its outcome, Pivotal `id` and `display_id`, as Data Loader's success
 * file gives them, for chaining into other systems. Streams the sources again, one row at a time.
 */
export async function writeResultsCsv(
	path: string,
	files: SourceFiles,
	stateOf: (pass: PassName, key: string) => RecordState | undefined,
	run: number,
	source?: SourceOptions,
	/**
	 * What the run noted of a row that is not a failure: `not_in_pivotal` (`--only update`, the
	 * row's outcome) or `edited_in_pivotal` (fields `--keep-pivotal-edits` kept, in the message).
	 */
	noteOf?: (
		pass: PassName,
		key: string,
	) => { readonly code: string; readonly message: string; readonly isNote?: true } | undefined,
	/** Rows `--skip-invalid` left out: outcome `invalid`, with the problem and what to do. */
	invalid: readonly InvalidRow[] = [],
	/** The rows, keyed as the run keyed them (an onboarding under the record it took over). */
	records: RecordsOf = asRead(source),
	/** Passes the run did not get through: a record it did not write there was not looked at. */
	unfinished: ReadonlySet<PassName> = new Set(),
	/** Rows `--only` left out whose records are in Pivotal: `skipped`, their changes not sent (finding X5). */
	isSkipped: (pass: PassName, key: string) => boolean = () => false,
): Promise<number> {
	const out = await OutputFile.open(path, "new", 0o600);
	const write = (text: string) => out.write(text);
	await write(`${EXCEL_BOM}${HEADER.join(",")}${CRLF}`);
	let rows = 0;
	for (const pass of PASSES) {
		const file = files[pass];
		if (!file) continue;
		for (const row of invalid) {
			if (row.pass !== pass) continue;
			await write(
				`${[pass, String(row.line), "", "invalid", "", "", "invalid", row.message].map(csvCell).join(",")}${CRLF}`,
			);
			rows += 1;
		}
		for await (const { record, stateKey } of records(file, pass)) {
			const state = stateOf(pass, stateKey);
			const copy = copyOf(state);
			const id = copy?.id ?? (state?.s === "removed" ? state.id : "");
			const note = state?.s === "failed" ? undefined : noteOf?.(pass, stateKey);
			const failure =
				state?.s === "failed" ? [state.code, state.message] : note ? [note.code, note.message] : ["", ""];
			const cells = [
				pass,
				String(record.line),
				record.key,
				note?.code === NOT_IN_PIVOTAL
					? NOT_IN_PIVOTAL
					: state?.s === "done" && isSkipped(pass, stateKey)
						? "skipped"
						: // A failure the run reported while the record's state kept its create's mark
							// (landed_not_found, an in-doubt ambiguous_match): failed, as the summary counts
							// it, not pending (adversarial finding AH2).
							note !== undefined && note.isNote !== true && (state === undefined || state.s === "sent")
							? "failed"
							: resultOf(state, run, unfinished.has(pass)),
				id,
				copy?.d === undefined ? "" : String(copy.d),
				...failure,
			];
			await write(`${cells.map(csvCell).join(",")}${CRLF}`);
			rows += 1;
		}
	}
	await out.close();
	return rows;
}
