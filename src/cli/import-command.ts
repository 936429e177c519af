import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { createClient } from "../api/client.js";
import { keyFingerprint, maskKey, validateKeyShape } from "../api/key.js";
import { defaultCheckpointPath, defaultConcurrency, InputError, startImport } from "../core/engine.js";
import { estimateDurationMs } from "../core/estimate.js";
import { EXIT, exitCodeFor } from "../core/exit-codes.js";
import { ProgressStore } from "../core/progress-store.js";
import type { ImportSummary, SourceFiles } from "../core/run-types.js";
import { PASSES } from "../model/records.js";
import { writeFailuresCsv } from "../report/failures-csv.js";
import { formatDuration } from "../report/format.js";
import { LineReporter, summaryText } from "../report/headless.js";
import { NdjsonReporter } from "../report/ndjson.js";
import { formatProblem, validateSources } from "../source/index.js";

export const DEFAULT_BASE_URL = "https://my.pivotal.app/api/v1";

export interface ImportFlags {
	readonly contacts?: string | undefined;
	readonly onboardings?: string | undefined;
	readonly baseUrl?: string | undefined;
	readonly concurrency?: number | undefined;
	readonly checkpoint?: string | undefined;
	readonly headless: boolean;
	readonly json: boolean;
	readonly dryRun: boolean;
	readonly yes: boolean;
	readonly fresh: boolean;
	readonly retryFailed: boolean;
	readonly failuresCsv?: string | undefined;
	readonly keyEnv?: string | undefined;
	readonly verbose: boolean;
	/** Rate-limit window of the server in seconds (Pivotal: 60; a simulator may differ). */
	readonly window?: number | undefined;
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
	const files: SourceFiles = { customers, contacts: flags.contacts, onboardings: flags.onboardings };
	const say = (text: string) => (flags.json ? io.stderr : io.stdout).write(`${text}\n`);

	const check = await validateSources(files);
	if (check.problemCount > 0) {
		for (const problem of check.problems.slice(0, SHOWN_PROBLEMS))
			io.stderr.write(`${formatProblem(problem)}\n`);
		const more = check.problemCount - Math.min(SHOWN_PROBLEMS, check.problems.length);
		if (more > 0) io.stderr.write(`…and ${more} more problem${more === 1 ? "" : "s"}.\n`);
		io.stderr.write(`Nothing was sent: fix the input and run the command again.\n`);
		return EXIT.usage;
	}
	const requests = PASSES.reduce((n, pass) => n + check.counts[pass], 0);
	const keyVariable = flags.keyEnv ?? "PIVOTAL_API_KEY";
	const apiKey = io.env[keyVariable];
	const limitGuess = apiKey?.startsWith("pivotal_test_") ? 30 : 60;
	// Only an override: without it the engine learns the window from the server's headers.
	const windowMs = flags.window === undefined ? undefined : flags.window * 1000;
	const told = windowMs === undefined ? {} : { windowMs };
	const estimate = estimateDurationMs({
		requests,
		limit: limitGuess,
		...told,
		concurrency: flags.concurrency ?? defaultConcurrency(limitGuess),
	});
	const planLine = `${PASSES.map((p) => `${check.counts[p]} ${p}`).join(", ")}: ${requests} requests, about ${formatDuration(estimate)} at ${limitGuess}/min (${apiKey ? "this key's default limit" : "a live key's default limit"}).`;

	if (flags.dryRun) {
		say(`Dry run: every row is valid. ${planLine} Nothing was sent.`);
		if (flags.json)
			io.stdout.write(
				`${JSON.stringify({ type: "dry-run", counts: check.counts, requests, estimateMs: estimate })}\n`,
			);
		return EXIT.ok;
	}
	const baseUrl = flags.baseUrl ?? io.env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL;
	const checkpointPath = flags.checkpoint ?? defaultCheckpointPath(customers);

