import { basename, dirname, join } from "node:path";
import { Box, Text, useApp, useInput } from "ink";
import { useCallback, useEffect, useRef, useState } from "react";
import { defaultConcurrency } from "../core/engine.js";
import { exitCodeFor } from "../core/exit-codes.js";
import { ProgressStore } from "../core/progress-store.js";
import type { ImportPlan, ImportRun, ImportSummary, SourceFiles } from "../core/run-types.js";
import type { PassName } from "../model/records.js";
import { writeFailuresCsv } from "../report/failures-csv.js";
import type { SourceOptions } from "../source/index.js";
import { useIsInputActive } from "./hooks/use-is-input-active.js";
import { useTheme } from "./hooks/use-theme.js";
import { LiveRun } from "./LiveRun.js";
import {
	isFile,
	isLikelyFor,
	joinFolder,
	listCheckpoints,
	listCsvFiles,
	resolveTyped,
	suggestFor,
} from "./model/files.js";
import { envKeysFrom } from "./model/key-choices.js";
import { clampConcurrency } from "./model/plan.js";
import { toKeyLane } from "./model/verify-key.js";
import { FileStep } from "./screens/FileStep.js";
import { type KeyReady, KeyStep } from "./screens/KeyStep.js";
import { MappingFlow } from "./screens/MappingFlow.js";
import { type PlanCheck, PlanStep } from "./screens/PlanStep.js";
import { type ResumeChoice, ResumeStep } from "./screens/ResumeStep.js";
import type { CheckpointInfo, UiServices, WizardPrefill } from "./services.js";

/** How the TUI ended: the exit code, and lines to print once Ink has let go of the terminal. */
export interface AppResult {
	readonly code: number;
	readonly message?: string | undefined;
}

export interface AppProps {
	readonly services: UiServices;
	readonly prefill?: WizardPrefill | undefined;
	/** Called once, just before the app exits. */
	readonly onResult: (result: AppResult) => void;
}

type Stage =
	| { readonly kind: "loading" }
	| { readonly kind: "resume"; readonly checkpoints: readonly CheckpointInfo[] }
	| { readonly kind: "file"; readonly pass: PassName; readonly error?: string }
	| { readonly kind: "mapping" }
	| { readonly kind: "key" }
	| { readonly kind: "plan"; readonly check: PlanCheck }
	| { readonly kind: "run" }
	| { readonly kind: "failed"; readonly message: string };

interface Live {
	readonly run: ImportRun;
	readonly store: ProgressStore;
	readonly controller: AbortController;
}

const NEXT_FILE: Readonly<Record<PassName, PassName | undefined>> = {
	customers: "contacts",
	contacts: "onboardings",
	onboardings: undefined,
};

