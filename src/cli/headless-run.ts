import type { RunSources } from "../app/run-files.js";
import { InputError } from "../core/engine.js";
import { EXIT, exitCodeFor } from "../core/exit-codes.js";
import { StateHeldError } from "../core/open-state.js";
import { NOT_IN_PIVOTAL } from "../core/plan/sync-rules.js";
import { ProgressStore } from "../core/progress-store.js";
import type { ImportRun, ImportSummary, KeyLane } from "../core/run-types.js";
import { escapeControls } from "../model/terminal-text.js";
import { LineReporter, STOP_GRACE_MS } from "../report/headless.js";
import type { NdjsonReporter } from "../report/ndjson.js";
import { type SessionCounts, summaryText } from "../report/summary-text.js";
import type { CommandIo } from "./import-command.js";

export interface HeadlessOptions {
	readonly json: boolean;
	readonly verbose: boolean;
	/** What the run is called in its opening line. @default "import" */
	readonly noun?: "import" | "undo";
}

/**
 * Drive a run without a screen: progress lines or NDJSON events, the first Ctrl+C (or SIGTERM)
 * stops gracefully (requests in flight given `STOP_GRACE_MS`, then given up), the second leaves
 * at once. Resolves with the summary, or an exit code when
 * the run refused its input. The keys' clients are closed at the end.
 */
export async function driveHeadless(
	run: ImportRun,
	lanes: readonly KeyLane[],
	io: CommandIo,
	options: HeadlessOptions,
): Promise<
	{ summary: ImportSummary; ndjson: NdjsonReporter | undefined; session: SessionCounts } | { code: number }
