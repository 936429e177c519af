/**
 * What the wizard hands the engine, built from its choices: the import's plan and the undo's
 * request. Pure, so the session hook only does the mechanics of starting and watching.
 */

import type { ImportDeps, ImportPlan } from "../../core/run-types.js";
import type { UndoRequest } from "../../core/undo/undo-run.js";
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

export function importPlanFor(
	state: Pick<WizardState, "files" | "isFresh" | "rules">,
	key: KeyReady,
	check: SourceCheck,
	source: SourceOptions | undefined,
	concurrency: number,
	context: RunContext,
): ImportPlan {
	return {
		files: sourceFilesOf(state),
		keyFingerprint: key.key.fingerprint,
		keyFingerprints: key.keys.map((k) => k.key.fingerprint),
		baseUrl: context.baseUrl,
		concurrency,
		fresh: state.isFresh,
		check: {
			counts: check.counts,
			fingerprints: check.fingerprints,
			...(check.mapFingerprints ? { mapFingerprints: check.mapFingerprints } : {}),
		},
		...(source ? { source } : {}),
		...(state.rules ? { rules: state.rules } : {}),
		checkpointPath: context.checkpointPath,
		...(context.windowMs === undefined ? {} : { windowMs: context.windowMs }),
	};
}

/** Undo of the most recent run, through the keys the import used. */
export function undoRequestFor(
	key: KeyReady,
	concurrency: number | undefined,
	context: RunContext,
): UndoRequest {
	return {
		checkpointPath: context.checkpointPath,
		scope: { kind: "last" },
		keyFingerprint: key.key.fingerprint,
		baseUrl: context.baseUrl,
		...(concurrency === undefined ? {} : { concurrency }),
		...(context.windowMs === undefined ? {} : { windowMs: context.windowMs }),
	};
}

/** The engine's side of the keys: one lane per verified key, the first key's client first. */
export function depsFor(key: KeyReady, now: () => number): ImportDeps {
	return { client: key.client, keys: key.keys.map((k) => toKeyLane(k.key, k.client)), now };
}