/** The root: owns the wizard's choices, the run, `exit()` and the one AbortController. */
export function App({ services, prefill, onResult }: AppProps) {
	const { exit } = useApp();
	const theme = useTheme();
	const isActive = useIsInputActive();
	const { folder, settings } = services;
	const [stage, setStage] = useState<Stage>({ kind: "loading" });
	const [names, setNames] = useState<readonly string[]>([]);
	const [files, setFiles] = useState<Partial<Record<PassName, string>>>({});
	const [resumeFrom, setResumeFrom] = useState<CheckpointInfo>();
	const [isFresh, setIsFresh] = useState(false);
	const [key, setKey] = useState<KeyReady>();
	const [live, setLive] = useState<Live>();
	const [summary, setSummary] = useState<ImportSummary>();
	const [failuresCsvPath, setFailuresCsvPath] = useState<string>();
	// How the files are read: `--map` etc. from the command line, or the mapping step's map.
	const [source, setSource] = useState<SourceOptions | undefined>(prefill?.source);
	const isDone = useRef(false);

	const finish = useCallback(
		(result: AppResult) => {
			if (isDone.current) return;
			isDone.current = true;
			onResult(result);
			exit();
		},
		[exit, onResult],
	);

	// The folder: its CSV files, and any checkpoint of an unfinished import.
	useEffect(() => {
		let isCancelled = false;
		if (prefill?.isFixed && prefill.customers) {
			const { customers, contacts, onboardings } = prefill;
			setFiles({ customers, ...(contacts ? { contacts } : {}), ...(onboardings ? { onboardings } : {}) });
			setIsFresh(prefill.fresh ?? false);
			// The plan step says so when an earlier run of these files will be resumed.
			const checkpointPath = prefill.checkpointPath ?? `${customers}.checkpoint.json`;
			services
				.readCheckpoint(checkpointPath)
				.catch(() => undefined)
				.then((found) => {
					if (!isCancelled && found && !prefill.fresh) setResumeFrom(found);
					// A map given on the command line is used as it is; otherwise headers not ours are mapped here.
					if (!isCancelled) setStage({ kind: prefill.source?.map ? "key" : "mapping" });
				});
			return () => {
				isCancelled = true;
			};
		}
		(async () => {
			settings.setLastFolder(folder);
			const [csv, checkpointNames] = await Promise.all([listCsvFiles(folder), listCheckpoints(folder)]);
			const found = await Promise.all(
				checkpointNames.map((name) => services.readCheckpoint(join(folder, name)).catch(() => undefined)),
			);
			if (isCancelled) return;
			setNames(csv);
			const checkpoints = found.filter((c): c is CheckpointInfo => c !== undefined);
			setStage(
				checkpoints.length > 0 ? { kind: "resume", checkpoints } : { kind: "file", pass: "customers" },
			);
		})();
		return () => {
			isCancelled = true;
		};
	}, [folder, services, settings, prefill]);

	const sourceFiles = (): SourceFiles => ({
		customers: files.customers ?? "",
		contacts: files.contacts,
		onboardings: files.onboardings,
	});

	// The plan step: validate the files once the key is known.
	// biome-ignore lint/correctness/useExhaustiveDependencies: the files are fixed by the time the plan step shows
	useEffect(() => {
		if (stage.kind !== "plan" || stage.check.kind !== "checking") return;
		let isCancelled = false;
		services.checkSources(sourceFiles(), source).then(
			(check) => !isCancelled && setStage({ kind: "plan", check: { kind: "checked", check } }),
			(error: unknown) =>
				!isCancelled &&
				setStage({
					kind: "plan",
					check: { kind: "error", message: error instanceof Error ? error.message : String(error) },
				}),
		);
		return () => {
			isCancelled = true;
		};
	}, [stage, services]);

	const stopRun = useCallback(() => live?.controller.abort(), [live]);

	useInput(
		(input, k) => {
			if (!(k.ctrl && input === "c")) return;
			if (!live) return finish({ code: 2, message: "Cancelled; nothing was sent." });
			// A second Ctrl+C while stopping leaves at once: the checkpoint is consistent at any instant.
			if (live.controller.signal.aborted)
				return finish(interruptedResult(live.store.getSnapshot().checkpointPath, prefill?.isFixed ?? false));
			stopRun();
		},
		{ isActive },
	);

	const chooseResume = (choice: ResumeChoice) => {
		if (choice.kind === "new") return setStage({ kind: "file", pass: "customers" });
		const { sources } = choice.checkpoint;
		setFiles({
			...(sources.customers ? { customers: sources.customers } : {}),
			...(sources.contacts ? { contacts: sources.contacts } : {}),
			...(sources.onboardings ? { onboardings: sources.onboardings } : {}),
		});
		setResumeFrom(choice.checkpoint);
		setIsFresh(choice.kind === "fresh");
		setStage({ kind: "mapping" });
	};

	const chooseFile = async (pass: PassName, nameOrPath: string | undefined) => {
		if (nameOrPath === undefined) {
			const { [pass]: _dropped, ...rest } = files;
			setFiles(rest);
		} else {
			const path = names.includes(nameOrPath)
				? joinFolder(folder, nameOrPath)
				: resolveTyped(folder, nameOrPath);
			if (!(await isFile(path))) return setStage({ kind: "file", pass, error: `No such file: ${path}` });
			setFiles((f) => ({ ...f, [pass]: path }));
		}
		const next = NEXT_FILE[pass];
		setStage(next ? { kind: "file", pass: next } : { kind: "mapping" });
	};

	const startRun = (concurrency: number, check: Extract<PlanCheck, { kind: "checked" }>["check"]) => {
		if (!key || !files.customers) return;
		const fingerprint = key.key.fingerprint;
		settings.setConcurrency(fingerprint, concurrency);
		const plan: ImportPlan = {
			files: sourceFiles(),
			keyFingerprint: fingerprint,
			keyFingerprints: key.keys.map((k) => k.key.fingerprint),
			baseUrl: services.baseUrl,
			concurrency,
			fresh: isFresh,
			check: {
				counts: check.counts,
				fingerprints: check.fingerprints,
				...(check.mapFingerprints ? { mapFingerprints: check.mapFingerprints } : {}),
			},
			...(source ? { source } : {}),
			...(resumeFrom
				? { checkpointPath: resumeFrom.path }
				: prefill?.checkpointPath
					? { checkpointPath: prefill.checkpointPath }
					: {}),
			...(services.windowMs === undefined ? {} : { windowMs: services.windowMs }),
		};
		const controller = new AbortController();
		const store = new ProgressStore({ now: services.now });
		const run = services.startImport(
			plan,
			{ client: key.client, keys: key.keys.map((k) => toKeyLane(k.key, k.client)), now: services.now },
			{ signal: controller.signal },
		);
		run.subscribe((event) => {
			store.dispatch(event);
			if (event.type === "run-started") settings.recordRun(fingerprint, event.runId);
		});
		setLive({ run, store, controller });
		setStage({ kind: "run" });
		watch(run, run.done, store);
	};

	const watch = (run: ImportRun, done: Promise<ImportSummary>, store: ProgressStore) => {
		done.then(
			async (result) => {
				if (result.outcome === "interrupted") {
					await run.close().catch(() => undefined);
					return finish(interruptedResult(result.checkpointPath, prefill?.isFixed ?? false));
				}
				const hasFailures = Object.values(result.passes).some((p) => p.failed + p.blocked > 0);
				if (hasFailures && files.customers) {
					const path = failuresPathFor(files.customers);
					await writeFailuresCsv(path, sourceFiles(), (pass, k) => run.state(pass, k), source).then(
						() => setFailuresCsvPath(path),
						() => setFailuresCsvPath(undefined),
					);
				}
				setSummary(result);
			},
			(error: unknown) => {
				store.close();
				setStage({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
			},
		);
	};

	useInput(
		(input, k) => {
			if (stage.kind === "failed" && (input === "q" || k.return || k.escape)) finish({ code: 2 });
		},
		{ isActive: isActive && stage.kind === "failed" },
	);

	switch (stage.kind) {
		case "loading":
			return <Text dimColor>Looking in {folder}…</Text>;
		case "resume":
			return <ResumeStep checkpoints={stage.checkpoints} onChoose={chooseResume} />;
		case "file": {
			const ordered =
				stage.pass === "customers"
					? names
					: suggestFor(
							stage.pass,
							names,
							files.customers,
							stage.pass === "onboardings" && files.contacts ? [files.contacts] : [],
						);
			const wanted = prefill?.[stage.pass];
			const initial =
				files[stage.pass] !== undefined
					? basename(files[stage.pass] ?? "")
					: (wanted ??
						(stage.pass === "customers"
							? (ordered.find((name) => isLikelyFor("customers", name)) ?? ordered[0])
							: isLikelyFor(stage.pass, ordered[0])
								? ordered[0]
								: undefined));
			return (
				<FileStep
					key={stage.pass}
					pass={stage.pass}
					folder={folder}
					names={ordered}
					initial={initial}
					isOptional={stage.pass !== "customers"}
					chosen={files.customers && stage.pass !== "customers" ? basename(files.customers) : undefined}
					error={stage.error}
					onChoose={(name) => void chooseFile(stage.pass, name)}
					onBack={
						stage.pass === "customers"
							? undefined
							: () =>
									setStage({ kind: "file", pass: stage.pass === "onboardings" ? "contacts" : "customers" })
					}
				/>
			);
		}
		case "mapping":
			return (
				<MappingFlow
					files={files}
					services={services}
					source={source}
					onDone={(map) => {
						setSource((s) => ({ ...s, map }));
						setStage({ kind: "key" });
					}}
					onBack={() => setStage({ kind: "file", pass: "customers" })}
				/>
			);
		case "key":
			return (
				<KeyStep
					envKeys={services.envKeys ?? envKeysFrom(services.env)}
					settings={settings}
					createClient={services.createClient}
					runId={resumeFrom?.runId}
					windowMs={services.windowMs}
					onReady={(ready) => {
						setKey(ready);
						setStage({ kind: "plan", check: { kind: "checking" } });
					}}
					onBack={() => setStage({ kind: "file", pass: "customers" })}
					onRefused={() => finish({ code: 4, message: "The API key was refused; nothing was sent." })}
				/>
			);
		case "plan":
			if (!key) return null;
			return (
				<PlanStep
					files={sourceFiles()}
					check={stage.check}
					keyInfo={key.key}
					windowMs={services.windowMs}
					concurrency={clampConcurrency(
						prefill?.concurrency ??
							settings.concurrencyFor(key.key.fingerprint) ??
							defaultConcurrency(key.key.limit),
					)}
					isResume={resumeFrom !== undefined && !isFresh}
					isFresh={isFresh}
					onConfirm={(c) => stage.check.kind === "checked" && startRun(c, stage.check.check)}
					onBack={() => setStage({ kind: "key" })}
					onQuit={() =>
						finish({
							code: 2,
							message:
								stage.check.kind === "checked" && stage.check.check.problemCount > 0
									? `${stage.check.check.problemCount} invalid rows; nothing was sent. Fix them and run again.`
									: "Cancelled; nothing was sent.",
						})
					}
				/>
			);
		case "run":
			if (!live) return null;
			return (
				<LiveRun
					run={live.run}
					store={live.store}
					stop={stopRun}
					summary={summary}
					customersFile={files.customers ?? ""}
					failuresCsvPath={failuresCsvPath}
					now={services.now}
					onConcurrency={(c) => key && settings.setConcurrency(key.key.fingerprint, c)}
					onRetry={(which) => {
						setSummary(undefined);
						watch(live.run, live.run.retryFailed(which), live.store);
					}}
					onExport={async () => {
						const path = failuresPathFor(files.customers ?? join(folder, "import"));
						await writeFailuresCsv(path, sourceFiles(), (pass, k) => live.run.state(pass, k), source);
						setFailuresCsvPath(path);
						return path;
					}}
					onQuit={() => {
						const result = summary;
						void live.run.close().catch(() => undefined);
						finish(
							result
								? { code: exitCodeFor(result) }
								: interruptedResult(live.store.getSnapshot().checkpointPath, prefill?.isFixed ?? false),
						);
					}}
				/>
			);
		case "failed":
			return (
				<Box flexDirection="column">
					<Text {...theme.tint("error")}>{stage.message}</Text>
					<Text dimColor>Nothing more was sent. Press q to quit.</Text>
				</Box>
			);
	}
}

function failuresPathFor(customersFile: string): string {
	return join(dirname(customersFile), `${basename(customersFile, ".csv")}.failures.csv`);
}

function interruptedResult(checkpointPath: string, isFixed: boolean): AppResult {
	// The wizard finds checkpoints by their default name in the folder; a command line named its own.
	const again =
		isFixed || !checkpointPath.endsWith(".checkpoint.json")
			? "Run the same command again"
			: `Run pivotal-tui in ${dirname(checkpointPath)} again`;
	return {
		code: 3,
		message: `Stopped. Progress is saved in ${checkpointPath || "the checkpoint"}.\n${again} to resume where it left off.`,
	};
}
