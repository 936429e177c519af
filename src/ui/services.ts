import type { PivotalClient } from "../api/types.js";
import type { RunOptions } from "../app/apply-import.js";
import type { Settings } from "../config/settings.js";
import type { SyncPlan } from "../core/plan/make-plan.js";
import type { SyncRules } from "../core/plan/sync-rules.js";
import type { ImportRun, KeyLane, SourceCheckSummary, SourceFiles } from "../core/run-types.js";
import type { UndoPlan, UndoScope } from "../core/undo/undo-plan.js";
import type { PassName } from "../model/records.js";
import type { DistinctValues, FileSample, MapLoad, SourceOptions } from "../source/index.js";
import type { SampleRows } from "../source/sample.js";
import type { EnvKey } from "./model/key-choices.js";
import type { ImportRequest, UndoRunRequest } from "./model/run-requests.js";

/**
 * `checkAndPlan`'s rejection when another run (a headless import, another wizard) holds the
 * state: the plan step says so at once, names the holder, and offers no start (exit 6).
 */
export class StateHeldError extends Error {
	override readonly name = "StateHeldError";
}

/** What the plan step needs from validating the source files. */
export interface SourceCheck {
	/** Rows per pass (0 for a pass without a file). */
	readonly counts: Readonly<Record<PassName, number>>;
	/** Hash of each file, handed to the engine so it does not read the files twice. */
	readonly fingerprints: Readonly<Record<PassName, string | undefined>>;
	readonly problemCount: number;
	/** Each problem as one line, `file:line: what is wrong` (possibly only the first few). */
	readonly problems: readonly string[];
	/** SHA-256 of the map section each file was read through, for the state. */
	readonly mapFingerprints?: Readonly<Record<PassName, string | undefined>>;
	/** How each file was read, one line each (delimiter, encoding, map, ignored columns). */
	readonly formats?: Readonly<Record<PassName, string | undefined>>;
	/** What validation learnt of the files, handed to the run so each pass reads its file once (as the CLI's). */
	readonly known?: SourceCheckSummary["known"];
	/**
	 * The state the plan was made against (`stateFingerprint`): the run refuses to start on another
	 * (a run in another shell wrote it after the plan was shown).
	 */
	readonly stateSeen?: string;
}

/** The files validated and, when every row passed, planned (in the same read). */
export interface CheckedSources {
	readonly check: SourceCheck;
	/** Undefined when a row or file has a problem: nothing is planned from such files. */
	readonly plan?: SyncPlan | undefined;
}

/** A file's first rows as the mapping step shows them. */
export interface SourceSample extends FileSample {
	/** How it was read, e.g. `";"-delimited, UTF-8`. */
	readonly formatLine: string;
}

/** What the undo step shows before asking: the plan, and the workspace the state was written in. */
export interface UndoPreview {
	readonly plan: UndoPlan;
	/** The state header's `workspace.name`; absent in states written before it was kept. */
	readonly workspace?: string | undefined;
	/** The import's last run: later than the plan's when the runs since changed nothing (finding X8). */
	readonly lastRun?: number;
	/** Creates that got no answer, which may be in Pivotal: this undo cannot take them back. */
	readonly createsInDoubt?: number;
	/** Of those, creates Pivotal said landed that the import did not find since (`landed_not_found`). */
	readonly landedNotFound?: number;
	/** The run the plan takes back when it was interrupted. */
	readonly interrupted?: number | undefined;
}

/** What the resume step shows about a checkpoint found in the folder. */
export interface CheckpointInfo {
	readonly path: string;
	readonly runId: string;
	readonly keyFingerprint: string;
	readonly updatedAt: string;
	/** Source file paths recorded in the checkpoint. */
	readonly sources: Readonly<Record<PassName, string | undefined>>;
	readonly counts: Readonly<
		Record<PassName, { readonly done: number; readonly failed: number; readonly total: number }>
	>;
	/** Its last run finished, and no create is left in doubt (adversarial findings U4, U6). */
	readonly isFinished: boolean;
	/** Creates it holds that may have made records in Pivotal: starting over does not know them (finding AF5). */
	readonly createsInDoubt?: number;
	/** Why it cannot be read (damaged, or written by a newer version): only starting over is offered (finding U12). */
	readonly damaged?: string | undefined;
}

