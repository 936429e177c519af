/**
 * `import … --dry-run --plan-out PLAN.json`: the dry run's plan, saved for `apply`. Written to a
 * temporary file and renamed, so a plan file is whole or absent, never half written.
 */

import { rename, writeFile } from "node:fs/promises";
import { createClient } from "../api/client.js";
import type { CheckpointData } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import type { SyncPlan } from "../core/plan/make-plan.js";
import {
	hasChanges,
	PLAN_FORMAT,
	PLAN_VERSION,
	type PlanBody,
	type PlanOperation,
	pathInPlan,
	planOperation,
	serializePlan,
} from "../core/plan/plan-file.js";
import type { Operation } from "../core/plan/planner.js";
import { nextRun, stateFingerprint } from "../core/plan/state-fingerprint.js";
import type { SourceCheckSummary, SourceFiles } from "../core/run-types.js";
import { sha256Of } from "../core/source-hash.js";
import { PASSES, type PassName, type SourceRecord } from "../model/records.js";
import { hostOf } from "../report/run-report.js";
import type { CommandIo, ImportFlags } from "./import-command.js";
import { outputPathProblem } from "./output-paths.js";

/** Collects the operations of a dry run for the plan file, in file order. */
export function collectOperations(): {
	readonly operations: PlanOperation[];
	readonly onOperation: (record: SourceRecord, op: Operation) => void;
} {
	const operations: PlanOperation[] = [];
	return {
		operations,
		onOperation: (record, op) => {
			const entry = planOperation(record, op);
			if (entry) operations.push(entry);
		},
	};
}

export interface PlanOutInput {
	readonly planOut: string;
	readonly files: SourceFiles;
	readonly check: SourceCheckSummary;
	readonly mapPath: string | undefined;
	readonly encoding: string | undefined;
	readonly delimiter: string | undefined;
	readonly state: CheckpointData | undefined;
	/** The state file; undefined when the state is not a file. */
	readonly statePath: string | undefined;
	readonly baseUrl: string;
	readonly workspace: { readonly id: string; readonly name: string } | undefined;
	readonly options: { readonly retryFailed: boolean; readonly recreate: boolean };
	readonly plan: SyncPlan;
	readonly operations: readonly PlanOperation[];
	readonly now?: () => number;
}

export async function writePlanFile(input: PlanOutInput): Promise<void> {
	const { planOut } = input;
	const files = {} as Record<PassName, PlanBody["files"][PassName]>;
	for (const pass of PASSES) {
		const file = input.files[pass];
		const sha256 = input.check.fingerprints[pass];
		files[pass] =
			file && sha256
				? { path: pathInPlan(planOut, file), sha256, rows: input.check.counts[pass] ?? 0 }
				: null;
	}
	const body: PlanBody = {
		format: PLAN_FORMAT,
		version: PLAN_VERSION,
		createdAt: new Date((input.now ?? Date.now)()).toISOString(),
		baseUrl: input.baseUrl,
		workspace: input.workspace ? { id: input.workspace.id, name: input.workspace.name } : null,
		files,
		map: input.mapPath
			? { path: pathInPlan(planOut, input.mapPath), sha256: await sha256Of(input.mapPath) }
			: null,
		source: { encoding: input.encoding ?? null, delimiter: input.delimiter ?? null },
		state: {
			path: input.statePath ? pathInPlan(planOut, input.statePath) : null,
			fingerprint: stateFingerprint(input.state),
			run: nextRun(input.state),
		},
		options: { retryFailed: input.options.retryFailed, recreate: input.options.recreate },
		counts: Object.fromEntries(
			PASSES.map((pass) => [pass, { ...input.plan.passes[pass].ops }]),
		) as PlanBody["counts"],
		requests: input.plan.requests,
		operations: input.operations,
	};
	const temporary = `${planOut}.${process.pid}.tmp`;
	await writeFile(temporary, serializePlan(body), { mode: 0o644 });
	await rename(temporary, planOut);
}

/**
 * The workspace a plan is made for: the state's, or else the key's (one `GET /me`, a read) when
 * a key is set. Undefined when neither is known: `apply` then checks only the server.
 */
