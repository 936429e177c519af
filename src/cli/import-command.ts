import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { createClient } from "../api/client.js";
import { maskKey } from "../api/key.js";
import { CheckpointError, readCheckpoint } from "../core/checkpoint/index.js";
import { defaultCheckpointPath, defaultConcurrency, startImport } from "../core/engine.js";
import { estimateDurationMs } from "../core/estimate.js";
import { EXIT, exitCodeFor } from "../core/exit-codes.js";
import { makePlan } from "../core/plan/make-plan.js";
import type { KeyLane, SourceFiles } from "../core/run-types.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { PASSES } from "../model/records.js";
import { writeFailuresCsv } from "../report/failures-csv.js";
import { formatDuration } from "../report/format.js";
import { summaryText } from "../report/headless.js";
import { operationLine } from "../report/plan-ndjson.js";
import { planText } from "../report/plan-text.js";
import { writeResultsCsv } from "../report/results-csv.js";
import {
	defaultMapPath,
	describeFormat,
	formatProblem,
	loadMap,
	readSettings,
	type SourceOptions,
	validateSources,
} from "../source/index.js";
import { envKeysFrom } from "../ui/model/key-choices.js";
import { keyLanes, keysFromEnv } from "./command-keys.js";
import { driveHeadless, stopSentence } from "./headless-run.js";
import { stateFlagProblem, stateLocation, withPostgresState } from "./state-location.js";

export const DEFAULT_BASE_URL = "https://my.pivotal.app/api/v1";

export interface ImportFlags {
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
}

export interface CommandIo {
	readonly stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
	readonly stderr: { write(text: string): unknown };
	readonly env: NodeJS.ProcessEnv;
	readonly stdinIsTty: boolean;
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

	const source = await sourceOptions(flags, io);
	if (source === undefined) return EXIT.usage;
	const check = await validateSources(files, source);
	if (check.problemCount > 0) {
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
		io.stderr.write(`Nothing was sent: fix the input and run the command again.\n`);
		return EXIT.usage;
	}
	const checkpointPath = pg?.where ?? flags.checkpoint ?? defaultCheckpointPath(customers);
	let state: Awaited<ReturnType<typeof readCheckpoint>>;
	try {
		state = flags.fresh ? undefined : pg ? await pg.read() : await readCheckpoint(checkpointPath);
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		io.stderr.write(`${error.message}\n`);
		return EXIT.usage;
	}
	const plan = await makePlan({
		files,
		source,
		state,
		retryFailed: flags.retryFailed,
		recreate: flags.recreate,
		...(flags.json && flags.dryRun
			? {
					onOperation: (record, op) => io.stdout.write(`${JSON.stringify(operationLine(record, op))}\n`),
				}
			: {}),
	});
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
	if (flags.dryRun) {
		// A dry run needs no key, but keys it was told of must be sound.
		if (!envKeys.ok && keyVariables.length > 0) {
			io.stderr.write(`${envKeys.message}\n`);
			return envKeys.code;
		}
		sayFormats();
		if (!flags.json) io.stdout.write(planText(plan));
		say(`Dry run: every row is valid. ${planLine} Nothing was sent.`);
		if (flags.json)
			io.stdout.write(
				`${JSON.stringify({ type: "dry-run", counts: check.counts, requests, estimateMs: estimate, formats: check.formats, passes: plan.passes })}\n`,
			);
		return EXIT.ok;
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

	const lanes = await keyLanes(keys, (apiKey) => createClient({ baseUrl, apiKey }));
	if (!lanes.ok) {
		io.stderr.write(`${lanes.message}\n`);
		return lanes.code;
	}
	const [first] = lanes.value as [KeyLane, ...KeyLane[]];
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
			...told,
			check,
			source,
			...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
		},
		{ client: first.client, keys: lanes.value, ...(pg ? { openState: pg.open } : {}) },
	);
	const driven = await driveHeadless(run, lanes.value, io, flags);
	if ("code" in driven) return driven.code;
	const { summary, ndjson } = driven;

	let failuresCsv: string | undefined;
	if (flags.failuresCsv) {
		await writeFailuresCsv(flags.failuresCsv, files, (pass, key) => run.state(pass, key), source);
		failuresCsv = flags.failuresCsv;
	}
	await run.close();
	let resultsCsv: string | undefined;
	if (flags.resultsCsv) {
		await writeResultsCsv(flags.resultsCsv, files, (pass, key) => run.state(pass, key), summary.run, source);
		resultsCsv = flags.resultsCsv;
	}
	if (ndjson)
		ndjson.summary(summary, {
			...(failuresCsv ? { failuresCsv } : {}),
			...(resultsCsv ? { resultsCsv } : {}),
		});
	else io.stdout.write(summaryText(summary, { failuresCsv, resultsCsv }));
	const stopped = stopSentence(summary);
	if (stopped) io.stderr.write(`${stopped}\n`);
	return exitCodeFor(summary);
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

async function exists(path: string): Promise<boolean> {
	try {
		await access(path);
		return true;
	} catch {
		return false;
	}
}
