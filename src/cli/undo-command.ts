import { createInterface } from "node:readline/promises";
import { createClient } from "../api/client.js";
import { clientLimitsFromEnv } from "../api/client-limits.js";
import { maskKey } from "../api/key.js";
import { keyLanes, keysFromEnv } from "../app/env-keys.js";
import { CheckpointError, readCheckpoint } from "../core/checkpoint/index.js";
import { defaultCheckpointPath } from "../core/engine.js";
import { EXIT, exitCodeFor } from "../core/exit-codes.js";
import { interruptedRun, otherServer } from "../core/open-state.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { planUndo } from "../core/undo/undo-plan.js";
import { startUndo } from "../core/undo/undo-run.js";
import { PASSES } from "../model/records.js";
import { summaryText } from "../report/headless.js";
import { undoPlanText } from "../report/undo-text.js";
import { driveHeadless, stopSentence } from "./headless-run.js";
import { type CommandIo, DEFAULT_BASE_URL } from "./import-command.js";
import { stateFlagProblem, stateLocation, withPostgresState } from "./state-location.js";

export interface UndoFlags {
	readonly checkpoint?: string | undefined;
	readonly state?: string | undefined;
	readonly name?: string | undefined;
	readonly lockTimeout?: number | undefined;
	readonly all: boolean;
	readonly dryRun: boolean;
	readonly headless: boolean;
	readonly yes: boolean;
	readonly json: boolean;
	readonly verbose: boolean;
	readonly baseUrl?: string | undefined;
	readonly keyEnv?: readonly string[] | undefined;
	readonly concurrency?: number | undefined;
	readonly window?: number | undefined;
}

/** `pivotal-tui undo CUSTOMERS.csv`: plan from the state, confirm, then delete and put back. */
export async function runUndoCommand(customers: string, flags: UndoFlags, io: CommandIo): Promise<number> {
	const problem = stateFlagProblem(flags);
	if (problem) {
		io.stderr.write(`${problem}\n`);
		return EXIT.usage;
	}
	const location = stateLocation(flags, io.env, customers, defaultCheckpointPath(customers));
	if (location.kind === "file") return undoWith(customers, { ...flags, checkpoint: location.path }, io);
	return withPostgresState(location, flags, io.stderr, (pg) => undoWith(customers, flags, io, pg));
}

async function undoWith(
	customers: string,
	flags: UndoFlags,
	io: CommandIo,
	pg?: PostgresState,
): Promise<number> {
	const say = (text: string) => (flags.json ? io.stderr : io.stdout).write(`${text}\n`);
	const checkpointPath = pg?.where ?? flags.checkpoint ?? defaultCheckpointPath(customers);
	let state: Awaited<ReturnType<typeof readCheckpoint>>;
	try {
		state = pg ? await pg.read() : await readCheckpoint(checkpointPath);
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		io.stderr.write(`${error.message}\n`);
		return EXIT.usage;
	}
	if (!state) {
		io.stderr.write(
			pg
				? `There is no import state at ${checkpointPath}, so there is nothing to undo; give the --name the import ran under.\n`
				: `There is no import state at ${checkpointPath}, so there is nothing to undo; give the customers file the import ran with, or --checkpoint FILE.\n`,
		);
		return EXIT.usage;
	}
	const baseUrl = flags.baseUrl ?? io.env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL;
	// Another server answers 404 to every DELETE, which would read as done: refused before any request.
	const server = otherServer(state.header, baseUrl, checkpointPath);
	if (server) {
		io.stderr.write(`${server}\n`);
		return EXIT.usage;
	}
	const records = state.records;
	const interrupted = interruptedRun(state.counters);
	const plan = planUndo(
		(pass) => records[pass].entries(),
		flags.all ? { kind: "all" } : { kind: "last" },
		interrupted,
	);
	const total = PASSES.reduce(
		(n, pass) => n + plan.counts[pass].delete + plan.counts[pass].restore + (plan.counts[pass].recreate ?? 0),
		0,
	);
	if (flags.json)
		io.stdout.write(`${JSON.stringify({ type: "undo-plan", runs: plan.runs, counts: plan.counts })}\n`);
	else io.stdout.write(undoPlanText(plan, state.header.workspace?.name));
	if (total === 0) {
		say(
			interrupted !== undefined && !flags.all
				? `Nothing to undo: run ${interrupted} of this import was interrupted before it changed anything in Pivotal; run the import again to finish it, or take back every run with --all.`
				: "Nothing to undo: no run of this import created or changed a record that is still there.",
		);
		return EXIT.ok;
	}
	if (flags.dryRun) {
		say("Dry run: nothing was sent.");
		return EXIT.ok;
	}

	const envKeys = keysFromEnv(flags.keyEnv ?? [], io.env);
	if (!envKeys.ok) {
		io.stderr.write(`${envKeys.message}\n`);
		return envKeys.code;
	}
	const keys = envKeys.value;
	const isTerminal = io.stdinIsTty && "isTTY" in io.stdout && io.stdout.isTTY === true && !flags.json;
	if (!flags.yes) {
		if (!isTerminal || flags.headless) {
			io.stderr.write(
				"Undo deletes records in Pivotal: review the plan above, then run the same command with --yes.\n",
			);
			return EXIT.usage;
		}
		const isTestKey = keys.every((k) => k.secret.startsWith("pivotal_test_"));
		const workspace = state.header.workspace?.name;
		// A live workspace is named back, as GitHub asks for a repository's name before deleting it.
		const expected = !isTestKey && workspace ? workspace : "yes";
		const prompt = createInterface({ input: process.stdin, output: process.stdout });
		const answer = await prompt.question(
			`Undo with ${keys.map((k) => maskKey(k.secret)).join(", ")}? Type ${expected === "yes" ? "yes" : `the workspace name (${workspace})`} to go on: `,
		);
		prompt.close();
		if (answer.trim() !== expected) {
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
	const [first] = lanes.value;
	if (!first) return EXIT.usage;
	if (io.signal?.aborted) return EXIT.interrupted;
	const run = startUndo(
		{
			checkpointPath,
			scope: flags.all ? { kind: "all" } : { kind: "last" },
			keyFingerprint: first.fingerprint,
			baseUrl,
			...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
			...(flags.window === undefined ? {} : { windowMs: flags.window * 1000 }),
		},
		{ client: first.client, keys: lanes.value, ...(pg ? { openState: pg.open } : {}) },
	);
	const driven = await driveHeadless(run, lanes.value, io, { ...flags, noun: "undo" });
	if ("code" in driven) return driven.code;
	const { summary, ndjson, session } = driven;
	if (io.report) Object.assign(io.report, { summary, failures: run.failures() });
	await run.close();
	if (ndjson) ndjson.summary(summary);
	else io.stdout.write(summaryText(summary, { session }, "Undo"));
	const stopped = stopSentence(summary);
	if (stopped) io.stderr.write(`${stopped}\n`);
	return exitCodeFor(summary);
}