export async function planWorkspace(
	state: CheckpointData | undefined,
	baseUrl: string,
	apiKey: string | undefined,
): Promise<{ id: string; name: string } | undefined> {
	if (state?.header.workspace) return state.header.workspace;
	if (!apiKey) return undefined;
	const client = createClient({ baseUrl, apiKey, timeouts: { headersMs: 10_000, bodyMs: 10_000 } });
	try {
		const me = await client.me();
		return { id: me.data.organization.id, name: me.data.organization.name };
	} catch {
		// The dry run needs no key; the apply checks the key's workspace itself.
		return undefined;
	} finally {
		await client.close();
	}
}

/**
 * What `--plan-out`, `--detailed-exitcode` and the summary outputs ask of an import, checked
 * before any file is read: one sentence, or undefined.
 */
export function checkPlanOutputs(
	files: SourceFiles,
	flags: Pick<ImportFlags, "dryRun" | "planOut" | "detailedExitcode" | "summaryMd" | "map" | "fresh">,
	statePath: string,
	env: Readonly<Record<string, string | undefined>>,
): string | undefined {
	if (!flags.dryRun && flags.planOut !== undefined)
		return "--plan-out goes with --dry-run: pivotal-tui import CUSTOMERS.csv --dry-run --plan-out plan.json";
	if (flags.planOut !== undefined && flags.fresh)
		return "--plan-out cannot go with --fresh: apply runs against the state as it is; move the state aside first, then plan.";
	if (!flags.dryRun && flags.detailedExitcode)
		return "--detailed-exitcode goes with --dry-run: it says whether the plan has changes (exit 5) or none (exit 0).";
	const stepSummary = env.GITHUB_STEP_SUMMARY;
	return outputPathProblem(
		[
			...(flags.planOut ? [{ what: "--plan-out", path: flags.planOut }] : []),
			...(flags.summaryMd ? [{ what: "--summary-md", path: flags.summaryMd }] : []),
			...(stepSummary ? [{ what: "$GITHUB_STEP_SUMMARY", path: stepSummary }] : []),
		],
		[
			...PASSES.flatMap((pass) => {
				const file = files[pass];
				return file ? [{ what: `the ${pass} file`, path: file }] : [];
			}),
			...(flags.map ? [{ what: "the map", path: flags.map }] : []),
			{ what: "the state", path: statePath },
		],
	);
}

export interface SavePlanInput {
	readonly flags: Pick<
		ImportFlags,
		"planOut" | "detailedExitcode" | "map" | "encoding" | "delimiter" | "retryFailed" | "recreate"
	>;
	readonly files: SourceFiles;
	readonly check: SourceCheckSummary;
	readonly state: CheckpointData | undefined;
	readonly checkpointPath: string;
	readonly plan: SyncPlan;
	readonly collected: ReturnType<typeof collectOperations> | undefined;
	readonly io: CommandIo;
	readonly keys: readonly { readonly secret: string }[];
	readonly say: (text: string) => void;
	readonly baseUrl: string;
}

/** The end of a dry run: the plan saved when asked, and its exit code. */
export async function savePlan(input: SavePlanInput): Promise<number> {
	const { flags, io, plan } = input;
	if (io.report) Object.assign(io.report, { dryRun: true, plan, host: hostOf(input.baseUrl) ?? "" });
	if (flags.planOut && input.collected) {
		const workspace = await planWorkspace(input.state, input.baseUrl, input.keys[0]?.secret);
		await writePlanFile({
			planOut: flags.planOut,
			files: input.files,
			check: input.check,
			mapPath: flags.map,
			encoding: flags.encoding,
			delimiter: flags.delimiter,
			state: input.state,
			statePath: input.checkpointPath,
			baseUrl: input.baseUrl,
			workspace,
			options: { retryFailed: flags.retryFailed, recreate: flags.recreate },
			plan,
			operations: input.collected.operations,
		});
		if (io.report) {
			io.report.planFile = flags.planOut;
			if (workspace) io.report.workspace = workspace.name;
		}
		input.say(`Plan saved to ${flags.planOut}; after review: pivotal-tui apply ${flags.planOut}`);
	}
	const counts = Object.fromEntries(
		PASSES.map((pass) => [pass, plan.passes[pass].ops]),
	) as PlanBody["counts"];
	return flags.detailedExitcode && hasChanges(counts) ? EXIT.planHasChanges : EXIT.ok;
}
