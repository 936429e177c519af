import { statSync } from "node:fs";
import { dirname } from "node:path";
import { startImportRun } from "../app/apply-import.js";
import { connectKeys } from "../app/connect-keys.js";
import { baseUrlOf } from "../app/connection.js";
import { keysFromEnv } from "../app/env-keys.js";
import { importDecision } from "../app/import-decision.js";
import { openImport } from "../app/open-import.js";
import { type GuardedFile, type OutputFile, refuseClobber, stateFiles } from "../app/output-paths.js";
import { type PlanImportOptions, planImport } from "../app/plan-import.js";
import { defaultCheckpointPath } from "../core/engine.js";
import { unreachable } from "../core/events.js";
import { EXIT } from "../core/exit-codes.js";
import type { PlannedDelete } from "../core/plan/missing-records.js";
import type { Operation } from "../core/plan/planner.js";
import type { KeyLane, SourceFiles } from "../core/run-types.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { PASSES, type SourceRecord } from "../model/records.js";
import { escapeControls } from "../model/terminal-text.js";
import type { RunReport } from "../report/run-report.js";
import { hostOf } from "../report/run-report.js";
import { envKeysFrom } from "../ui/model/key-choices.js";
import { driveHeadless, finishHeadless, isPersonAtTerminal } from "./headless-run.js";
import { confirmImport, handToWizard, type ImportFace, sayFormats, skippedSentence } from "./import-face.js";
import { checkPlanOutputs } from "./plan-out.js";
import type { RunFlags } from "./run-flags.js";
import { withImportState } from "./state-location.js";
import { type SyncFlagValues, syncRulesFrom } from "./sync-flags.js";
import { optionsWizardLacks } from "./wizard-options.js";

export { DEFAULT_BASE_URL } from "../app/connection.js";

export interface ImportFlags extends SyncFlagValues, RunFlags {
	readonly contacts?: string | undefined;
	readonly onboardings?: string | undefined;
	readonly dryRun: boolean;
	readonly fresh: boolean;
	readonly retryFailed: boolean;
	readonly failuresCsv?: string | undefined;
	/** Every source row with its outcome, Pivotal id and display_id. */
	readonly resultsCsv?: string | undefined;
	/** Create records again that were deleted in Pivotal since the last sync. */
	readonly recreate: boolean;
	/** `--map FILE`: how the files' columns and values become ours. */
	readonly map?: string | undefined;
	/** `--encoding NAME`: code page of files without a BOM. */
	readonly encoding?: string | undefined;
	/** `--delimiter C`: forced instead of detected. */
	readonly delimiter?: string | undefined;
	/** `--plan-out FILE` (with `--dry-run`): save the plan for `apply`. */
	readonly planOut?: string | undefined;
	/** `--detailed-exitcode` (with `--dry-run`): exit 5 when the plan has changes. */
	readonly detailedExitcode?: boolean | undefined;
	/** `--summary-md FILE`: a Markdown summary when the run ends (main writes it). */
	readonly summaryMd?: string | undefined;
	/** `--skip-invalid`: import the valid rows, list the invalid ones, block their children. */
	readonly skipInvalid?: boolean | undefined;
}

export interface CommandIo {
	readonly stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
	readonly stderr: { write(text: string): unknown };
	readonly env: NodeJS.ProcessEnv;
	readonly stdinIsTty: boolean;
	/** Filled in for the reports written when the command ends (Markdown summary, notification). */
	readonly report?: RunReport | undefined;
	/** Aborted by an interrupt before the run began: the command must not start sending. */
	readonly signal?: AbortSignal | undefined;
}

/**
 * `pivotal-tui import CUSTOMERS.csv [...]`: the flags become the application layer's options
 * (open, plan, apply: `src/app/`); `importDecision` says what the run does; this file only says
 * it (lines, NDJSON) or hands it to the wizard.
 */
export async function runImportCommand(
	customers: string,
	flags: ImportFlags,
	io: CommandIo,
): Promise<number> {
	// A database state is connected and locked before anything is planned: a second run is refused before it reads.
	return withImportState(customers, flags, io, (given, pg) => importWith(customers, given, io, pg));
}

function isFolder(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}

