import { join } from "node:path";
import { useCallback, useRef, useState } from "react";
import { stateFiles } from "../../app/output-paths.js";
import { writeRunFailures, writeRunResults } from "../../app/run-files.js";
import { ProgressStore } from "../../core/progress-store.js";
import type { ImportRun, ImportSummary, KeyLane, SourceFiles } from "../../core/run-types.js";
import type { SourceOptions } from "../../source/index.js";
import { failuresPathFor, resultsPathFor, type SessionKind } from "../model/app-result.js";
import { failureId } from "../model/failures.js";
import { type ImportRequest, lanesFor, type UndoRunRequest } from "../model/run-requests.js";
import type { RecordRef } from "../screens/FailuresScreen.js";
import type { KeyReady } from "../screens/KeyStep.js";
import type { UiServices } from "../services.js";

/** What an output the wizard names must never be: the files, the map, the state and its files. */
function guardedPaths(
	files: SourceFiles,
	source: SourceOptions | undefined,
	checkpointPath: string | undefined,
): string[] {
	return [
		...Object.values(files).filter((path): path is string => typeof path === "string" && path !== ""),
		...(source?.map ? [source.map.file] : []),
		...(checkpointPath ? stateFiles(checkpointPath).map((file) => file.path) : []),
		// The state by its default name too, where the run was told none.
		...(files.customers ? stateFiles(`${files.customers}.checkpoint.json`).map((file) => file.path) : []),
	];
}

/** The run on screen: an import (or sync) or the undo started from its summary. */
export interface LiveSession {
	readonly kind: SessionKind;
	readonly run: ImportRun;
	readonly store: ProgressStore;
	/** Aborting it stops the run gracefully; the checkpoint is consistent at any instant. */
	readonly controller: AbortController;
	/**
	 * Failures the import left in the state (`failureId`), which the undo's state carries
	 * along: they are the import's, not the undo's, and its screens leave them out.
	 */
	readonly inherited: ReadonlySet<string>;
	/** The keys it sends through: their requests still out are given up on a second stop. */
	readonly lanes: readonly KeyLane[];
}

export interface SessionOptions {
	readonly services: UiServices;
	readonly files: SourceFiles;
	readonly source: SourceOptions | undefined;
	/** The run stopped before its end (q, Ctrl+C, a refused key mid-run): it resumes. */
	readonly onStopped: (kind: SessionKind, checkpointPath: string) => void;
	/** The engine itself failed: not a record's trouble. */
	readonly onError: (message: string) => void;
}

export interface ImportSession {
	readonly live: LiveSession | undefined;
	/** The latest summary: set when the run (or a retry round) ends. */
	readonly summary: ImportSummary | undefined;
	readonly failuresCsvPath: string | undefined;
	readonly resultsCsvPath: string | undefined;
	start(request: ImportRequest, key: KeyReady): void;
	/** Closes the import's state (the undo opens it), then starts the undo on the same screens. */
	startUndo(request: UndoRunRequest, key: KeyReady): Promise<void>;
	retry(which: readonly RecordRef[] | undefined): void;
	/** Writes the failures CSV beside the customers file; resolves with its path. */
	exportFailures(): Promise<string>;
	/** Writes every row's outcome, id and display_id beside the customers file; resolves with its path. */
	writeResults(): Promise<string>;
	stop(): void;
	/**
	 * The second stop: leaves at once. Requests still out are given up (in doubt in the state, as
	 * after a kill, checked on resume), so the run ends and its state is closed now rather than when
	 * a hung server lets go (adversarial finding N9).
	 */
	leave(): void;
}

