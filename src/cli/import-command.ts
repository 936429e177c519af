import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { createClient } from "../api/client.js";
import { clientLimitsFromEnv } from "../api/client-limits.js";
import { maskKey } from "../api/key.js";
import { CheckpointError, readCheckpoint } from "../core/checkpoint/index.js";
import { defaultCheckpointPath, defaultConcurrency, startImport } from "../core/engine.js";
import { estimateDurationMs } from "../core/estimate.js";
import { EXIT, exitCodeFor } from "../core/exit-codes.js";
import { otherServer } from "../core/open-state.js";
import { checkAndPlan } from "../core/plan/check-and-plan.js";
import { makePlan } from "../core/plan/make-plan.js";
import type { PlannedDelete } from "../core/plan/missing-records.js";
import type { Operation } from "../core/plan/planner.js";
import type { KeyLane, SourceFiles } from "../core/run-types.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { PASSES, type PassName, type SourceRecord } from "../model/records.js";
import { writeFailuresCsv } from "../report/failures-csv.js";
import { type FirstRow, firstRowsText } from "../report/first-rows.js";
import { formatDuration } from "../report/format.js";
import { summaryText } from "../report/headless.js";
import { deleteLine, operationLine } from "../report/plan-ndjson.js";
import { planText } from "../report/plan-text.js";
import { writeResultsCsv } from "../report/results-csv.js";
import type { RunReport } from "../report/run-report.js";
import { hostOf } from "../report/run-report.js";
import {
	defaultMapPath,
	describeFormat,
	formatProblem,
	type InvalidRow,
	loadMap,
	readRecords,
	readSettings,
	type SourceOptions,
	skipInvalid,
	validateSources,
} from "../source/index.js";
import { envKeysFrom } from "../ui/model/key-choices.js";
import { keyLanes, keysFromEnv } from "./command-keys.js";
import { driveHeadless, stopSentence } from "./headless-run.js";
import { type GuardedFile, type OutputFile, refuseClobber, stateFiles } from "./output-paths.js";
import { checkPlanOutputs, savePlan } from "./plan-out.js";
import { stateFlagProblem, stateLocation, withPostgresState } from "./state-location.js";
import { type SyncFlagValues, syncRulesFrom } from "./sync-flags.js";

export const DEFAULT_BASE_URL = "https://my.pivotal.app/api/v1";

