import { InputError } from "../core/engine.js";
import { EXIT } from "../core/exit-codes.js";
import { StateHeldError } from "../core/open-state.js";
import { ProgressStore } from "../core/progress-store.js";
import type { ImportRun, ImportSummary, KeyLane } from "../core/run-types.js";
import { LineReporter, type SessionCounts } from "../report/headless.js";
import { NdjsonReporter } from "../report/ndjson.js";
import type { CommandIo } from "./import-command.js";

export interface HeadlessOptions {
	readonly json: boolean;
	readonly verbose: boolean;
	/** What the run is called in its opening line. @default "import" */
	readonly noun?: "import" | "undo";
}

/**
 * Drive a run without a screen: progress lines or NDJSON events, the first Ctrl+C (or SIGTERM)
 * stops gracefully, the second leaves at once. Resolves with the summary, or an exit code when
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
	const ndjson = options.json ? new NdjsonReporter(io.stdout) : undefined;
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
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		process.off("SIGHUP", onSignal);
		store.close();
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
