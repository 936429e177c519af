/**
 * What the wizard hands the application layer, built from its choices: the import to run (the
 * same `RunnableImport` and `RunnablePlan` the CLI's `startImportRun` takes) and the undo to run.
 * Pure, so the session hook only does the mechanics of starting and watching.
 */

import type { RunnableImport, RunnablePlan, RunOptions } from "../../app/apply-import.js";
import type { RunnableUndo } from "../../app/undo.js";
import type { KeyLane } from "../../core/run-types.js";
import type { SourceOptions } from "../../source/index.js";
import type { KeyReady } from "../screens/KeyStep.js";
import type { SourceCheck } from "../services.js";
import { toKeyLane } from "./verify-key.js";
import { sourceFilesOf, type WizardState } from "./wizard-state.js";

export interface RunContext {
	readonly baseUrl: string;
	/** The window when told (`--window`, `PIVOTAL_WINDOW_SECONDS`); else the engine learns it. */
	readonly windowMs?: number | undefined;
	readonly checkpointPath: string;
}

/** An import as the wizard starts it. */
export interface ImportRequest {
	readonly opened: RunnableImport;
	readonly planned: RunnablePlan;
	readonly options: Pick<RunOptions, "concurrency" | "windowMs">;
}

/** An undo as the wizard starts it. */
export interface UndoRunRequest {
	readonly undo: RunnableUndo;
	readonly options: Pick<RunOptions, "concurrency" | "windowMs">;
}

export function importPlanFor(
	state: Pick<WizardState, "files" | "isFresh" | "rules">,
	check: SourceCheck,
	source: SourceOptions | undefined,
	concurrency: number,
	context: RunContext,
): ImportRequest {
	return {
		opened: {
			files: sourceFilesOf(state),
			source: source ?? {},
			statePath: context.checkpointPath,
			baseUrl: context.baseUrl,
			fresh: state.isFresh,
			check: {
				counts: check.counts,
				fingerprints: check.fingerprints,
				...(check.mapFingerprints ? { mapFingerprints: check.mapFingerprints } : {}),
				// What the plan step's read learnt: each pass then reads its file once, as the CLI's run does.
				...(check.known ? { known: check.known } : {}),
			},
		},
		// The wizard offers the rules as toggles; failed records are retried from the summary.
		// The state as the plan step read it: a run in another shell since makes the plan stale.
		planned: {
			rules: state.rules ?? {},
			retryFailed: false,
			recreate: false,
			...(check.stateSeen === undefined ? {} : { expectState: check.stateSeen }),
		},
		options: { concurrency, windowMs: context.windowMs },
	};
}

/** Undo of the most recent run (the session runs it on the keys the import used). */
export function undoRequestFor(concurrency: number | undefined, context: RunContext): UndoRunRequest {
	return {
		undo: { statePath: context.checkpointPath, scope: { kind: "last" }, baseUrl: context.baseUrl },
		options: { concurrency, windowMs: context.windowMs },
	};
}

/** The engine's side of the keys: one lane per verified key, the first key's first. */
export function lanesFor(key: KeyReady): readonly KeyLane[] {
	return key.keys.map((k) => toKeyLane(k.key, k.client));
}
