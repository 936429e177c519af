import { basename } from "node:path";
import { Box, Text, useApp, useInput } from "ink";
import { useCallback, useEffect, useRef } from "react";
import { defaultConcurrency } from "../core/engine.js";
import { EXIT, exitCodeFor } from "../core/exit-codes.js";
import type { UndoPlan } from "../core/undo/undo-plan.js";
import type { PassName } from "../model/records.js";
import { escapeControls, escapeControlsKeepingLines } from "../model/terminal-text.js";
import { useFolderReading } from "./hooks/use-folder-reading.js";
import { useImportSession } from "./hooks/use-import-session.js";
import { useIsInputActive } from "./hooks/use-is-input-active.js";
import { useTheme } from "./hooks/use-theme.js";
import { useWizard } from "./hooks/use-wizard.js";
import { LiveRun } from "./LiveRun.js";
import { type AppResult, interruptedResult, type SessionKind } from "./model/app-result.js";
import { fileChoiceAction } from "./model/file-choice.js";
import { fileStepChoices, sheetFor } from "./model/files.js";
import { envKeysFrom } from "./model/key-choices.js";
import { clampConcurrency } from "./model/plan.js";
import { importPlanFor, undoRequestFor } from "./model/run-requests.js";
import { notTakenBackNote } from "./model/undo-view.js";
import { poolKeyInfo } from "./model/verify-key.js";
import { FileStep } from "./screens/FileStep.js";
import { KeyStep } from "./screens/KeyStep.js";
import { MappingFlow } from "./screens/MappingFlow.js";
import { PlanStep } from "./screens/PlanStep.js";
import { ResumeStep } from "./screens/ResumeStep.js";
import { SheetStep } from "./screens/SheetStep.js";
import { UndoStep } from "./screens/UndoStep.js";
import type { UiServices, WizardPrefill } from "./services.js";

export type { AppResult };

export interface AppProps {
	readonly services: UiServices;
	readonly prefill?: WizardPrefill | undefined;
	/** Called once, just before the app exits. */
	readonly onResult: (result: AppResult) => void;
}

/**
 * The root: owns the lifecycle (the folder's first reading, Ctrl+C, `exit()`) and shows the
 * step the wizard is at; the choices live in `useWizard`, the run in `useImportSession`.
 */