/** The live run, its store and summary, and the reports written from its state. */
export function useImportSession({
	services,
	files,
	source,
	onStopped,
	onError,
}: SessionOptions): ImportSession {
	const { settings } = services;
	const [live, setLive] = useState<LiveSession>();
	const [summary, setSummary] = useState<ImportSummary>();
	const [failuresCsvPath, setFailuresCsvPath] = useState<string>();
	const [resultsCsvPath, setResultsCsvPath] = useState<string>();
	// Callbacks from the run's promise read the latest handlers, not the first render's.
	const handlers = useRef({ onStopped, onError });
	handlers.current = { onStopped, onError };

	const watch = useCallback(
		(session: LiveSession, done: Promise<ImportSummary>) => {
			done.then(
				async (result) => {
					if (result.outcome === "interrupted") {
						await session.run.close().catch(() => undefined);
						return handlers.current.onStopped(session.kind, result.checkpointPath);
					}
					const hasFailures = Object.values(result.passes).some((p) => p.failed + p.blocked > 0);
					if (session.kind === "import" && hasFailures && files.customers) {
						const path = failuresPathFor(files.customers, guardedPaths(files, source, result.checkpointPath));
						await writeRunFailures(path, { files, source }, session.run).then(
							() => setFailuresCsvPath(path),
							() => setFailuresCsvPath(undefined),
						);
					}
					setSummary(result);
				},
				(error: unknown) => {
					session.store.close();
					handlers.current.onError(error instanceof Error ? error.message : String(error));
				},
			);
		},
		[files, source],
	);

	const begin = useCallback(
		(
			kind: SessionKind,
			key: KeyReady,
			open: (signal: AbortSignal, lanes: readonly KeyLane[]) => ImportRun,
			inherited: ReadonlySet<string>,
		) => {
			const controller = new AbortController();
			const store = new ProgressStore({ now: services.now });
			const lanes = lanesFor(key);
			const run = open(controller.signal, lanes);
			run.subscribe(
				(event) => {
					store.dispatch(event);
					if (event.type === "run-started") settings.recordRun(key.key.fingerprint, event.runId);
				},
				{ unchangedCounted: true },
			);
			const session: LiveSession = { kind, run, store, controller, inherited, lanes };
			setSummary(undefined);
			setResultsCsvPath(undefined);
			setLive(session);
			watch(session, run.done);
		},
		[services, settings, watch],
	);

	const start = useCallback(
		(request: ImportRequest, key: KeyReady) => {
			const { concurrency } = request.options;
			if (concurrency !== undefined) settings.setConcurrency(key.key.fingerprint, concurrency);
			begin(
				"import",
				key,
				(signal, lanes) => services.startImport(request, lanes, { signal, now: services.now }),
				new Set(),
			);
		},
		[begin, services, settings],
	);

	const startUndo = useCallback(
		async (request: UndoRunRequest, key: KeyReady) => {
			const inherited = new Set(live?.run.failures().map(failureId) ?? []);
			// The undo opens the same state, which one run at a time holds (its lock).
			await live?.run.close().catch(() => undefined);
			setFailuresCsvPath(undefined);
			begin(
				"undo",
				key,
				(signal, lanes) => services.startUndo(request, lanes, { signal, now: services.now }),
				inherited,
			);
		},
		[begin, live, services],
	);

	const retry = useCallback(
		(which: readonly RecordRef[] | undefined) => {
			if (!live) return;
			setSummary(undefined);
			setResultsCsvPath(undefined);
			watch(live, live.run.retryFailed(which));
		},
		[live, watch],
	);

	const exportFailures = useCallback(async () => {
		const path = failuresPathFor(
			files.customers || join(services.folder, "import.csv"),
			guardedPaths(files, source, live?.store.getSnapshot().checkpointPath || summary?.checkpointPath),
		);
		await writeRunFailures(path, { files, source }, live?.run);
		setFailuresCsvPath(path);
		return path;
	}, [files, live, services, source, summary?.checkpointPath]);

	const writeResults = useCallback(async () => {
		const path = resultsPathFor(
			files.customers || join(services.folder, "import.csv"),
			guardedPaths(files, source, live?.store.getSnapshot().checkpointPath || summary?.checkpointPath),
		);
		await writeRunResults(path, { files, source }, live?.run, summary?.run ?? 0, summary);
		setResultsCsvPath(path);
		return path;
	}, [files, live, services, source, summary]);

	const stop = useCallback(() => live?.controller.abort(), [live]);
	const leave = useCallback(() => {
		if (!live) return;
		live.controller.abort();
		for (const lane of live.lanes) lane.client.abortInFlight?.();
	}, [live]);

	return {
		live,
		summary,
		failuresCsvPath,
		resultsCsvPath,
		start,
		startUndo,
		retry,
		exportFailures,
		writeResults,
		stop,
		leave,
	};
}
