/**
 * What `import` says of a plan it does not run: a refused plan, and the whole dry run (plan, first
 * rows, the NDJSON line, the plan file). Loaded only for them: a run loads none of the plan's
 * text, the first rows or the plan file.
 */

import { writeRunFailures } from "../app/run-files.js";
import { EXIT } from "../core/exit-codes.js";
import type { SourceFiles } from "../core/run-types.js";
import { PASSES, type PassName } from "../model/records.js";
import { type FirstRow, firstRowsText } from "../report/first-rows.js";
import { planText } from "../report/plan-text.js";
import { readRecords, type SourceOptions } from "../source/index.js";
import { reportWritten } from "./headless-run.js";
import { type ImportFace, planLine, sayFormats, sayTo } from "./import-face.js";
import { savePlan } from "./plan-save.js";

/** More deletes than --max-deletes allows: refused before anything is sent, the plan shown first. */
export function refusePlan({ flags, io, planned }: ImportFace): number {
	const { plan, rules } = planned;
	if (!flags.json) io.stdout.write(planText(plan));
	else
		io.stdout.write(
			`${JSON.stringify({ type: "refused", message: plan.refusal, rules, passes: plan.passes })}\n`,
		);
	io.stderr.write(`${plan.refusal}\n`);
	return EXIT.usage;
}

/** `--dry-run`: the plan as text (or NDJSON), the first rows with `--verbose`, the plan file. */
export async function dryRun(face: ImportFace): Promise<number> {
	const { flags, io, opened, planned, keys } = face;
	const { plan, rules } = planned;
	const { files, check, source, invalid } = opened;
	const say = sayTo(face);
	sayFormats(face);
	// The invalid rows a dry run leaves out are listed where the sentence above said they are.
	if (flags.failuresCsv && invalid.length > 0)
		await reportWritten(io, "--failures-csv", flags.failuresCsv, () =>
			writeRunFailures(flags.failuresCsv!, opened, undefined),
		);
	if (!flags.json) io.stdout.write(planText(plan));
	if (flags.verbose && !flags.json) io.stdout.write(await firstRowsLines(files, source, check.counts));
	say(
		`Dry run: ${invalid.length === 0 ? "every row is valid" : `${invalid.length} invalid row${invalid.length === 1 ? " is" : "s are"} left out (--skip-invalid)`}. ${planLine(face)} Nothing was sent.`,
	);
	if (flags.json)
		io.stdout.write(
			`${JSON.stringify({ type: "dry-run", counts: check.counts, requests: plan.requests, rules, estimateMs: planned.estimateMs, formats: check.formats, passes: plan.passes })}\n`,
		);
	return savePlan({ flags, opened, planned, io, keys, say });
}

const FIRST_ROWS = 3;

/** `--dry-run --verbose`: the first rows of each file as their request bodies (see report/first-rows.ts). */
async function firstRowsLines(
	files: SourceFiles,
	source: SourceOptions,
	counts: Readonly<Record<PassName, number>>,
): Promise<string> {
	const lines: string[] = [];
	for (const pass of PASSES) {
		const file = files[pass];
		if (!file) continue;
		const rows: FirstRow[] = [];
		for await (const record of readRecords(file, pass, source)) {
			rows.push({ key: record.key, line: record.line, body: record.body });
			if (rows.length >= FIRST_ROWS) break;
		}
		// The rows left out as invalid (--skip-invalid) are not sent: not among the "more" (finding U15).
		const sent = (counts[pass] ?? rows.length) - (source.skipLines?.[pass]?.length ?? 0);
		lines.push(...firstRowsText(pass, rows, Math.max(rows.length, sent)));
	}
	return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