	const isInteractive = io.stdinIsTty && "isTTY" in io.stdout && io.stdout.isTTY === true && !flags.json;
	if (isInteractive && !flags.headless) {
		// A person at a terminal gets the dashboard: the wizard starts at the key step with these files.
		const { runInteractive } = await import("./interactive.js");
		return runInteractive({
			baseUrl,
			...told,
			// The wizard asks for a key when the variable is empty.
			env: { ...io.env, PIVOTAL_API_KEY: apiKey },
			folder: dirname(resolve(customers)),
			prefill: {
				isFixed: true,
				customers: resolve(customers),
				...(flags.contacts ? { contacts: resolve(flags.contacts) } : {}),
				...(flags.onboardings ? { onboardings: resolve(flags.onboardings) } : {}),
				fresh: flags.fresh,
				checkpointPath: resolve(checkpointPath),
				...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
			},
		});
	}
	if (!apiKey) {
		io.stderr.write(
			`No API key: set ${keyVariable} in the environment (keys are never taken from a flag, which would leak into shell history).\n`,
		);
		return EXIT.usage;
	}
	const keyProblem = validateKeyShape(apiKey);
	if (keyProblem) {
		io.stderr.write(`${keyProblem} (from ${keyVariable})\n`);
		return EXIT.usage;
	}
	if (isInteractive && !flags.yes) {
		const resuming = await exists(checkpointPath);
		const prompt = createInterface({ input: process.stdin, output: process.stdout });
		const answer = await prompt.question(
			`${planLine}\n${resuming && !flags.fresh ? `Resume from ${checkpointPath}` : "Start"} importing into ${new URL(baseUrl).host} with ${maskKey(apiKey)}? [y/N] `,
		);
		prompt.close();
		if (!/^y(es)?$/i.test(answer.trim())) {
			say("Nothing was sent.");
			return EXIT.usage;
		}
	}

	const client = createClient({ baseUrl, apiKey });
	const run = startImport(
		{
			files,
			checkpointPath,
			keyFingerprint: keyFingerprint(apiKey),
			baseUrl,
			fresh: flags.fresh,
			retryFailed: flags.retryFailed,
			...told,
			check,
			...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
		},
		{ client },
	);
	const store = new ProgressStore();
	const lines = flags.json ? undefined : new LineReporter(io.stdout, { verbose: flags.verbose });
	const ndjson = flags.json ? new NdjsonReporter(io.stdout) : undefined;
	run.subscribe((event) => {
		store.dispatch(event);
		ndjson?.onEvent(event);
		lines?.onEvent(event, store.getSnapshot());
	});

	let interrupts = 0;
	const onSignal = () => {
		interrupts += 1;
		if (interrupts === 1) {
			run.stop();
			return;
		}
		// The checkpoint is written synchronously record by record: leaving now loses nothing.
		io.stderr.write("Forced stop: requests in flight are in doubt and will be checked on resume.\n");
		process.exit(EXIT.interrupted);
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);

	let summary: ImportSummary;
	try {
		summary = await run.done;
	} catch (error) {
		if (error instanceof InputError) {
			io.stderr.write(`${error.message}\n`);
			return EXIT.usage;
		}
		throw error;
	} finally {
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		store.close();
		await client.close();
	}

	let failuresCsv: string | undefined;
	if (flags.failuresCsv) {
		await writeFailuresCsv(flags.failuresCsv, files, (pass, key) => run.state(pass, key));
		failuresCsv = flags.failuresCsv;
	}
	await run.close();
	if (ndjson) ndjson.summary(summary, failuresCsv ? { failuresCsv } : {});
	else io.stdout.write(summaryText(summary, { failuresCsv }));
	if (
		summary.outcome === "auth-failed" ||
		summary.outcome === "checkpoint-failed" ||
		summary.outcome === "circuit-open"
	) {
		io.stderr.write(`${summary.message ?? summary.outcome}\n`);
	}
	return exitCodeFor(summary);
}

async function exists(path: string): Promise<boolean> {
	try {
		await access(path);
		return true;
	} catch {
		return false;
	}
}