> {
	const store = new ProgressStore();
	const lines = options.json
		? undefined
		: new LineReporter(io.stdout, { verbose: options.verbose, noun: options.noun ?? "import" });
	// Loaded only for --json, as the CSVs' writers are only for their flags (finishHeadless).
	const ndjson = options.json
		? new (await import("../report/ndjson.js")).NdjsonReporter(io.stdout)
		: undefined;
	// The records settled unchanged come counted unless a line or an NDJSON event tells each.
	run.subscribe(
		(event) => {
			store.dispatch(event);
			ndjson?.onEvent(event);
			lines?.onEvent(event, store.getSnapshot);
		},
		{ unchangedCounted: ndjson === undefined && !options.verbose },
	);
	let interrupts = 0;
	let grace: NodeJS.Timeout | undefined;
	const onSignal = () => {
		interrupts += 1;
		if (interrupts === 1) {
			run.stop();
			// Requests still out after the grace are given up: in doubt in the state, as after a kill.
			grace = setTimeout(() => {
				for (const lane of lanes) lane.client.abortInFlight?.();
			}, STOP_GRACE_MS);
			grace.unref();
			return;
		}
		// The checkpoint is written synchronously record by record: leaving now loses nothing.
		io.stderr.write("Forced stop: requests in flight are in doubt and will be checked on resume.\n");
		process.exit(EXIT.interrupted);
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	// A closed terminal, a dropped SSH session or a killed tmux: stopped like SIGTERM.
	process.on("SIGHUP", onSignal);
	try {
		const summary = await run.done;
		const { requests, rateLimited, retries } = store.getSnapshot();
		const session = { requests, rateLimited, retries };
		// Reports say what this run sent; the import's totals go beside.
		if (io.report) io.report.session = session;
		ndjson?.setSession(session);
		return { summary, ndjson, session };
	} catch (error) {
		if (error instanceof InputError) {
			io.stderr.write(`${error.message}\n`);
			return { code: error instanceof StateHeldError ? EXIT.locked : EXIT.usage };
		}
		throw error;
	} finally {
		clearTimeout(grace);
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		process.off("SIGHUP", onSignal);
		store.close();
		// A stopped run is over: a request still out (a list page it walked ahead) answers no one,
		// and closing would wait for it up to its deadline.
		if (interrupts > 0) for (const lane of lanes) lane.client.abortInFlight?.();
		await Promise.all(lanes.map((lane) => lane.client.close()));
	}
}

/** The one sentence a run that stopped early owes stderr. */
export function stopSentence(summary: ImportSummary): string | undefined {
	const isStopped =
		summary.outcome === "auth-failed" ||
		summary.outcome === "checkpoint-failed" ||
		summary.outcome === "circuit-open";
	return isStopped ? (summary.message ?? summary.outcome) : undefined;
}

export interface FinishOptions {
	/** The summary's title. @default "Import" */
	readonly title?: "Import" | "Apply" | "Undo";
	/** What the run read, for its failures and results CSVs. */
	readonly read?: RunSources;
	readonly failuresCsv?: string | undefined;
	readonly resultsCsv?: string | undefined;
	/** The summary names this session's own requests beside the import's totals. @default false */
	readonly withSession?: boolean;
	/** The summary lists notes that are not failures (`--keep-pivotal-edits`). @default false */
	readonly withNotes?: boolean;
	/** What to do about a run that did not complete, when not the same command again. */
	readonly resume?: (summary: ImportSummary) => string | undefined;
	/** An undo that leaves records it was asked to take back (kept, or creates in doubt): not "taken back". */
	readonly isShortOfAll?: boolean;
}

/**
 * The end of a headless run: the reports it was asked for (failures CSV before the state
 * closes, results CSV after), the summary (lines or the NDJSON summary event), the sentence a
 * run that stopped early owes stderr, and its exit code.
 */
export async function finishHeadless(
	run: ImportRun,
	driven: { summary: ImportSummary; ndjson: NdjsonReporter | undefined; session: SessionCounts },
	io: CommandIo,
	options: FinishOptions,
): Promise<number> {
	const { summary, ndjson, session } = driven;
	if (io.report) Object.assign(io.report, { summary, failures: run.failures() });
	const read = options.read;
	const files =
		(options.failuresCsv || options.resultsCsv) && read ? await import("../app/run-files.js") : undefined;
	const failuresCsv =
		options.failuresCsv && read && files
			? await reportWritten(io, "--failures-csv", options.failuresCsv, () =>
					files.writeRunFailures(options.failuresCsv!, read, run),
				)
			: undefined;
	await run.close();
	const resultsCsv =
		options.resultsCsv && read && files
			? await reportWritten(io, "--results-csv", options.resultsCsv, () =>
					files.writeRunResults(options.resultsCsv!, read, run, summary.run, summary),
				)
			: undefined;
	if (ndjson)
		ndjson.summary(summary, {
			...(failuresCsv ? { failuresCsv } : {}),
			...(resultsCsv ? { resultsCsv } : {}),
		});
	else
		io.stdout.write(
			summaryText(
				summary,
				{
					...(failuresCsv ? { failuresCsv } : {}),
					...(resultsCsv ? { resultsCsv } : {}),
					...(options.withSession ? { session } : {}),
					...(options.withNotes ? { notes: run.failures() } : {}),
					resume: options.resume?.(summary),
					leftOut: read?.invalid?.length ?? 0,
					isShortOfAll: options.isShortOfAll === true,
					notInPivotal: run.failures().filter((f) => f.code === NOT_IN_PIVOTAL).length,
				},
				options.title ?? "Import",
			),
		);
	const stopped = stopSentence(summary);
	if (stopped) io.stderr.write(`${stopped}\n`);
	return exitCodeFor(summary);
}

/** A person at a terminal: stdin and stdout are TTYs and the output is not NDJSON. */
export function isPersonAtTerminal(io: Pick<CommandIo, "stdinIsTty" | "stdout">, json: boolean): boolean {
	return io.stdinIsTty && "isTTY" in io.stdout && io.stdout.isTTY === true && !json;
}

/**
 * Writes a report file the run leaves; `path` when written. One that cannot be (a full disk, a
 * FIFO with no reader: output-file.ts) is said in a sentence: the run's outcome stands, and the
 * summary does not point at it.
 */
export async function reportWritten(
	io: Pick<CommandIo, "stderr">,
	what: string,
	path: string,
	write: () => Promise<unknown>,
): Promise<string | undefined> {
	try {
		await write();
		return path;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? "error";
		io.stderr.write(
			`Could not write ${what} ${escapeControls(path)} (${code}); the run's outcome is unchanged.\n`,
		);
		return undefined;
	}
}