/**
 * Every side effect the TUI makes, injected: tests pass a simulator URL, a temporary settings
 * folder and a fixed clock; `runInteractive` wires the real modules.
 */
export interface UiServices {
	/** Folder the file step lists. */
	readonly folder: string;
	readonly baseUrl: string;
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Keys the key step offers from the environment. @default `PIVOTAL_API_KEY` of `env`, when set */
	readonly envKeys?: readonly EnvKey[] | undefined;
	readonly settings: Settings;
	/** @default Date.now */
	readonly now: () => number;
	/** The server's rate-limit window (the simulator's may be short). @default 60000 */
	readonly windowMs?: number | undefined;
	/** A client for `apiKey`; `others`: the rest of the pool, masked in its answers as its own key is. */
	createClient(apiKey: string, others?: readonly string[]): PivotalClient;
	/** The app layer's `startImportRun`, on the keys the key step verified. */
	startImport(request: ImportRequest, lanes: readonly KeyLane[], options: RunOptions): ImportRun;
	/**
	 * The plan step's reading, the CLI's own (`checkImport`, then `planImport`): every row of the
	 * files validated and, when all pass, planned in the same read against the state at
	 * `checkpointPath` (none when `fresh`): per pass what is created, updated, left alone,
	 * blocked. Read only, nothing is sent. Rejects with the sentence when the state is unreadable,
	 * as a `StateHeldError` when another run holds it.
	 */
	checkAndPlan(
		files: SourceFiles,
		source: SourceOptions | undefined,
		checkpointPath: string,
		fresh: boolean,
		/** The plan step's toggles; the plan counts what each rule would change either way. */
		rules?: SyncRules,
	): Promise<CheckedSources>;
	/** What undoing the most recent run (or every run) of the state at `checkpointPath` would do. */
	planUndo(checkpointPath: string, scope?: UndoScope): Promise<UndoPreview>;
	/** The app layer's `startUndoRun`. */
	startUndo(request: UndoRunRequest, lanes: readonly KeyLane[], options: RunOptions): ImportRun;
	/**
	 * The likely code page of a CSV that is not UTF-8 (no BOM), offered before the mapping step;
	 * undefined when the file is UTF-8, has a BOM, or is a workbook.
	 */
	detectEncoding(file: string): Promise<string | undefined>;
	/** The sheets of an .xlsx workbook, in tab order; rejects with the sentence saying why not. */
	listSheets(file: string): Promise<readonly string[]>;
	/** The header and first rows of a file, for the mapping step. */
	sampleSource(file: string, source?: SourceOptions, which?: SampleRows): Promise<SourceSample>;
	/** Distinct values (with counts) of source columns, for the mapping step's values. */
	distinctValues(
		file: string,
		columns: readonly number[],
		source?: SourceOptions,
	): Promise<readonly DistinctValues[]>;
	/** The map file at `path`; undefined when there is none. */
	loadMap(path: string): Promise<MapLoad | undefined>;
	/** `undefined` when the file is not a readable checkpoint. */
	readCheckpoint(path: string): Promise<CheckpointInfo | undefined>;
	writeFile(path: string, text: string): Promise<void>;
	/**
	 * Calls `listener` when the process is asked to stop from outside (SIGTERM, or SIGHUP when the
	 * terminal goes): the app stops as on Ctrl+C. Returns the unsubscribe. @default none
	 */
	onInterrupt?(listener: () => void): () => void;
}

/** Choices made before the wizard opens (`demo`, or a relaunch). */
export interface WizardPrefill {
	readonly customers?: string;
	readonly contacts?: string;
	readonly onboardings?: string;
	/**
	 * The files were chosen on the command line (`pivotal-tui import FILE` on a terminal): skip
	 * the resume and file steps and start at the key.
	 * @default false
	 */
	readonly isFixed?: boolean;
	/** `--fresh`. @default false */
	readonly fresh?: boolean;
	/** `--checkpoint`. @default beside the customers file */
	readonly checkpointPath?: string;
	/** `--concurrency`: the plan step starts from it. @default the key's saved choice, else from its limit */
	readonly concurrency?: number;
	/** `--map`, `--encoding`, `--delimiter`: how the fixed files are read. @default our headers, UTF-8 */
	readonly source?: SourceOptions;
}