export interface ImportFlags extends SyncFlagValues {
	readonly contacts?: string | undefined;
	readonly onboardings?: string | undefined;
	readonly baseUrl?: string | undefined;
	readonly concurrency?: number | undefined;
	readonly checkpoint?: string | undefined;
	/** `--state LOC`: a checkpoint file, or a `postgres://` URL (env `PIVOTAL_STATE_URL`). */
	readonly state?: string | undefined;
	/** `--name NAME`: the import's name in a database. @default the customers file's base name */
	readonly name?: string | undefined;
	/** `--lock-timeout SECONDS`: wait this long for another run of the import. @default 0 */
	readonly lockTimeout?: number | undefined;
	readonly headless: boolean;
	readonly json: boolean;
	readonly dryRun: boolean;
	readonly yes: boolean;
	readonly fresh: boolean;
	readonly retryFailed: boolean;
	readonly failuresCsv?: string | undefined;
	/** Every source row with its outcome, Pivotal id and display_id. */
	readonly resultsCsv?: string | undefined;
	/** Create records again that were deleted in Pivotal since the last sync. */
	readonly recreate: boolean;
	/** Variables holding the keys, one per key (all of one workspace). @default ["PIVOTAL_API_KEY"] */
	readonly keyEnv?: readonly string[] | undefined;
	readonly verbose: boolean;
	/** Rate-limit window of the server in seconds (Pivotal: 60; a simulator may differ). */
	readonly window?: number | undefined;
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

/** At most this many problems are listed; the rest are counted. */
const SHOWN_PROBLEMS = 20;

/** `pivotal-tui import CUSTOMERS.csv [...]`: validate everything, then run headless. */
export async function runImportCommand(
	customers: string,
	flags: ImportFlags,
	io: CommandIo,
): Promise<number> {
	const problem = stateFlagProblem(flags);
	if (problem) {
		io.stderr.write(`${problem}\n`);
		return EXIT.usage;
	}
	const location = stateLocation(flags, io.env, customers, defaultCheckpointPath(customers));
	if (location.kind === "file") return importWith(customers, { ...flags, checkpoint: location.path }, io);
	// Connected and locked before anything is planned: a second run is refused before it reads.
	return withPostgresState(location, flags, io.stderr, (pg) => importWith(customers, flags, io, pg));
}

async function importWith(
	customers: string,
	flags: ImportFlags,
	io: CommandIo,
	pg?: PostgresState,
): Promise<number> {
	const files: SourceFiles = { customers, contacts: flags.contacts, onboardings: flags.onboardings };
	const say = (text: string) => (flags.json ? io.stderr : io.stdout).write(`${text}\n`);
	const clobber = refuseClobber(outputsOf(flags), [
		...inputsOf(files, flags.map),
		...stateFiles(flags.checkpoint ?? defaultCheckpointPath(customers)),
	]);
	if (clobber) {
		io.stderr.write(`${clobber}\n`);
		return EXIT.usage;
	}

	const ruled = syncRulesFrom(flags);
	if (!ruled.ok) {
		io.stderr.write(`${ruled.message}\n`);
		return EXIT.usage;
	}
	const { rules } = ruled;
	const checkpointPath = pg?.where ?? flags.checkpoint ?? defaultCheckpointPath(customers);
	const outputsProblem = checkPlanOutputs(files, flags, checkpointPath, io.env);
	if (outputsProblem) {
		io.stderr.write(`${outputsProblem}\n`);
		return EXIT.usage;
	}
	const given = await sourceOptions(flags, io);
	if (given === undefined) return EXIT.usage;
	// The state is read first so that the files are checked and planned in one read; a state
	// that cannot be read is reported after the input's problems, as before.
	let state: Awaited<ReturnType<typeof readCheckpoint>>;
	let stateError: CheckpointError | undefined;
	try {
		state = flags.fresh ? undefined : pg ? await pg.read() : await readCheckpoint(checkpointPath);
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		stateError = error;
	}
	const planOptions = {
		files,
		state,
		retryFailed: flags.retryFailed,
		recreate: flags.recreate,
		rules,
		...(flags.json && flags.dryRun
			? {
					onOperation: (record: SourceRecord, op: Operation) =>
						io.stdout.write(`${JSON.stringify(operationLine(record, op))}\n`),
					onDelete: (planned: PlannedDelete) => io.stdout.write(`${JSON.stringify(deleteLine(planned))}\n`),
				}
			: {}),
	};
	const checked = stateError
		? { check: await validateSources(files, given), plan: undefined }
		: await checkAndPlan({ ...planOptions, source: given });
	const { check } = checked;
	const skip = flags.skipInvalid === true && check.problemCount > 0 ? skipInvalid(check) : undefined;
	let source: SourceOptions = given;
	let invalid: readonly InvalidRow[] = [];
	if (skip?.ok === true) {
		// Listed before the plan, each with file:line:col and what to do; left out of every read below.
		for (const problem of check.problems.slice(0, SHOWN_PROBLEMS))
			io.stderr.write(`${formatProblem(problem)}\n`);
		const more = check.problemCount - Math.min(SHOWN_PROBLEMS, check.problems.length);
		if (more > 0) io.stderr.write(`…and ${more} more problem${more === 1 ? "" : "s"}.\n`);
		io.stderr.write(`${skippedSentence(skip.rows.length, flags)}\n`);
		source = { ...given, skipLines: skip.skipLines };
		invalid = skip.rows;
	} else if (check.problemCount > 0) {
		for (const problem of check.problems.slice(0, SHOWN_PROBLEMS))
			io.stderr.write(`${formatProblem(problem)}\n`);
		const more = check.problemCount - Math.min(SHOWN_PROBLEMS, check.problems.length);
		if (more > 0) io.stderr.write(`…and ${more} more problem${more === 1 ? "" : "s"}.\n`);
		const saved = defaultMapPath(customers);
		if (flags.map === undefined && (await exists(saved))) {
			io.stderr.write(
				`A map the wizard saved is beside the customers file: add --map ${saved} to read the files through it.\n`,
			);
		}
		// --skip-invalid is offered only where it would help: problems in rows, not in the files themselves.
		io.stderr.write(
			flags.skipInvalid === true
				? "Nothing was sent: --skip-invalid leaves out invalid rows, but these problems are with the files themselves (header, map or encoding); fix them and run the command again.\n"
				: check.fileProblemCount > 0
					? "Nothing was sent: fix the input and run the command again.\n"
					: "Nothing was sent: fix the input and run the command again (or add --skip-invalid to import the valid rows and list the others).\n",
		);
		return EXIT.usage;
	}
	if (stateError) {
		io.stderr.write(`${stateError.message}\n`);
		return EXIT.usage;
	}
	const runServer = flags.baseUrl ?? io.env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL;
	// Refused before the key is shown to another server (the engine checks again on open).
	const server = state && !flags.dryRun ? otherServer(state.header, runServer, checkpointPath) : undefined;
	if (server) {
		io.stderr.write(`${server}\n`);
		return EXIT.usage;
	}
	// Planned in the validation read when every row passed; else (--skip-invalid) from a read that leaves the invalid rows out.
	const plan = checked.plan ?? (await makePlan({ ...planOptions, source }, check.known));
	const requests = plan.requests;
	const keyVariables = flags.keyEnv ?? [];
	const envKeys = keysFromEnv(keyVariables, io.env);
	// What is set, for the estimate, even when the keys are refused below.
	const keys = envKeys.ok
		? envKeys.value
		: envKeysFrom(io.env, keyVariables.length > 0 ? keyVariables : undefined);
	const limitGuess =
		keys.length === 0 ? 60 : keys.reduce((n, k) => n + (k.secret.startsWith("pivotal_test_") ? 30 : 60), 0);
	// Only an override: without it the engine learns the window from the server's headers.
	const windowMs = flags.window === undefined ? undefined : flags.window * 1000;
	const told = windowMs === undefined ? {} : { windowMs };
	const estimate = estimateDurationMs({
		requests,
		limit: limitGuess,
		...told,
		concurrency: flags.concurrency ?? defaultConcurrency(limitGuess),
	});
	const limitSource =
		keys.length === 0
			? "a live key's default limit"
			: keys.length === 1
				? "this key's default limit"
				: `${keys.length} keys' default limits`;
	const planLine = `${PASSES.map((p) => `${check.counts[p]} ${p}`).join(", ")}: ${requests} requests, about ${formatDuration(estimate)} at ${limitGuess}/min (${limitSource}).`;

	// How each file is read, said once the run is sure to go ahead (a refusal prints only its sentence).
	const sayFormats = () => {
		// NDJSON readers get the formats in the dry run's line; a run says nothing beside its events.
		if (flags.json) return;
		for (const pass of PASSES) {
			const format = check.formats[pass];
			if (format !== undefined) say(`${pass} ${files[pass]}: ${describeFormat(format)}`);
		}
	};
	// More deletes than --max-deletes allows: refused before anything is sent, the plan shown first.
	if (plan.refusal !== undefined) {
		if (!flags.json) io.stdout.write(planText(plan));
		else
			io.stdout.write(
				`${JSON.stringify({ type: "refused", message: plan.refusal, rules, passes: plan.passes })}\n`,
			);
		io.stderr.write(`${plan.refusal}\n`);
		return EXIT.usage;
	}
	if (flags.dryRun) {
		// A dry run needs no key, but keys it was told of must be sound.
		if (!envKeys.ok && keyVariables.length > 0) {
			io.stderr.write(`${envKeys.message}\n`);
			return envKeys.code;
		}
		sayFormats();
		// The invalid rows a dry run leaves out are listed where the sentence above said they are.
		if (flags.failuresCsv && invalid.length > 0)
			await writeFailuresCsv(flags.failuresCsv, files, () => undefined, source, invalid);
		if (!flags.json) io.stdout.write(planText(plan));
		if (flags.verbose && !flags.json) io.stdout.write(await firstRowsLines(files, source, check.counts));
		say(
			`Dry run: ${invalid.length === 0 ? "every row is valid" : `${invalid.length} invalid row${invalid.length === 1 ? " is" : "s are"} left out (--skip-invalid)`}. ${planLine} Nothing was sent.`,
		);
		if (flags.json)
			io.stdout.write(
				`${JSON.stringify({ type: "dry-run", counts: check.counts, requests, rules, estimateMs: estimate, formats: check.formats, passes: plan.passes })}\n`,
			);
		return savePlan({
			flags,
			files,
			check,
			state,
			checkpointPath,
			...(pg ? { stateName: pg.name } : {}),
			plan,
			rules,
			source,
			io,
			keys,
			say,
			baseUrl: flags.baseUrl ?? io.env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL,
		});
	}
	const baseUrl = flags.baseUrl ?? io.env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL;

	const isInteractive = io.stdinIsTty && "isTTY" in io.stdout && io.stdout.isTTY === true && !flags.json;
	// The wizard knows checkpoint files only: a database state runs headless.
	if (isInteractive && !flags.headless && !pg) {
		// A person at a terminal gets the dashboard: the wizard starts at the key step with these files.
		const { runInteractive } = await import("./interactive.js");
		return runInteractive({
			baseUrl,
			...told,
			// The wizard offers these variables' keys, ticked when there are several, and asks when none is set.
			env: io.env,
			keyVariables: keyVariables.length > 0 ? keyVariables : undefined,
			folder: dirname(resolve(customers)),
			prefill: {
				isFixed: true,
				customers: resolve(customers),
				...(flags.contacts ? { contacts: resolve(flags.contacts) } : {}),
				...(flags.onboardings ? { onboardings: resolve(flags.onboardings) } : {}),
				fresh: flags.fresh,
				checkpointPath: resolve(checkpointPath),
				source,
				...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
			},
		});
	}
	if (!envKeys.ok) {
		io.stderr.write(`${envKeys.message}\n`);
		return envKeys.code;
	}
	if (isInteractive && !flags.yes) {
		const resuming = pg ? state !== undefined : await exists(checkpointPath);
		const prompt = createInterface({ input: process.stdin, output: process.stdout });
		const answer = await prompt.question(
			`${planLine}\n${resuming && !flags.fresh ? `Resume from ${checkpointPath}` : "Start"} importing into ${new URL(baseUrl).host} with ${keys.map((k) => maskKey(k.secret)).join(", ")}? [y/N] `,
		);
		prompt.close();
		if (!/^y(es)?$/i.test(answer.trim())) {
			say("Nothing was sent.");
			return EXIT.usage;
		}
	}

	const lanes = await keyLanes(keys, (apiKey) =>
		createClient({ baseUrl, apiKey, ...clientLimitsFromEnv(io.env) }),
	);
	if (!lanes.ok) {
		io.stderr.write(`${lanes.message}\n`);
		return lanes.code;
	}
	const [first] = lanes.value as [KeyLane, ...KeyLane[]];
	if (io.report) {
		// The notify and summary name where the run went, as a dry run's do.
		io.report.host = hostOf(baseUrl) ?? "";
		const workspace = first.me?.organization.name ?? state?.header.workspace?.name;
		if (workspace) io.report.workspace = workspace;
	}
	if (io.signal?.aborted) return EXIT.interrupted;
	sayFormats();
	const run = startImport(
		{
			files,
			checkpointPath,
			keyFingerprint: first.fingerprint,
			keyFingerprints: lanes.value.map((lane) => lane.fingerprint),
			baseUrl,
			fresh: flags.fresh,
			retryFailed: flags.retryFailed,
			recreate: flags.recreate,
			rules,
			...told,
			check,
			source,
			...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
		},
		{ client: first.client, keys: lanes.value, ...(pg ? { openState: pg.open } : {}) },
	);
	const driven = await driveHeadless(run, lanes.value, io, flags);
	if ("code" in driven) return driven.code;
	const { summary, ndjson, session } = driven;
	if (io.report) Object.assign(io.report, { summary, failures: run.failures() });
	if (io.report && !io.report.workspace && run.workspace) io.report.workspace = run.workspace.name;

	let failuresCsv: string | undefined;
	if (flags.failuresCsv) {
		await writeFailuresCsv(flags.failuresCsv, files, (pass, key) => run.state(pass, key), source, invalid);
		failuresCsv = flags.failuresCsv;
	}
	await run.close();
	let resultsCsv: string | undefined;
	if (flags.resultsCsv) {
		const notes = new Map(run.failures().map((f) => [`${f.pass}:${f.key}`, f]));
		await writeResultsCsv(
			flags.resultsCsv,
			files,
			(pass, key) => run.state(pass, key),
			summary.run,
			source,
			(pass, key) => notes.get(`${pass}:${key}`),
			invalid,
		);
		resultsCsv = flags.resultsCsv;
	}
	if (ndjson)
		ndjson.summary(summary, {
			...(failuresCsv ? { failuresCsv } : {}),
			...(resultsCsv ? { resultsCsv } : {}),
		});
	else io.stdout.write(summaryText(summary, { failuresCsv, resultsCsv, session, notes: run.failures() }));
	const stopped = stopSentence(summary);
	if (stopped) io.stderr.write(`${stopped}\n`);
	const code = exitCodeFor(summary);
	if (invalid.length > 0 && code === EXIT.ok) {
		// Rows left out are records not imported: the run is not all done.
		io.stderr.write(`${skippedSentence(invalid.length, flags)}\n`);
		return EXIT.someFailed;
	}
	return code;
}

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

const FIRST_ROWS = 3;

function skippedSentence(count: number, flags: ImportFlags): string {
	// A dry run writes the failures CSV (the invalid rows) but no results CSV: nothing was sent.
	const where = [flags.failuresCsv, flags.dryRun ? undefined : flags.resultsCsv]
		.filter((f) => f !== undefined)
		.join(" and ");
	return `${count} invalid row${count === 1 ? " was" : "s were"} left out (--skip-invalid); their contacts and onboardings are blocked${where === "" ? "" : `; listed in ${where}`}.`;
}

/**
 * `--map`, `--encoding` and `--delimiter`, checked before any file is read: each mistake is
 * reported (one sentence, the map file's line where it has one) and undefined returned.
 */
async function sourceOptions(flags: ImportFlags, io: CommandIo): Promise<SourceOptions | undefined> {
	const settings = readSettings({ encoding: flags.encoding, delimiter: flags.delimiter });
	if (typeof settings === "string") {
		io.stderr.write(`${settings}\nNothing was sent.\n`);
		return undefined;
	}
	if (flags.map === undefined) return { encoding: flags.encoding, delimiter: flags.delimiter };
	const loaded = await loadMap(flags.map);
	if (!loaded.ok) {
		for (const problem of loaded.problems.slice(0, SHOWN_PROBLEMS))
			io.stderr.write(`${formatProblem(problem)}\n`);
		io.stderr.write("Nothing was sent: fix the map file and run the command again.\n");
		return undefined;
	}
	return { map: loaded.map, encoding: flags.encoding, delimiter: flags.delimiter };
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

async function exists(path: string): Promise<boolean> {
	try {
		await access(path);
		return true;
	} catch {
		return false;
	}
}
