/**
 * Writing a plan file a line at a time: the head (fingerprints, counts), then the planner is run
 * over the files once more and each operation goes straight to the file and the digest, so a
 * plan of a million records never sits in memory (a second read of the files is the price). Written to a temporary file and renamed: a
 * plan file is whole or absent, never half written.
 */

import { closeSync, openSync, writeSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { PASSES, type PassName } from "../../model/records.js";
import type { SourceOptions } from "../../source/index.js";
import type { CheckpointData } from "../checkpoint/index.js";
import type { SourceCheckSummary, SourceFiles } from "../run-types.js";
import { sha256Of } from "../source-hash.js";
import type { SyncPlan } from "./make-plan.js";
import {
	headText,
	OperationsDigest,
	operationText,
	PLAN_FORMAT,
	PLAN_VERSION,
	type PlanHead,
	pathInPlan,
	planDigest,
	planRules,
	tailText,
} from "./plan-file.js";
import { eachPlanOperation, planCounts } from "./plan-operations.js";
import { nextRun, stateFingerprint } from "./state-fingerprint.js";
import type { SyncRules } from "./sync-rules.js";

export interface WritePlanInput {
	readonly planOut: string;
	readonly files: SourceFiles;
	readonly check: SourceCheckSummary;
	readonly source: SourceOptions;
	/** The `--map` file as given (its bytes are fingerprinted). */
	readonly mapPath: string | undefined;
	readonly state: CheckpointData | undefined;
	/** The state file; undefined when the state is not a file. */
	readonly statePath: string | undefined;
	/** The import's name when the state is in a database (then `statePath` is not written). */
	readonly stateName?: string | undefined;
	readonly baseUrl: string;
	readonly workspace: { readonly id: string; readonly name: string } | undefined;
	readonly options: { readonly retryFailed: boolean; readonly recreate: boolean };
	/** The sync rules the dry run planned under. @default none */
	readonly rules?: SyncRules | undefined;
	/** The dry run's plan: its counts head the file. */
	readonly plan: SyncPlan;
	/** @default Date.now */
	readonly now?: () => number;
}

export async function writePlanFile(input: WritePlanInput): Promise<void> {
	const { planOut } = input;
	const files = {} as Record<PassName, PlanHead["files"][PassName]>;
	for (const pass of PASSES) {
		const file = input.files[pass];
		const sha256 = input.check.fingerprints[pass];
		files[pass] =
			file && sha256
				? { path: pathInPlan(planOut, file), sha256, rows: input.check.counts[pass] ?? 0 }
				: null;
	}
	const head: PlanHead = {
		format: PLAN_FORMAT,
		version: PLAN_VERSION,
		createdAt: new Date((input.now ?? Date.now)()).toISOString(),
		baseUrl: input.baseUrl,
		workspace: input.workspace ? { id: input.workspace.id, name: input.workspace.name } : null,
		files,
		map: input.mapPath
			? { path: pathInPlan(planOut, input.mapPath), sha256: await sha256Of(input.mapPath) }
			: null,
		source: {
			encoding: input.source.encoding ?? null,
			delimiter: input.source.delimiter ?? null,
		},
		state: {
			path: input.statePath && input.stateName === undefined ? pathInPlan(planOut, input.statePath) : null,
			...(input.stateName === undefined ? {} : { kind: "postgres" as const, name: input.stateName }),
			fingerprint: stateFingerprint(input.state),
			run: nextRun(input.state),
		},
		options: { retryFailed: input.options.retryFailed, recreate: input.options.recreate },
		rules: planRules(input.rules),
		counts: Object.fromEntries(
			PASSES.map((pass) => [pass, planCounts(input.plan.passes[pass])]),
		) as PlanHead["counts"],
		requests: input.plan.requests,
	};
	const temporary = `${planOut}.${process.pid}.tmp`;
	// Synchronous writes of batched lines: the planner calls back synchronously, and memory stays
	// at one batch whatever the disk's speed.
	const fd = openSync(temporary, "w", 0o644);
	let batch = "";
	const write = (text: string, isLast = false) => {
		batch += text;
		if (batch.length >= BATCH_CHARS || isLast) {
			writeSync(fd, batch);
			batch = "";
		}
	};
	try {
		const digest = new OperationsDigest();
		write(headText(head));
		await eachPlanOperation(
			{
				files: input.files,
				source: input.source,
				state: input.state,
				retryFailed: input.options.retryFailed,
				recreate: input.options.recreate,
				rules: input.rules ?? {},
			},
			(operation) => {
				write(operationText(operation, digest.count));
				digest.add(operation);
			},
		);
		write(tailText(digest.count, planDigest(head, digest.digest())), true);
		closeSync(fd);
		await rename(temporary, planOut);
	} catch (error) {
		try {
			closeSync(fd);
		} catch {
			// Closed already: the rename failed.
		}
		await rm(temporary, { force: true });
		throw error;
	}
}

const BATCH_CHARS = 64 * 1024;