async function importWith(
	customers: string,
	flags: ImportFlags,
	io: CommandIo,
	pg?: PostgresState,
): Promise<number> {
	const files: SourceFiles = { customers, contacts: flags.contacts, onboardings: flags.onboardings };
	const refuse = (message: string, code: number = EXIT.usage) => {
		io.stderr.write(`${message}\n`);
		return code;
	};
	// The state is written too: a --checkpoint naming an input (a mistyped path) is refused, where
	// --fresh set the export aside and wrote the state in its place (adversarial finding U7).
	const clobber =
		(flags.checkpoint === undefined || pg !== undefined
			? undefined
			: refuseClobber([{ flag: "--checkpoint", path: flags.checkpoint }], inputsOf(files, flags.map))) ??
		refuseClobber(outputsOf(flags), [
			...inputsOf(files, flags.map),
			...stateFiles(flags.checkpoint ?? defaultCheckpointPath(customers)),
		]);
	if (clobber) return refuse(clobber);
	const ruled = syncRulesFrom(flags);
	if (!ruled.ok) return refuse(ruled.message);
	const checkpointPath = pg?.where ?? flags.checkpoint ?? defaultCheckpointPath(customers);
	// A folder that is not there is no state to resume, and no run could ever write one: said
	// before anything is sent, where a run stopped at its first write (exit 3: finding U11).
	const stateFolder = dirname(checkpointPath);
	if (pg === undefined && !isFolder(stateFolder))
		return refuse(
			`The folder ${escapeControls(stateFolder)} of the checkpoint ${escapeControls(checkpointPath)} does not exist; nothing was sent: create it, or name another path with --checkpoint.`,
		);
	const outputsProblem = checkPlanOutputs(files, flags, checkpointPath, io.env);
	if (outputsProblem) return refuse(outputsProblem);
	const baseUrl = baseUrlOf(flags.baseUrl, io.env);
	const keyVariables = flags.keyEnv ?? [];
	const envKeys = keysFromEnv(keyVariables, io.env);
	// What is set, for the estimate, even when the keys are refused below.
	const keys = envKeys.ok
		? envKeys.value
		: envKeysFrom(io.env, keyVariables.length > 0 ? keyVariables : undefined);
	// Only an override: without it the engine learns the window from the server's headers.
	const windowMs = flags.window === undefined ? undefined : flags.window * 1000;
	// Given to openImport as well: the files are planned in the read that validates them.
	const planOptions: PlanImportOptions = {
		rules: ruled.rules,
		retryFailed: flags.retryFailed,
		recreate: flags.recreate,
		keys: keys.map((k) => k.secret),
		windowMs,
		concurrency: flags.concurrency,
		isPlanOnly: flags.dryRun,
		...(flags.json && flags.dryRun ? await ndjsonPlanLines(io) : {}),
	};
	const opened = await openImport({
		files,
		map: flags.map,
		encoding: flags.encoding,
		delimiter: flags.delimiter,
		statePath: checkpointPath,
		database: pg,
		baseUrl,
		fresh: flags.fresh,
		skipInvalid: flags.skipInvalid,
		// A dry run sends nothing: it may plan against a state of another server.
		checkServer: !flags.dryRun,
		onSkipped: ({ lines, rows }) => {
			// Listed before the plan, each with file:line:col and what to do; left out of every read below.
			for (const line of lines) io.stderr.write(`${line}\n`);
			io.stderr.write(`${skippedSentence(rows.length, flags)}\n`);
		},
		plan: planOptions,
	});
	if (!opened.ok) return refuse(opened.message, opened.code);
	const setAside = opened.value.setAsideInDoubt ?? 0;
	if (setAside > 0) io.stderr.write(`${setAsideInDoubtNote(setAside)}\n`);
	const planned = await planImport(opened.value, planOptions);
	const isTerminal = isPersonAtTerminal(io, flags.json);
	const lacking = optionsWizardLacks(flags);
	const decision = importDecision({
		isPlanRefused: planned.plan.refusal !== undefined,
		isDryRun: flags.dryRun,
		areKeysSound: envKeys.ok,
		areKeysNamed: keyVariables.length > 0,
		isTerminal,
		isHeadless: flags.headless,
		isDatabaseState: pg !== undefined,
		hasOptionsWizardLacks: lacking.length > 0,
		isConfirmed: flags.yes,
		hasState: opened.value.hasState,
		isFresh: flags.fresh,
	});
	const face: ImportFace = { flags, io, opened: opened.value, planned, keys };
	switch (decision.kind) {
		case "refuse-plan":
			return (await import("./dry-run-face.js")).refusePlan(face);
		case "refuse-keys":
			return envKeys.ok ? EXIT.usage : refuse(envKeys.message, envKeys.code);
		case "dry-run":
			return (await import("./dry-run-face.js")).dryRun(face);
		case "wizard":
			return handToWizard(face, windowMs);
		case "confirm":
			if (!flags.headless && pg === undefined && lacking.length > 0)
				io.stdout.write(
					`The terminal UI does not take ${lacking.join(", ")}: this run is shown and asked for here, as with --headless.\n`,
				);
			if (!(await confirmImport(face, decision.isResume))) return EXIT.usage;
			return runHeadless(face, windowMs);
		case "run":
			return runHeadless(face, windowMs);
		default:
			return unreachable(decision);
	}
}

