/**
 * The reports a command owes CI when it ends, however it ends: the Markdown summary (to
 * `--summary-md FILE`, and appended to `$GITHUB_STEP_SUMMARY` when that is set) and the
 * `--notify` POST. They wrap the command, so a refusal, a crash, an interrupt before the run has
 * begun and a finished run are all reported once; trouble writing them is one warning line and
 * never changes the exit code.
 */

import { outputPathProblem } from "../app/output-paths.js";
import { EXIT } from "../core/exit-codes.js";
import type { RunReport } from "../report/run-report.js";
import type { CommandIo } from "./import-command.js";

export interface RunOutputFlags {
	readonly summaryMd?: string | undefined;
	/** The run's other outputs: no summary is written over one (adversarial finding V4). */
	readonly planOut?: string | undefined;
	readonly resultsCsv?: string | undefined;
	readonly failuresCsv?: string | undefined;
	readonly notify?: string | undefined;
	/** `--key-env NAME`s: with PIVOTAL_API_KEY, the keys masked in both reports. */
	readonly keyEnv?: readonly string[] | undefined;
}

export async function withRunOutputs(
	command: RunReport["command"],
	flags: RunOutputFlags,
	io: CommandIo,
	inputs: RunReport["inputs"],
	work: (io: CommandIo) => Promise<number>,
): Promise<number> {
	const stepSummary = io.env.GITHUB_STEP_SUMMARY || undefined;
	if (!flags.summaryMd && !flags.notify && !stepSummary) {
		// No report to write, but a stop while the files are checked and the state read still ends
		// with a sentence and exit 3, not the signal's own 130 or 143.
		const { signal, release } = stopBeforeTheRun((said) => {
			io.stderr.write(`${said}\n`);
			process.exit(EXIT.interrupted);
		});
		try {
			return await work({ ...io, signal });
		} finally {
			release();
		}
	}
	const report: RunReport = { command, inputs: [...inputs] };
	const stderr = {
		write(text: string) {
			const lines = text.trim().split("\n");
			const last = lines.pop();
			if (last) report.lastProblem = last;
			const first = lines[0] ?? last;
			if (first) report.firstProblem ??= first;
			return io.stderr.write(text);
		},
	};
	// Reported once, whichever end comes first; a later caller waits for the same report.
	let reporting: Promise<void> | undefined;
	const finish = (code: number): Promise<void> => {
		reporting ??= writeReports(report, code, flags, stepSummary, io.env).then((warnings) => {
			for (const warning of warnings) io.stderr.write(`${warning}\n`);
		});
		return reporting;
	};
	const { signal, release } = stopBeforeTheRun((said) => {
		// The run is over and said its outcome (its session is set): a late signal changes nothing.
		if (report.session !== undefined) return;
		// Said on the terminal too, as without reports: a person waiting (for a lock, say) sees why it ended.
		io.stderr.write(`${said}\n`);
		report.lastProblem = said;
		delete report.firstProblem;
		void finish(EXIT.interrupted).finally(() => process.exit(EXIT.interrupted));
	});
	try {
		const code = await work({ ...io, stderr, report, signal });
		await finish(code);
		return code;
	} catch (error) {
		delete report.firstProblem;
		report.lastProblem = `Stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`;
		await finish(EXIT.interrupted);
		throw error;
	} finally {
		release();
	}
}

/**
 * Until the run's own handler is installed (validating, planning), an interrupt ends the command
 * with `stopped` (told the sentence), and the command sends nothing from then on (it checks the
 * signal before its run starts); once the run's handler is installed, the run stops gracefully
 * and returns its own code. A second interrupt leaves at once.
 */
