import { basename } from "node:path";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ProgressStore } from "../core/progress-store.js";
import type { ImportRun, ImportSummary } from "../core/run-types.js";
import { useProgress } from "./hooks/use-progress.js";
import type { SessionKind } from "./model/app-result.js";
import { countByCode, ownFailures } from "./model/failures.js";
import { clampConcurrency } from "./model/plan.js";
import type { RunAction } from "./model/run-keys.js";
import { FailuresScreen, type RecordRef } from "./screens/FailuresScreen.js";
import { RunScreen } from "./screens/RunScreen.js";
import { SummaryScreen } from "./screens/SummaryScreen.js";

export interface LiveRunProps {
	readonly run: ImportRun;
	readonly store: ProgressStore;
	/** Aborting it stops the run gracefully (checkpoint saved). */
	readonly stop: () => void;
	/** The latest summary: set when the run (or a retry round) ends. */
	readonly summary: ImportSummary | undefined;
	readonly customersFile: string;
	readonly failuresCsvPath: string | undefined;
	readonly now: () => number;
	readonly onConcurrency: (concurrency: number) => void;
	readonly onRetry: (which: readonly RecordRef[] | undefined) => void;
	readonly onExport: () => Promise<string>;
	readonly onQuit: () => void;
	/** An import (or sync), or the undo of one. @default "import" */
	readonly kind?: SessionKind | undefined;
	/** Failures the import left that an undo's state carries along (`failureId`): not shown as the undo's. */
	readonly inherited?: ReadonlySet<string> | undefined;
	readonly resultsCsvPath?: string | undefined;
	/** The workspace a test key wrote to (the summary offers undo first); undefined for a live key. */
	readonly testWorkspace?: string | undefined;
	/** The summary's `r`: write the results CSV; resolves with its path. */
	readonly onResults?: (() => Promise<string>) | undefined;
	/** The summary's `u`: take the run back. */
	readonly onUndo?: (() => void) | undefined;
	/** Said on the summary when nothing else is: an undo's creates in doubt not taken back. */
	readonly closingNote?: string | undefined;
}

const NOTHING_INHERITED: ReadonlySet<string> = new Set();

type View = "dashboard" | "failures";

/** The run, its failures and its summary: everything after the wizard reads the one snapshot. */
export function LiveRun({
	run,
	store,
	stop,
	summary,
	customersFile,
	failuresCsvPath,
	now,
	onConcurrency,
	onRetry,
	onExport,
	onQuit,
	kind = "import",
	inherited = NOTHING_INHERITED,
	resultsCsvPath,
	testWorkspace,
	onResults,
	onUndo,
	closingNote,
}: LiveRunProps) {
	const snapshot = useProgress(store);
	const [view, setView] = useState<View>("dashboard");
	const [notice, setNotice] = useState<string>();
	const isFinished = snapshot.status === "finished" && summary !== undefined;
	// failures() is a fresh array each call: take it again only when the counts move.
	// biome-ignore lint/correctness/useExhaustiveDependencies: the snapshot's counts are the change signal
	const failures = useMemo(
		() => ownFailures(run.failures(), inherited),
		[run, inherited, snapshot.passes, snapshot.failuresByCode, snapshot.status],
	);

	useEffect(() => {
		if (snapshot.status === "running") setView((v) => (v === "failures" ? v : "dashboard"));
	}, [snapshot.status]);

	// What the keys asked for, ahead of the snapshot: keys typed together ("++", "pp") each act on
	// what the one before left, not on the snapshot of the last render (adversarial finding AB3).
	// Taken from the snapshot again whenever it moves.
	const asked = useRef({ concurrency: snapshot.concurrency, isPaused: false, seen: "" });
	// The keys answering: a pool's each bring their connections (see `clampConcurrency`).
	const keyCount = Math.max(1, snapshot.keys.size);
	const isPausedShown = snapshot.status === "paused" || snapshot.status === "pausing";
	const shown = `${snapshot.concurrency}:${isPausedShown}`;
	if (asked.current.seen !== shown)
		asked.current = { concurrency: snapshot.concurrency, isPaused: isPausedShown, seen: shown };
	const act = useCallback(
		(action: Exclude<RunAction, "help">) => {
			const now = asked.current;
			switch (action) {
				case "toggle-pause":
					if (now.isPaused) run.resume();
					else run.pause();
					now.isPaused = !now.isPaused;
					return;
				case "failures":
					setView("failures");
					return;
				case "more":
				case "less": {
					const next = clampConcurrency(now.concurrency + (action === "more" ? 1 : -1), keyCount);
					now.concurrency = next;
					run.setConcurrency(next);
					onConcurrency(next);
					return;
				}
				case "quit":
					stop();
					return;
			}
		},
		[run, stop, onConcurrency, keyCount],
	);

	if (view === "failures") {
		return (
			<FailuresScreen
				failures={failures}
				canRetry={isFinished}
				notice={notice}
				onBack={() => setView("dashboard")}
				onRetry={(which) => {
					setNotice(undefined);
					setView("dashboard");
					onRetry(which);
				}}
				onExport={() => {
					onExport().then(
						(path) => setNotice(`Exported to ${path}`),
						(error: unknown) => setNotice(`Export failed: ${String(error)}`),
					);
				}}
			/>
		);
	}
	if (isFinished) {
		return (
			<SummaryScreen
				summary={summary}
				snapshot={snapshot}
				kind={kind}
				failuresCsvPath={failuresCsvPath}
				resultsCsvPath={resultsCsvPath}
				failuresByCode={inherited.size > 0 ? countByCode(failures) : undefined}
				testWorkspace={testWorkspace}
				notice={notice ?? closingNote}
				onFailures={() => setView("failures")}
				onResults={
					onResults
						? () => {
								setNotice(undefined);
								onResults().catch((error: unknown) =>
									setNotice(`The results CSV could not be written: ${String(error)}`),
								);
							}
						: undefined
				}
				onUndo={onUndo}
				onQuit={onQuit}
			/>
		);
	}
	return (
		<RunScreen
			snapshot={snapshot}
			now={now}
			title={basename(customersFile)}
			verb={kind === "undo" ? "undoing" : "importing"}
			failureCount={failures.length}
			onAction={act}
		/>
	);
}
