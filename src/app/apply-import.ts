/**
 * Apply an import's plan: the engine sends it, paced per key, retried with idempotency keys and
 * checkpointed record by record. Progress comes as typed events (`ImportEvent`); the returned
 * run can be paused, stopped, retried and asked for each record's outcome.
 */

import { startImport } from "../core/engine.js";
import type { ImportEvent } from "../core/events.js";
import { EXIT } from "../core/exit-codes.js";
import type { ImportDeps, ImportRun, KeyLane, SourceCheckSummary } from "../core/run-types.js";
import type { OpenedImport } from "./open-import.js";
import { runOptionsProblem } from "./option-checks.js";
import { type Outcome, refusal } from "./outcome.js";
import type { PlannedImport } from "./plan-import.js";
import { type KeyOptions, onLanes } from "./run-lanes.js";
import { staleImportRefusal, stateSeenBy } from "./stale-import.js";

export interface RunOptions {
	/** Requests in flight at most. @default chosen from the keys' rate limit */
	readonly concurrency?: number | undefined;
	/** The server's rate-limit window, ms, when told. @default learnt from the server's headers */
	readonly windowMs?: number | undefined;
	/** Aborting it stops the run gracefully (outcome `interrupted`, resumable). */
	readonly signal?: AbortSignal | undefined;
	/** Every event of the run, from its start. */
	readonly onEvent?: ((event: ImportEvent) => void) | undefined;
	/** @default Date.now */
	readonly now?: (() => number) | undefined;
}

/**
 * What a run needs of an opened import: the CLI's `OpenedImport`, or what the wizard has
 * validated itself (it checks the files step by step, with its own screens).
 */
export type RunnableImport = Pick<OpenedImport, "files" | "source" | "statePath" | "baseUrl" | "fresh"> & {
	readonly check: SourceCheckSummary;
	readonly database?: OpenedImport["database"];
};

/** What a run needs of a plan: the rules and options it was made under. */
export type RunnablePlan = Pick<PlannedImport, "rules" | "retryFailed" | "recreate"> & {
	/**
	 * The saved plan this run applies (`planMarkOf` its digest): recorded as the run starts, so
	 * that only this plan's apply may resume the run if it stops. @default none
	 */
	readonly planMark?: number | undefined;
	/** The state as the saved plan's check saw it (`stateFingerprint`): another is refused at open. */
	readonly expectState?: string | undefined;
};

export interface ApplyImportOptions extends RunOptions, KeyOptions {}

/**
 * Starts the run; refused (nothing sent) when a key is unsound, the keys disagree, or a file, the
 * map or the state changed since the import was opened and planned (a stale plan: plan again).
 */
export function applyImport(
	opened: OpenedImport,
	planned: PlannedImport,
	options: ApplyImportOptions,
): Promise<Outcome<ImportRun>> {
	const problem = runOptionsProblem(options);
	if (problem !== undefined) return Promise.resolve(refusal(problem, EXIT.usage));
	return applyCurrent(opened, planned, options);
}

async function applyCurrent(
	opened: OpenedImport,
	planned: PlannedImport,
	options: ApplyImportOptions,
): Promise<Outcome<ImportRun>> {
	const stale = await staleImportRefusal(opened);
	if (stale !== undefined) return stale;
	const expectState = stateSeenBy(opened);
	const checked = expectState === undefined ? planned : { ...planned, expectState };
	return onLanes(opened.baseUrl, options, (lanes) => ({
		ok: true,
		value: startImportRun(opened, checked, lanes, options),
	}));
}

/** The run itself, on keys already connected. */
export function startImportRun(
	opened: RunnableImport,
	planned: RunnablePlan,
	lanes: readonly KeyLane[],
	options: RunOptions,
): ImportRun {
	const [first] = lanes;
	if (!first) throw new Error("An import needs at least one key.");
	const run = startImport(
		{
			files: opened.files,
			checkpointPath: opened.statePath,
			keyFingerprint: first.fingerprint,
			keyFingerprints: lanes.map((lane) => lane.fingerprint),
			baseUrl: opened.baseUrl,
			fresh: opened.fresh,
			...(planned.planMark === undefined ? {} : { planMark: planned.planMark }),
			...(planned.expectState === undefined ? {} : { expectState: planned.expectState }),
			retryFailed: planned.retryFailed,
			recreate: planned.recreate,
			rules: planned.rules,
			...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
			check: opened.check,
			source: opened.source,
			...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
		},
		depsOf(lanes, opened.database, options),
		options.signal ? { signal: options.signal } : {},
	);
	if (options.onEvent) run.subscribe(options.onEvent);
	return run;
}

/** The engine's side of the keys: one lane per key, the first key's client first. */
export function depsOf(
	lanes: readonly KeyLane[],
	database: RunnableImport["database"],
	options: Pick<RunOptions, "now">,
): ImportDeps {
	const [first] = lanes;
	if (!first) throw new Error("A run needs at least one key.");
	return {
		client: first.client,
		keys: lanes,
		...(database ? { openState: database.open } : {}),
		...(options.now ? { now: options.now } : {}),
	};
}