function stopBeforeTheRun(stopped: (said: string) => void): { signal: AbortSignal; release: () => void } {
	const interrupted = new AbortController();
	const onSignal = (signal: NodeJS.Signals) => {
		if (process.listenerCount(signal) > 1) return;
		if (interrupted.signal.aborted) process.exit(EXIT.interrupted);
		interrupted.abort();
		stopped(`Interrupted by ${signal} before anything was sent.`);
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	// A closed terminal, a dropped SSH session or a killed tmux: stopped like SIGTERM.
	process.on("SIGHUP", onSignal);
	return {
		signal: interrupted.signal,
		release: () => {
			process.off("SIGINT", onSignal);
			process.off("SIGTERM", onSignal);
			process.off("SIGHUP", onSignal);
		},
	};
}

/** Write the summary and post the notification; what went wrong, as warning lines. */
async function writeReports(
	report: RunReport,
	code: number,
	flags: RunOutputFlags,
	stepSummary: string | undefined,
	env: NodeJS.ProcessEnv,
): Promise<string[]> {
	const warnings: string[] = [];
	// Loaded only when a report is asked for: a plain run does not pay for the Markdown, the
	// notification and the outcome tables they draw (an undo's among them).
	const [{ notifyPayload, postNotification }, { writeOutput }, { plainText }, { summaryMarkdown }] =
		await Promise.all([
			import("../report/notify.js"),
			import("../report/output-file.js"),
			import("../report/report-text.js"),
			import("../report/summary-md.js"),
		]);
	// Each client masks its own key in what it keeps, not another key of the pool a server may
	// echo: every key of the environment is masked here, as on the terminal.
	const keys = ["PIVOTAL_API_KEY", ...(flags.keyEnv ?? [])].flatMap((name) => (env[name] ? [env[name]] : []));
	const mask =
		keys.length > 0 ? (await import("./secret-filter.js")).keyMasker(keys) : (text: string) => text;
	// Both made now, from the report as the run ended, before anything else is written to it.
	// Masked before either is made: Markdown's escapes (`\_`) would split a key's runs apart.
	const shown = maskStrings(report, mask);
	const markdown = mask(summaryMarkdown(shown, code));
	const payload = flags.notify ? maskStrings(notifyPayload(shown, code), mask) : undefined;
	const targets = [
		...(flags.summaryMd ? [{ what: "--summary-md", path: flags.summaryMd, append: false }] : []),
		...(stepSummary ? [{ what: "$GITHUB_STEP_SUMMARY", path: stepSummary, append: true }] : []),
	];
	// Nor over the run's other outputs, nor the one summary over the other: the refusal of such a
	// clash left the file it protected as it was (a reviewed plan, earlier steps' job summary).
	const others = [
		...(flags.planOut ? [{ what: "the file of --plan-out", path: flags.planOut }] : []),
		...(flags.resultsCsv ? [{ what: "the file of --results-csv", path: flags.resultsCsv }] : []),
		...(flags.failuresCsv ? [{ what: "the file of --failures-csv", path: flags.failuresCsv }] : []),
	];
	for (const target of targets) {
		const otherSummaries = targets
			.filter((t) => t !== target)
			.map((t) => ({ what: `the file of ${t.what}`, path: t.path }));
		const clash = outputPathProblem([target], [...report.inputs, ...others, ...otherSummaries]);
		if (clash) {
			// The command refused to start for this very clash, and said so: once is enough.
			if (report.lastProblem !== clash) warnings.push(`The summary was not written: ${clash}`);
			continue;
		}
		try {
			// Appended: earlier steps of the job wrote their own summaries there.
			await writeOutput(target.path, markdown, target.append ? "append" : "new");
		} catch (error) {
			const why = (error as NodeJS.ErrnoException).code ?? "error";
			warnings.push(
				`Could not write the summary to ${plainText(target.path)} (${why}); the run's outcome is unchanged.`,
			);
		}
	}
	if (flags.notify && payload) {
		const warning = await postNotification(flags.notify, payload);
		if (warning) warnings.push(warning);
	}
	return warnings;
}

/** `value` with `mask` applied to every string in it, through arrays and plain objects. */
function maskStrings<T>(value: T, mask: (text: string) => string): T {
	if (typeof value === "string") return mask(value) as T;
	if (Array.isArray(value)) return value.map((item) => maskStrings(item, mask)) as T;
	if (value === null || typeof value !== "object") return value;
	const prototype = Object.getPrototypeOf(value);
	if (prototype !== Object.prototype && prototype !== null) return value;
	return Object.fromEntries(Object.entries(value).map(([k, v]) => [mask(k), maskStrings(v, mask)])) as T;
}
