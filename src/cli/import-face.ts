/**
 * What `import` says on the command line about an opened, planned import: the formats it read,
 * the plan line with its estimate, a refused plan, and the whole dry run (plan, first rows, the
 * NDJSON line, the plan file). The decisions are the application layer's; this is the face.
 */

import { dirname, resolve } from "node:path";
import { maskKey } from "../api/key.js";
import type { EnvKey } from "../app/env-keys.js";
import type { OpenedImport } from "../app/open-import.js";
import type { PlannedImport } from "../app/plan-import.js";
import { writeRunFailures } from "../app/run-files.js";
import { EXIT } from "../core/exit-codes.js";
import type { SourceFiles } from "../core/run-types.js";
import { PASSES, type PassName } from "../model/records.js";
import { type FirstRow, firstRowsText } from "../report/first-rows.js";
import { formatDuration } from "../report/format.js";
import { planText } from "../report/plan-text.js";
import { describeFormat, readRecords, type SourceOptions } from "../source/index.js";
import { ask, CANCELLED } from "./ask.js";
import { reportWritten } from "./headless-run.js";
import type { CommandIo, ImportFlags } from "./import-command.js";
import { savePlan } from "./plan-out.js";

/** An import on its way through the command: its flags, where it writes, what it opened and planned. */
export interface ImportFace {
	readonly flags: ImportFlags;
	readonly io: CommandIo;
	readonly opened: OpenedImport;
	readonly planned: PlannedImport;
	/** The keys set (for the estimate and the prompt), sound or not. */
	readonly keys: readonly EnvKey[];
}

/** Lines for a person: on stdout, or on stderr beside NDJSON. */
export function sayTo({ flags, io }: Pick<ImportFace, "flags" | "io">): (text: string) => void {
	return (text) => (flags.json ? io.stderr : io.stdout).write(`${text}\n`);
}

/** How each file is read, said once the run is sure to go ahead (a refusal prints only its sentence). */
export function sayFormats(face: ImportFace): void {
	// NDJSON readers get the formats in the dry run's line; a run says nothing beside its events.
	if (face.flags.json) return;
	const { files, check } = face.opened;
	for (const pass of PASSES) {
		const format = check.formats[pass];
		if (format !== undefined) sayTo(face)(`${pass} ${files[pass]}: ${describeFormat(format)}`);
	}
}

/** Rows per pass, requests, and how long they take at the keys' default limits. */
export function planLine({ opened, planned, keys }: ImportFace): string {
	const limitSource =
		keys.length === 0
			? "a live key's default limit"
			: keys.length === 1
				? "this key's default limit"
				: `${keys.length} keys' default limits`;
	const counts = PASSES.map((p) => `${opened.check.counts[p]} ${p}`).join(", ");
	return `${counts}: ${planned.plan.requests} requests, about ${formatDuration(planned.estimateMs)} at ${planned.limit}/min (${limitSource}).`;
}

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

/** The wizard starts at the key step with these files: a person at a terminal gets the dashboard. */
export async function handToWizard(
	{ flags, io, opened }: ImportFace,
	windowMs: number | undefined,
): Promise<number> {
	const { runInteractive } = await import("./interactive.js");
	const keyVariables = flags.keyEnv ?? [];
	const { files } = opened;
	return runInteractive({
		baseUrl: opened.baseUrl,
		...(windowMs === undefined ? {} : { windowMs }),
		// The wizard offers these variables' keys, ticked when there are several, and asks when none is set.
		env: io.env,
		keyVariables: keyVariables.length > 0 ? keyVariables : undefined,
		folder: dirname(resolve(files.customers)),
		prefill: {
			isFixed: true,
			customers: resolve(files.customers),
			...(files.contacts ? { contacts: resolve(files.contacts) } : {}),
			...(files.onboardings ? { onboardings: resolve(files.onboardings) } : {}),
			fresh: flags.fresh,
			checkpointPath: resolve(opened.statePath),
			source: opened.source,
			...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
		},
	});
}

/** Asks at the terminal; false (and "Nothing was sent.") unless the answer is yes. */
export async function confirmImport(face: ImportFace, isResume: boolean): Promise<boolean> {
	const { opened, keys } = face;
	const answer = await ask(
		`${planLine(face)}\n${isResume ? `Resume from ${opened.statePath}` : "Start"} importing into ${new URL(opened.baseUrl).host} with ${keys.map((k) => maskKey(k.secret)).join(", ")}? [y/N] `,
	);
	if (answer !== undefined && /^y(es)?$/i.test(answer.trim())) return true;
	sayTo(face)(answer === undefined ? CANCELLED : "Nothing was sent.");
	return false;
}

/** The sentence for rows `--skip-invalid` left out, naming the files that list them. */
export function skippedSentence(count: number, flags: ImportFlags): string {
	// A dry run writes the failures CSV (the invalid rows) but no results CSV: nothing was sent.
	const where = [flags.failuresCsv, flags.dryRun ? undefined : flags.resultsCsv]
		.filter((f) => f !== undefined)
		.join(" and ");
	return `${count} invalid row${count === 1 ? " was" : "s were"} left out (--skip-invalid); their contacts and onboardings are blocked${where === "" ? "" : `; listed in ${where}`}.`;
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
		lines.push(...firstRowsText(pass, rows, counts[pass] ?? rows.length));
	}
	return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