/**
 * `--fresh` over a state with creates Pivotal may hold: the new state does not know them, so a
 * record not found by its identity is made a second time (adversarial finding AF5).
 */
export function setAsideInDoubtNote(count: number): string {
	const one = count === 1;
	return `Note: the state --fresh sets aside holds ${count} ${one ? "create" : "creates"} Pivotal may have made (sent with no answer, or said landed and not found since). This run does not know ${one ? "it" : "them"}: one it does not find by its external id or e-mail is made a second time, and undo cannot take back what the set-aside state holds. Without --fresh, the import looks ${one ? "it" : "them"} up first.`;
}

/** `--json --dry-run`: every record's operation as an NDJSON line, as it is planned. */
async function ndjsonPlanLines(io: CommandIo) {
	const { deleteLine, operationLine } = await import("../report/plan-ndjson.js");
	return {
		onOperation: (record: SourceRecord, op: Operation) =>
			io.stdout.write(`${JSON.stringify(operationLine(record, op))}\n`),
		onDelete: (planned: PlannedDelete) => io.stdout.write(`${JSON.stringify(deleteLine(planned))}\n`),
	};
}

/** Keys connected, the run started on them and driven to its end with progress lines or NDJSON. */
async function runHeadless(face: ImportFace, windowMs: number | undefined): Promise<number> {
	const { flags, io, opened, planned, keys } = face;
	const lanes = await connectKeys(keys, {
		baseUrl: opened.baseUrl,
		env: io.env,
		warn: (text) => io.stderr.write(`${text}\n`),
	});
	if (!lanes.ok) {
		io.stderr.write(`${lanes.message}\n`);
		return lanes.code;
	}
	const [first] = lanes.value as [KeyLane, ...KeyLane[]];
	if (io.report) {
		// The notify and summary name where the run went, as a dry run's do.
		io.report.host = hostOf(opened.baseUrl) ?? "";
		const workspace = first.me?.organization.name ?? opened.state?.header.workspace?.name;
		if (workspace) io.report.workspace = workspace;
	}
	if (io.signal?.aborted) return EXIT.interrupted;
	sayFormats(face);
	const run = startImportRun(opened, planned, lanes.value, {
		windowMs,
		...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
	});
	const driven = await driveHeadless(run, lanes.value, io, flags);
	if ("code" in driven) return driven.code;
	if (io.report && !io.report.workspace && run.workspace) io.report.workspace = run.workspace.name;
	const code = await finishHeadless(run, driven, io, {
		read: opened,
		failuresCsv: flags.failuresCsv,
		resultsCsv: flags.resultsCsv,
		withSession: true,
		withNotes: true,
	});
	if (opened.invalid.length > 0 && code === EXIT.ok) {
		// Rows left out are records not imported: the run is not all done.
		io.stderr.write(`${skippedSentence(opened.invalid.length, flags, "after")}\n`);
		return EXIT.someFailed;
	}
	return code;
}

/** The files this command writes besides the state. */
function outputsOf(flags: ImportFlags): OutputFile[] {
	return [
		...(flags.failuresCsv ? [{ flag: "--failures-csv", path: flags.failuresCsv }] : []),
		...(flags.resultsCsv ? [{ flag: "--results-csv", path: flags.resultsCsv }] : []),
	];
}

/** The files an import reads: no output may replace them. */
export function inputsOf(files: SourceFiles, map: string | undefined): GuardedFile[] {
	return [
		...PASSES.flatMap((pass) => {
			const file = files[pass];
			// A workbook's sheet (`book.xlsx#Sheet`) is the workbook's file.
			return file ? [{ what: `the ${pass} file`, path: file.replace(/(\.xlsx)#[^/\\]*$/i, "$1") }] : [];
		}),
		...(map ? [{ what: "the map", path: map }] : []),
	];
}