export function App({ services, prefill, onResult }: AppProps) {
	const { exit } = useApp();
	const theme = useTheme();
	const isActive = useIsInputActive();
	const { folder, settings } = services;
	const { state: wizard, dispatch, files: sourceFiles, checkpointPath } = useWizard(services, prefill);
	const { stage, files, key, source } = wizard;
	const isFixed = prefill?.isFixed ?? false;
	const isDone = useRef(false);
	// The creates in doubt the confirmed undo could not take back: said on its summary, exit 1.
	const undoInDoubt = useRef(0);
	// Created records the confirmed undo keeps, adopted records under them (finding AG2).
	const undoKept = useRef<UndoPlan["kept"]>(undefined);

	const finish = useCallback(
		(result: AppResult) => {
			if (isDone.current) return;
			isDone.current = true;
			onResult(result);
			exit();
		},
		[exit, onResult],
	);
	// Exit 3 with the command that resumes the import, or the undo.
	const stopped = (kind: SessionKind, path: string) =>
		finish(interruptedResult({ kind, checkpointPath: path, customersFile: files.customers ?? "", isFixed }));
	const session = useImportSession({
		services,
		files: sourceFiles,
		source,
		onStopped: stopped,
		onError: (message) => dispatch({ type: "failed", message }),
	});
	const { live, summary } = session;

	useFolderReading(services, prefill, dispatch);

	// Quitting a finished run: its state is closed first, so the lock is gone when the process is.
	const quitFinished = () => {
		if (!live) return;
		void live.run.close().catch(() => undefined);
		if (summary) {
			const code = exitCodeFor(summary);
			// What an undo could not take back is not "taken back", nor exit 0 (adversarial finding AD5).
			const isShort =
				live.kind === "undo" &&
				code === EXIT.ok &&
				(undoInDoubt.current > 0 || undoKept.current !== undefined);
			finish({ code: isShort ? EXIT.someFailed : code });
		} else stopped(live.kind, live.store.getSnapshot().checkpointPath);
	};

	// Ctrl+C, SIGTERM and SIGHUP: before a run, leave; during one, stop it gracefully; twice, leave.
	const interrupt = () => {
		if (!live) return finish({ code: 2, message: "Cancelled; nothing was sent." });
		// Over already (the summary, or the undo step before anything of the undo was sent): leave as q does.
		if (summary) return quitFinished();
		// A second interrupt while stopping leaves at once: the checkpoint is consistent at any
		// instant, and the requests still out are given up (in doubt, checked on resume) so that the
		// run ends, and lets go of its state, now rather than when a hung server drops them.
		if (live.controller.signal.aborted) {
			session.leave();
			return stopped(live.kind, live.store.getSnapshot().checkpointPath);
		}
		session.stop();
	};
	const latestInterrupt = useRef(interrupt);
	latestInterrupt.current = interrupt;
	useEffect(() => services.onInterrupt?.(() => latestInterrupt.current()), [services]);
	useInput(
		(input, k) => {
			if (k.ctrl && input === "c") interrupt();
		},
		{ isActive },
	);

	const chooseFile = async (pass: PassName, nameOrPath: string | undefined) =>
		dispatch(await fileChoiceAction(pass, nameOrPath, wizard.names, folder, services));

	useInput(
		(input, k) => {
			if (stage.kind === "failed" && (input === "q" || k.return || k.escape)) finish({ code: 2 });
		},
		{ isActive: isActive && stage.kind === "failed" },
	);

	const context = { baseUrl: services.baseUrl, windowMs: services.windowMs, checkpointPath };
	const concurrencyFor = (fingerprint: string, limit: number | undefined, keys = 1) =>
		clampConcurrency(
			prefill?.concurrency ?? settings.concurrencyFor(fingerprint) ?? defaultConcurrency(limit, keys),
			keys,
		);

	switch (stage.kind) {
		case "loading":
			return <Text dimColor>Looking in {escapeControls(folder)}…</Text>;
		case "resume":
			return (
				<ResumeStep
					checkpoints={stage.checkpoints}
					onChoose={(choice) => dispatch({ type: "resume-chosen", choice })}
				/>
			);
		case "file": {
			const { ordered, initial } = fileStepChoices(stage.pass, wizard.names, files, prefill?.[stage.pass]);
			return (
				<FileStep
					key={stage.pass}
					pass={stage.pass}
					folder={folder}
					names={ordered}
					initial={initial}
					isOptional={stage.pass !== "customers"}
					chosen={files.customers && stage.pass !== "customers" ? basename(files.customers) : undefined}
					// Starting over sets the state aside: the files go into no import's (finding W8).
					into={
						wizard.resumeFrom === undefined || wizard.isFresh ? undefined : basename(wizard.resumeFrom.path)
					}
					error={stage.error}
					onChoose={(name) => void chooseFile(stage.pass, name)}
					onBack={
						stage.pass !== "customers" || (wizard.checkpoints?.length ?? 0) > 0
							? () => dispatch({ type: "file-back", pass: stage.pass })
							: undefined
					}
				/>
			);
		}
		case "sheet":
			return (
				<SheetStep
					key={`${stage.pass}-sheet`}
					pass={stage.pass}
					file={stage.file}
					sheets={stage.sheets}
					initial={sheetFor(stage.pass, stage.sheets)}
					onChoose={(sheet) =>
						dispatch({ type: "file-chosen", pass: stage.pass, path: `${stage.file}#${sheet}` })
					}
					onBack={() => dispatch({ type: "sheet-back", pass: stage.pass })}
				/>
			);
		case "mapping":
			return (
				<MappingFlow
					files={files}
					services={services}
					source={source}
					onDone={(map, encoding) => dispatch({ type: "mapped", map, encoding })}
					onBack={() => dispatch({ type: "to-files" })}
				/>
			);
		case "key":
			return (
				<KeyStep
					envKeys={services.envKeys ?? envKeysFrom(services.env)}
					settings={settings}
					createClient={services.createClient}
					runId={wizard.resumeFrom?.runId}
					windowMs={services.windowMs}
					onReady={(ready) =>
						dispatch({ type: "key-ready", key: ready, rules: settings.syncRulesFor(checkpointPath) })
					}
					onBack={() => dispatch({ type: "to-files" })}
					onRefused={() => finish({ code: 4, message: "The API key was refused; nothing was sent." })}
				/>
			);
		case "plan": {
			if (!key) return null;
			const { check } = stage;
			return (
				<PlanStep
					files={sourceFiles}
					check={check}
					keyInfo={poolKeyInfo(key.keys) ?? key.key}
					windowMs={services.windowMs}
					concurrency={concurrencyFor(key.key.fingerprint, poolKeyInfo(key.keys)?.limit, key.keys.length)}
					keyCount={key.keys.length}
					isResume={wizard.resumeFrom !== undefined && !wizard.isFresh}
					isFresh={wizard.isFresh}
					rules={wizard.rules ?? {}}
					onRules={(rules) => dispatch({ type: "rules-changed", rules })}
					onConfirm={(concurrency) => {
						if (check.kind !== "checked" || !files.customers) return;
						settings.setSyncRules(checkpointPath, wizard.rules ?? {});
						// What "Resume" syncs again next time: these files, whatever the state was made from.
						settings.setFiles(checkpointPath, files);
						session.start(importPlanFor(wizard, check.check, source, concurrency, context), key);
						dispatch({ type: "run-started" });
					}}
					onBack={() => dispatch({ type: "plan-back" })}
					onQuit={() =>
						finish(
							// Held by another run: the headless refusal's sentence and code.
							check.kind === "held"
								? { code: EXIT.locked, message: check.message }
								: {
										code: 2,
										message:
											check.kind === "checked" && check.check.problemCount > 0
												? `${check.check.problemCount} invalid rows; nothing was sent. Fix them and run again.`
												: "Cancelled; nothing was sent.",
									},
						)
					}
				/>
			);
		}
		case "run":
			if (!live) return null;
			return (
				<LiveRun
					key={live.kind}
					run={live.run}
					store={live.store}
					kind={live.kind}
					inherited={live.inherited}
					stop={session.stop}
					summary={summary}
					customersFile={files.customers ?? ""}
					failuresCsvPath={session.failuresCsvPath}
					resultsCsvPath={session.resultsCsvPath}
					testWorkspace={key?.key.isTest ? key.key.workspace : undefined}
					closingNote={
						live.kind === "undo" && summary?.outcome === "completed"
							? notTakenBackNote(undoInDoubt.current, undoKept.current)
							: undefined
					}
					now={services.now}
					onConcurrency={(c) => key && settings.setConcurrency(key.key.fingerprint, c)}
					onRetry={session.retry}
					onExport={session.exportFailures}
					onResults={session.writeResults}
					onUndo={live.kind === "import" && key ? () => dispatch({ type: "undo-asked" }) : undefined}
					onQuit={quitFinished}
				/>
			);
		case "undo": {
			if (!key) return null;
			const pooled = poolKeyInfo(key.keys) ?? key.key;
			const concurrency = concurrencyFor(key.key.fingerprint, pooled.limit, key.keys.length);
			return (
				<UndoStep
					check={stage.check}
					keyInfo={pooled}
					windowMs={services.windowMs}
					concurrency={concurrency}
					onBack={() => dispatch({ type: "to-run" })}
					onConfirm={() => {
						undoInDoubt.current =
							stage.check.kind === "checked" ? (stage.check.preview.createsInDoubt ?? 0) : 0;
						undoKept.current = stage.check.kind === "checked" ? stage.check.preview.plan.kept : undefined;
						const request = undoRequestFor(concurrency, context);
						void session.startUndo(request, key).then(() => dispatch({ type: "to-run" }));
					}}
				/>
			);
		}
		case "failed":
			return (
				<Box flexDirection="column">
					<Text {...theme.tint("error")}>{escapeControlsKeepingLines(stage.message)}</Text>
					<Text dimColor>Nothing more was sent. Press q to quit.</Text>
				</Box>
			);
	}
}
