/**
 * What `import` says on the command line about an opened, planned import: the formats it read,
 * the plan line with its estimate, the question before a run; a refused plan and the dry run are
 * dry-run-face.ts's, loaded only for them. The decisions are the application layer's; this is the face.
 */

import { dirname, resolve } from "node:path";
import { maskKey } from "../api/key.js";
import type { EnvKey } from "../app/env-keys.js";
import type { OpenedImport } from "../app/open-import.js";
import type { PlannedImport } from "../app/plan-import.js";
import { PASSES } from "../model/records.js";
import { formatDuration } from "../report/format.js";
import { describeFormat } from "../source/index.js";
import type { CommandIo, ImportFlags } from "./import-command.js";

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
	// Loaded only when a person is asked: a run told --yes (or headless) never asks.
	const { ask, CANCELLED } = await import("./ask.js");
	const answer = await ask(
		`${planLine(face)}\n${isResume ? `Resume from ${opened.statePath}` : "Start"} importing into ${new URL(opened.baseUrl).host} with ${keys.map((k) => maskKey(k.secret)).join(", ")}? [y/N] `,
	);
	if (answer !== undefined && /^y(es)?$/i.test(answer.trim())) return true;
	sayTo(face)(answer === undefined ? CANCELLED : "Nothing was sent.");
	return false;
}

/** The sentence for rows `--skip-invalid` left out, naming the files that list them. */
export function skippedSentence(
	count: number,
	flags: ImportFlags,
	when: "before" | "after" = "before",
): string {
	// A dry run writes the failures CSV (the invalid rows) but no results CSV: nothing was sent.
	const where = [flags.failuresCsv, flags.dryRun ? undefined : flags.resultsCsv]
		.filter((f) => f !== undefined)
		.join(" and ");
	const rows = count === 1 ? "1 invalid row" : `${count} invalid rows`;
	if (when === "after")
		return `${rows} ${count === 1 ? "was" : "were"} left out (--skip-invalid), so not every record was imported (exit 1)${where === "" ? "" : `; listed in ${where}`}.`;
	// Said before the files are written: where they will be.
	return `${rows} ${count === 1 ? "is" : "are"} left out (--skip-invalid); ${count === 1 ? "its" : "their"} contacts and onboardings are blocked${where === "" ? "" : `; to be listed in ${where}`}.`;
}
